"""The colon-line detector (detect/colon.py): "Name: claim" lines, as headlines write them."""

from __future__ import annotations

import pytest
from detect_support import analyse, texts

from quotetrace.detect import confidence
from quotetrace.detect.evidence import Evidence
from quotetrace.pipeline import Pipeline

# the body names Ben Carson as a person, so "Carson:" in the headline is a speaker
ARTICLE = (
    "Carson: Clinton is not fit to serve the country\n\n"
    "Ben Carson said on Monday that he would campaign in Iowa."
)


def test_a_person_named_in_the_article_introduces_a_claim(pipeline: Pipeline) -> None:
    analysis = analyse(pipeline, ARTICLE)
    assert "carson" in analysis.person_names
    [cand] = pipeline.colon.detect(analysis)
    assert texts(ARTICLE, cand.speaker) == ["Carson"]
    assert texts(ARTICLE, cand.content) == ["Clinton is not fit to serve the country"]
    assert texts(ARTICLE, cand.cue) == [":"]
    assert (cand.type, cand.cue_lemma) == ("indirect", ":")
    assert (cand.evidence, cand.label) == (Evidence.COLON_LINE, "colon-line")
    assert cand.confidence == confidence.COLON_LINE


def test_a_name_the_article_never_gives_as_a_person_is_no_speaker(pipeline: Pipeline) -> None:
    text = "Carson: Clinton is not fit to serve the country"
    assert pipeline.colon.detect(analyse(pipeline, text)) == []


def test_a_title_makes_a_speaker_without_the_parse(pipeline: Pipeline) -> None:
    text = "Sen. Warren: The bill is a giveaway to the banks."
    [cand] = pipeline.colon.detect(analyse(pipeline, text))
    assert texts(text, cand.speaker) == ["Sen. Warren"]
    assert texts(text, cand.content) == ["The bill is a giveaway to the banks"]  # no full stop


@pytest.mark.parametrize(
    "line",
    [
        "Photo: Firefighters at the scene of the blaze on Monday",  # page furniture
        "Update 2: Firefighters are still at the scene tonight",  # a digit
        "Sen. Warren: Absolutely unacceptable.",  # fewer than three words
        "Sen. Warren: The hearing resumes at the following times:",  # introduces a list
    ],
)
def test_lines_that_are_no_claims(pipeline: Pipeline, line: str) -> None:
    assert pipeline.colon.detect(analyse(pipeline, line)) == []


def test_lines_in_boilerplate_are_skipped(pipeline: Pipeline) -> None:
    headline = ARTICLE.index("\n")
    analysis = analyse(pipeline, ARTICLE, boilerplate=((0, headline),))
    assert pipeline.colon.detect(analysis) == []
