"""Interview transcripts (detect/transcript.py): labelled turns become direct quotes that run over
their paragraphs, and the quotes inside a turn nest in it."""

from __future__ import annotations

import pytest

from quotetrace.detect.analysis import Analysis
from quotetrace.detect.transcript import TranscriptDetector
from quotetrace.model import Article, join_spans
from quotetrace.pipeline import Pipeline
from quotetrace.segment import paragraphs

INTERVIEW = (
    "The Daily Planet spoke to marine biologist Nora Quist about her work.\n\n"
    "((WN))  Why did you start diving?\n\n"
    "((Nora Quist))  My father took me to the coast every summer.\n\n"
    "Later I studied biology in Bergen. My supervisor, Jonas Ek, told me that the reef "
    "would be gone within ten years.\n\n"
    "((WN))  Was he right?\n\n"
    "((Nora Quist))  Partly.\n\n"
    "Sources\n\n"
    "The interview was edited for length."
)


def _analysis(text: str, boilerplate: tuple[tuple[int, int], ...] = ()) -> Analysis:
    """The transcript detector reads only paragraphs and boilerplate: no parse needed."""
    spans = tuple((p.start, p.end) for p in paragraphs(text))
    return Analysis(text, spans, (), (), (), boilerplate)


def test_turns_run_over_paragraphs_until_the_next_label() -> None:
    turns = TranscriptDetector().detect(_analysis(INTERVIEW))
    got = [
        (INTERVIEW[c.speaker[0][0] : c.speaker[0][1]], [INTERVIEW[s:e] for s, e in c.content])
        for c in turns
    ]
    assert got[0] == ("WN", ["Why did you start diving?"])
    assert got[1][0] == "Nora Quist"
    assert got[1][1][0] == "My father took me to the coast every summer."
    assert got[1][1][1].startswith("Later I studied biology")
    # a heading ends the last turn; what follows it is not part of the answer
    assert got[3] == ("Nora Quist", ["Partly."])
    assert all(c.type == "direct" and not c.cue for c in turns)


def test_one_label_alone_is_not_an_interview() -> None:
    text = "((Editor's note))  This story was updated on Monday.\n\nThe council met again."
    assert TranscriptDetector().detect(_analysis(text)) == []


def test_labels_in_skipped_spans_are_ignored() -> None:
    assert TranscriptDetector().detect(_analysis(INTERVIEW, ((0, len(INTERVIEW)),))) == []


@pytest.fixture(scope="module")
def pipe(pipeline: Pipeline) -> Pipeline:
    return pipeline


def test_quotes_inside_a_turn_nest_in_it(pipe: Pipeline) -> None:
    doc = pipe.process(Article(id="t", text=INTERVIEW))
    by_text = {q.text: q for q in doc.quotes}
    answer = next(q for q in doc.quotes if q.text.startswith("My father took me"))
    assert answer.speaker is not None and answer.speaker.name == "Nora Quist"
    question = next(q for q in doc.quotes if q.text == "Why did you start diving?")
    assert question.speaker is not None and question.speaker.name == "Wikinews"
    inner = by_text["the reef would be gone within ten years"]
    assert inner.parent == answer.id
    assert inner.speaker is not None and inner.speaker.name == "Jonas Ek"
    assert inner.addressee is not None and inner.addressee.name == "Nora Quist"
    for q in doc.quotes:
        assert q.text == join_spans(INTERVIEW, q.content)


def test_an_interviewer_label_is_never_the_interviewee(pipe: Pipeline) -> None:
    text = (
        "Wikinews spoke to Walter Nash.\n\n((WN))  Why did you run?\n\n"
        "((Walter Nash))  Because nobody else would.\n\n((WN))  Will you run again?"
    )
    doc = pipe.process(Article(id="t", text=text))
    speakers = {q.text: q.speaker.name if q.speaker else None for q in doc.quotes}
    assert speakers["Why did you run?"] == "Wikinews"
    assert speakers["Because nobody else would."] == "Walter Nash"


def test_an_empty_label_is_no_turn() -> None:
    text = "(( ))  One.\n\n((  ))  Two.\n\n(( ))  Three."
    assert TranscriptDetector().detect(_analysis(text)) == []
