"""The direct-quote detector (detect/direct.py) on small parses: which marked stretches are quotes,
the cue beside the marks, the cue clause around them, and quotes with no cue."""

from __future__ import annotations

import pytest
from detect_support import analyse, texts

from quotetrace.detect import confidence
from quotetrace.detect.analysis import Analysis
from quotetrace.detect.candidate import Candidate
from quotetrace.detect.direct import looks_like_title
from quotetrace.detect.evidence import ClauseRule, Evidence
from quotetrace.pipeline import Pipeline


def with_clauses(pipeline: Pipeline, analysis: Analysis) -> Analysis:
    """The analysis as the pipeline hands it over: with the clause detectors' candidates."""
    clauses = (
        pipeline.clauses.detect(analysis)
        + pipeline.according.detect(analysis)
        + pipeline.colon.detect(analysis)
    )
    return analysis.with_clauses(clauses)


def direct(
    pipeline: Pipeline, text: str, boilerplate: tuple[tuple[int, int], ...] = ()
) -> list[Candidate]:
    analysis = analyse(pipeline, text, boilerplate=boilerplate)
    return pipeline.direct.detect(with_clauses(pipeline, analysis))


def test_cue_after_the_closing_mark(pipeline: Pipeline) -> None:
    text = "“We will rebuild the bridge,” Mayor Ana Ortiz said on Tuesday."
    [cand] = direct(pipeline, text)
    assert texts(text, cand.content) == ["We will rebuild the bridge,"]  # inside the marks
    assert texts(text, cand.cue) == ["said"]
    assert texts(text, cand.speaker) == ["Ana Ortiz"]
    assert (cand.type, cand.cue_lemma, cand.marked) == ("direct", "say", 0)
    assert (cand.evidence, cand.label) == (Evidence.DIRECT_CUE_AFTER, "direct:cue-after")
    assert cand.confidence == confidence.DIRECT_CUE_BESIDE


def test_cue_before_the_opening_mark(pipeline: Pipeline) -> None:
    text = "Ortiz said: “We will not raise taxes this year.”"
    [cand] = direct(pipeline, text)
    assert texts(text, cand.content) == ["We will not raise taxes this year."]
    assert texts(text, cand.speaker) == ["Ortiz"]
    assert cand.label == "direct:cue-before"


def test_each_quote_gets_the_cue_beside_it(pipeline: Pipeline) -> None:
    text = "“This is the end of an era,” said Ortiz.\n“Not for us,” said Mary Lee."
    found = direct(pipeline, text)
    assert [texts(text, c.speaker) for c in found] == [["Ortiz"], ["Mary Lee"]]
    assert [c.marked for c in found] == [0, 1]


def test_quoted_words_inside_a_cue_clause_hang_on_that_clause(pipeline: Pipeline) -> None:
    text = "Ortiz said the plan was “a recipe for disaster” for the city."
    [cand] = direct(pipeline, text)
    assert texts(text, cand.content) == ["a recipe for disaster"]
    assert texts(text, cand.speaker) == ["Ortiz"]
    assert (cand.evidence, cand.via, cand.rule) == (
        Evidence.DIRECT_CLAUSE,
        Evidence.CUE_CLAUSE,
        ClauseRule.CCOMP,
    )
    assert cand.label == "direct:cue-clause:ccomp"
    assert cand.confidence == confidence.DIRECT_IN_CLAUSE


def test_the_clauses_come_from_the_analysis(pipeline: Pipeline) -> None:
    text = "Ortiz said the plan was “a recipe for disaster” for the city."
    # without the clause detectors' candidates, the quote has no cue
    [cand] = pipeline.direct.detect(analyse(pipeline, text))
    assert cand.label == "direct:no-cue"
    assert cand.speaker == ()


def test_speech_with_no_cue_is_still_a_quote(pipeline: Pipeline) -> None:
    text = "“We will never give up on this city.”\n\nThe council met on Monday."
    [cand] = direct(pipeline, text)
    assert texts(text, cand.content) == ["We will never give up on this city."]
    assert (cand.cue, cand.speaker) == ((), ())
    assert (cand.evidence, cand.label) == (Evidence.DIRECT_NO_CUE, "direct:no-cue")
    assert cand.confidence == confidence.DIRECT_NO_CUE


def test_marks_that_never_close_lower_the_confidence(pipeline: Pipeline) -> None:
    text = "“We are not done yet"
    [cand] = direct(pipeline, text)
    assert texts(text, cand.content) == ["We are not done yet"]
    assert cand.confidence == confidence.DIRECT_NO_CUE_UNCLOSED


def test_short_unattributed_stretches_are_no_quotes(pipeline: Pipeline) -> None:
    assert direct(pipeline, "The crowd chanted “lock them up” all night long.") == []


def test_a_channel_is_no_cue(pipeline: Pipeline) -> None:
    text = "“The deal is off for now,” as reported by the Courier."
    [cand] = direct(pipeline, text)
    assert cand.label == "direct:no-cue"  # the Courier passed it on; it did not say it


def test_quotes_in_boilerplate_are_never_quotes(pipeline: Pipeline) -> None:
    text = "“Flood waters rise in the valley,” photo by Ana Ortiz.\n\nThe council met on Monday."
    caption = text.index("\n")
    assert direct(pipeline, text) != []
    assert direct(pipeline, text, boilerplate=((0, caption),)) == []


def test_quoted_words_hang_on_the_innermost_speech_clause(pipeline: Pipeline) -> None:
    # both "confirmed" and "stating" hold the marks in their complements: the inner one cues them
    text = "The police confirmed they had arrested two men, stating “Witnesses should call us.”"
    [cand] = direct(pipeline, text)
    assert texts(text, cand.cue) == ["stating"]
    # a thought inside a speech clause does not cue the marks: what was said does
    text = "Tong said they intended to “restore the hall to its former glory.”"
    [cand] = direct(pipeline, text)
    assert texts(text, cand.cue) == ["said"]


def test_titles_in_title_case_are_no_quotes(pipeline: Pipeline) -> None:
    assert looks_like_title("Meet the Press Today")
    assert looks_like_title("The Art of the Deal,")
    assert not looks_like_title("We will win this")  # lower-case words: a sentence
    assert not looks_like_title("NO MORE WAR")  # shouted, not a title
    assert not looks_like_title("Go Home Now!")  # an exclamation is said
    text = "Her talk, “Ten Years of the City Budget Office,” drew a crowd."
    assert direct(pipeline, text) == []


@pytest.mark.parametrize(
    "text",
    [
        'The event was dedicated to the "furry fandom." It drew thousands.',
        'At a rally in Minnesota, Biden referred to hecklers as "ugly folks."',
        'The city is governed under the "one country, two systems" principle.',
    ],
)
def test_short_label_after_a_determiner_is_no_quote(pipeline: Pipeline, text: str) -> None:
    assert direct(pipeline, text) == []


def test_short_quote_closed_by_a_full_stop_elsewhere_is_a_quote(pipeline: Pipeline) -> None:
    text = 'The crowd answered: "Never again." Then it dispersed.'
    assert [texts(text, c.content) for c in direct(pipeline, text)] == [["Never again."]]
