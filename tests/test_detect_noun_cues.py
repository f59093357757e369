"""The noun-cue detector (detect/noun_cues.py) on small parses: a speech noun's content clause or
infinitive, its speaker, and the nouns that report nothing."""

from __future__ import annotations

from detect_support import analyse, texts

from quotetrace.detect import confidence
from quotetrace.detect.evidence import Evidence
from quotetrace.pipeline import Pipeline


def found(pipeline: Pipeline, text: str) -> list[tuple[list[str], list[str], list[str]]]:
    cands = pipeline.noun_cues.detect(analyse(pipeline, text))
    return [(texts(text, c.content), texts(text, c.cue), texts(text, c.speaker)) for c in cands]


def test_a_content_clause_after_that(pipeline: Pipeline) -> None:
    text = "Her claim that the vote had been rigged drew criticism from both parties."
    [cand] = pipeline.noun_cues.detect(analyse(pipeline, text))
    assert texts(text, cand.content) == ["the vote had been rigged"]  # no "that"
    assert texts(text, cand.cue) == ["claim"]
    assert texts(text, cand.speaker) == ["Her"]
    assert (cand.type, cand.kind, cand.cue_lemma) == ("indirect", "speech", "claim")
    assert (cand.evidence, cand.label) == (Evidence.NOUN_CUE, "noun-cue")
    assert cand.confidence == confidence.NOUN_CUE


def test_the_subject_of_an_issuing_verb_speaks(pipeline: Pipeline) -> None:
    text = "The agency issued a warning that the river could flood by Friday."
    assert found(pipeline, text) == [
        (["the river could flood by Friday"], ["warning"], ["The agency"])
    ]


def test_an_infinitive_after_a_directive_or_commissive_noun(pipeline: Pipeline) -> None:
    text = "The minister's offer to resign was turned down by the president."
    assert found(pipeline, text) == [(["to resign"], ["offer"], ["The minister"])]


def test_a_noun_under_another_verb_has_no_speaker_of_its_own(pipeline: Pipeline) -> None:
    text = "The senator was asked about the accusation that he had misused campaign funds."
    assert found(pipeline, text) == [(["he had misused campaign funds"], ["accusation"], [])]


def test_nouns_that_report_nothing(pipeline: Pipeline) -> None:
    assert found(pipeline, "The crew worked all night in order to restore the power.") == []
    # "that" as the object of a relative clause, not a complementizer
    assert found(pipeline, "The statement that he released on Monday was short.") == []
