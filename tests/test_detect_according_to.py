"""The "according to" detector (detect/according_to.py) on small parses."""

from __future__ import annotations

from detect_support import analyse, texts

from quotetrace.detect import confidence
from quotetrace.detect.evidence import Evidence
from quotetrace.pipeline import Pipeline


def test_fronted_phrase_attributes_the_clause_after_it(pipeline: Pipeline) -> None:
    text = "According to the police, three people were arrested at the scene."
    [cand] = pipeline.according.detect(analyse(pipeline, text))
    assert texts(text, cand.content) == ["three people were arrested at the scene"]
    assert texts(text, cand.cue) == ["According to"]
    assert texts(text, cand.speaker) == ["the police"]
    assert (cand.type, cand.kind, cand.cue_lemma) == ("indirect", "speech", "according to")
    assert (cand.evidence, cand.label) == (Evidence.ACCORDING_TO, "according-to")
    assert cand.confidence == confidence.ACCORDING_TO
    assert cand.full_content == cand.content[0]


def test_trailing_phrase_and_a_written_source(pipeline: Pipeline) -> None:
    text = "Three people were arrested at the scene, according to a police report."
    [cand] = pipeline.according.detect(analyse(pipeline, text))
    assert texts(text, cand.content) == ["Three people were arrested at the scene"]
    assert texts(text, cand.speaker) == ["a police report"]
    assert cand.kind == "writing"  # a report is written


def test_a_source_that_reports_itself_keeps_only_what_comes_before(pipeline: Pipeline) -> None:
    text = "The storm killed four people, according to CNN who reported that the roads were closed."
    [cand] = pipeline.according.detect(analyse(pipeline, text))
    assert texts(text, cand.content) == ["The storm killed four people"]
    assert texts(text, cand.speaker) == ["CNN"]


def test_too_little_content_is_no_quote(pipeline: Pipeline) -> None:
    assert pipeline.according.detect(analyse(pipeline, "Yes, according to him.")) == []


def test_according_without_to_is_nothing(pipeline: Pipeline) -> None:
    text = "The band played accordingly, and according as the crowd grew they played louder."
    assert pipeline.according.detect(analyse(pipeline, text, every_sentence=True)) == []


def test_a_trailing_phrase_covers_the_whole_coordination(pipeline: Pipeline) -> None:
    text = "The plane hit a fence and struck a hangar at the airport, according to officials."
    [cand] = pipeline.according.detect(analyse(pipeline, text))
    assert texts(text, cand.content) == ["The plane hit a fence and struck a hangar at the airport"]


def test_a_phrase_inside_the_clause_splits_the_content(pipeline: Pipeline) -> None:
    text = "Two of the victims were, according to the fire service, children under ten."
    [cand] = pipeline.according.detect(analyse(pipeline, text))
    assert texts(text, cand.content) == ["Two of the victims were", "children under ten"]
    assert texts(text, cand.speaker) == ["the fire service"]


def test_fronted_phrase_whose_clause_the_parse_lost(pipeline: Pipeline) -> None:
    # the parse makes "according" the root and "reeks" a noun in apposition to the source
    text = "According to conservative talk radio host Rush Limbaugh, the move reeks of fear."
    [cand] = pipeline.according.detect(analyse(pipeline, text))
    assert texts(text, cand.content) == ["the move reeks of fear"]
    assert texts(text, cand.speaker) == ["Rush Limbaugh"]
