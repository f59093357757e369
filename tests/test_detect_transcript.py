"""The transcript detector (detect/transcript.py) on an Analysis: evidence, confidence, the names
interviewers' labels stand for, and boilerplate ending a turn. (tests/test_transcript.py has the
turns over paragraphs and their nesting in the whole pipeline.)"""

from __future__ import annotations

from quotetrace.detect import confidence
from quotetrace.detect.analysis import Analysis
from quotetrace.detect.evidence import Evidence
from quotetrace.detect.transcript import TranscriptDetector
from quotetrace.model import Span
from quotetrace.segment import paragraphs

TEXT = (
    "((Q))  Where were you born?\n\n"
    "((Lena Berg))  In Tromsø, in the north.\n\n"
    "We moved south when I was six.\n\n"
    "((WN))  Thank you for your time and your answers.\n\n"
    "((Lena Berg))  My pleasure."
)


def analysis(text: str, boilerplate: tuple[Span, ...] = ()) -> Analysis:
    """Turns need only paragraphs and boilerplate: no parse, no quote marks."""
    spans = tuple((p.start, p.end) for p in paragraphs(text))
    return Analysis(text, spans, (), (), (), boilerplate)


def test_each_labelled_turn_is_a_direct_quote_with_no_cue() -> None:
    turns = TranscriptDetector().detect(analysis(TEXT))
    assert [TEXT[c.speaker[0][0] : c.speaker[0][1]] for c in turns] == [
        "Q",
        "Lena Berg",
        "WN",
        "Lena Berg",
    ]
    assert [[TEXT[s:e] for s, e in c.content] for c in turns][1] == [
        "In Tromsø, in the north.",
        "We moved south when I was six.",
    ]
    for cand in turns:
        assert (cand.type, cand.cue, cand.kind) == ("direct", (), "speech")
        assert (cand.evidence, cand.label) == (Evidence.TRANSCRIPT_TURN, "transcript-turn")
        assert cand.confidence == confidence.TRANSCRIPT_TURN


def test_interviewer_labels_name_who_they_stand_for() -> None:
    turns = TranscriptDetector().detect(analysis(TEXT))
    assert [c.speaker_name_hint for c in turns] == ["interviewer", None, "Wikinews", None]


def test_a_paragraph_in_boilerplate_ends_the_turn() -> None:
    follow = TEXT.index("We moved south")
    end = TEXT.index("\n", follow)
    turns = TranscriptDetector().detect(analysis(TEXT, ((follow, end),)))
    assert [TEXT[s:e] for s, e in turns[1].content] == ["In Tromsø, in the north."]
