"""Paragraphs and sentences by rule (segment.py), on hand-written snippets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotetrace.segment import Paragraph, paragraphs, split_sentences


def sentences(text: str) -> list[str]:
    """Every sentence of every paragraph, as text."""
    return [text[s:e] for p in paragraphs(text) for s, e in p.sentences]


def test_plain_sentences_split_at_terminal_punctuation() -> None:
    text = "The bridge is closed. Will it open? Nobody knows! Work goes on."
    assert sentences(text) == [
        "The bridge is closed.",
        "Will it open?",
        "Nobody knows!",
        "Work goes on.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Brown left early. Mrs. Brown stayed.",
            ["Mr. Brown left early.", "Mrs. Brown stayed."],
        ),
        (
            "Dr. Okafor met Sen. Lind and Gov. Ruiz. They talked.",
            ["Dr. Okafor met Sen. Lind and Gov. Ruiz.", "They talked."],
        ),
        (
            "The vote is on Jan. 14 this year. Turnout may be low.",
            ["The vote is on Jan. 14 this year.", "Turnout may be low."],
        ),
        (
            "Officials in the U.S. Senate agreed. The House did not.",
            ["Officials in the U.S. Senate agreed.", "The House did not."],
        ),
        (
            "The U.N. Security Council met. It adjourned.",
            ["The U.N. Security Council met.", "It adjourned."],
        ),
        (
            "J. R. Tolkien wrote it. A. Smith read it.",
            ["J. R. Tolkien wrote it.", "A. Smith read it."],
        ),
        (
            "They met at 9 a.m. Tuesday and left. Nothing was signed.",
            ["They met at 9 a.m. Tuesday and left.", "Nothing was signed."],
        ),
    ],
)
def test_abbreviations_and_initials_do_not_end_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_sentence_needs_a_capital_or_digit_after_it() -> None:
    # "etc. and" is not a boundary: the next word is lower case.
    text = "He listed roads, bridges, etc. and then stopped."
    assert sentences(text) == [text]


def test_closing_single_quote_stays_with_its_sentence() -> None:
    text = "‘We are not launching them.’ These words came late."
    assert sentences(text) == ["‘We are not launching them.’", "These words came late."]


@pytest.mark.parametrize("close", ["”", "’", '"', "'", "»", ")"])
def test_every_closing_mark_stays_with_its_sentence(close: str) -> None:
    text = f"She said it plainly: no.{close} Then she left."
    first, second = sentences(text)
    assert first.endswith("." + close)
    assert second == "Then she left."


def test_next_sentence_may_open_with_a_quote_mark() -> None:
    text = "He paused. “We will see,” he said."
    assert sentences(text) == ["He paused.", "“We will see,” he said."]


def test_ellipsis_ends_a_sentence() -> None:
    assert sentences("Well... Maybe not.") == ["Well...", "Maybe not."]


def test_every_line_is_a_paragraph_and_sentences_never_cross_lines() -> None:
    text = "First line without a stop\nSecond line. Still second.\n\n   \nLast line."
    paras = paragraphs(text)
    assert [text[p.start : p.end] for p in paras] == [
        "First line without a stop",
        "Second line. Still second.",
        "Last line.",
    ]
    assert [len(p.sentences) for p in paras] == [1, 2, 1]
    for p in paras:
        assert all("\n" not in text[s:e] for s, e in p.sentences)
        assert all(p.start <= s < e <= p.end for s, e in p.sentences)


def test_offsets_slice_the_text_exactly() -> None:
    text = "  Leading space. Mr. X spoke.  \n\tTabbed line!  Two spaces.  "
    for p in paragraphs(text):
        assert isinstance(p, Paragraph)
        for s, e in p.sentences:
            piece = text[s:e]
            assert piece == piece.strip()
            assert piece
    assert sentences(text) == ["Leading space.", "Mr. X spoke.", "Tabbed line!", "Two spaces."]


def test_split_sentences_works_on_a_window_of_the_text() -> None:
    text = "IGNORED. Inside one. Inside two. IGNORED TOO."
    start = text.index("Inside")
    end = text.index(" IGNORED TOO")
    spans = split_sentences(text, start, end)
    assert [text[s:e] for s, e in spans] == ["Inside one.", "Inside two."]


@pytest.mark.parametrize("text", ["", " ", "\n", "\n\n\n", " \t \n  \n"])
def test_empty_or_blank_text_has_no_paragraphs(text: str) -> None:
    assert paragraphs(text) == []


def test_split_sentences_on_blank_window_is_empty() -> None:
    assert split_sentences("   ", 0, 3) == []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aB .!?\n\"'“”‘’«»Mr")), max_size=80))
def test_sentences_are_trimmed_ordered_and_inside_their_paragraph(text: str) -> None:
    last = 0
    for p in paragraphs(text):
        assert 0 <= p.start < p.end <= len(text)
        assert "\n" not in text[p.start : p.end]
        for s, e in p.sentences:
            assert p.start <= s < e <= p.end
            assert s >= last
            assert not text[s].isspace() and not text[e - 1].isspace()
            last = e
