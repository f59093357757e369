"""Paragraphs and sentences by rule: cheap, offset-exact, and independent of the NLP library.

A sentence never crosses a line break. Quote marks that close a sentence stay with it
("… launching them.’ These" splits after the closing mark).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from quotetrace import lexicon
from quotetrace.model import Span

_ABBREVIATIONS = lexicon.words("abbreviations")
_CLOSERS = "\"'”’»)]"
_SENTENCE_END = re.compile(r"[.!?…]+[" + re.escape(_CLOSERS) + r"]*(?=\s+)")
_NEXT_STARTS_SENTENCE = re.compile(r"\s+[\"'“‘«(\[]?[A-Z0-9À-Þ]")


@dataclass(frozen=True)
class Paragraph:
    start: int
    end: int
    sentences: tuple[Span, ...]


def _is_abbreviation(text: str, end_of_word: int) -> bool:
    start = end_of_word
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in '"“‘(':
        start -= 1
    word = text[start:end_of_word].lower().rstrip(".")
    if not word:
        return False
    if word in _ABBREVIATIONS:
        return True
    # initials ("J." in "J. R. Smith") and dotted acronyms ("U.S." is handled above too)
    return len(word) == 1 and word.isalpha() or "." in word and len(word) <= 5


def split_sentences(text: str, start: int, end: int) -> list[Span]:
    """Sentence spans inside one line ``text[start:end]``, trimmed of surrounding space."""
    spans: list[Span] = []
    cursor = start
    for match in _SENTENCE_END.finditer(text, start, end):
        stop = match.end()
        if not _NEXT_STARTS_SENTENCE.match(text, stop, end):
            continue
        if text[match.start()] == "." and match.end() - match.start() == 1:
            if _is_abbreviation(text, match.start()):
                continue
        spans.append((cursor, stop))
        cursor = stop
    spans.append((cursor, end))
    return [(s, e) for s, e in (strip_span(text, *span) for span in spans) if e > s]


def strip_span(text: str, start: int, end: int) -> Span:
    """``text[start:end]`` without the white space around it (offsets, not a copy)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def paragraphs(text: str) -> list[Paragraph]:
    """Every non-empty line is a paragraph, with its sentences."""
    out = []
    for match in re.finditer(r"[^\n]+", text):
        s, e = match.span()
        if text[s:e].strip():
            out.append(Paragraph(s, e, tuple(split_sentences(text, s, e))))
    return out
