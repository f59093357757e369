"""The stage contract: one immutable ``Analysis`` of a text, given to every detector.

``Pipeline.analyse`` builds it once per text (or per block of a very long text): paragraphs,
sentences, the parsed sentences, the quote marks, the boilerplate and the publication date. Every
detector is a ``Detector``: ``detect(analysis)`` returns its candidates and changes nothing, so
detectors can run in any order and be tested one at a time on a small parse. What a detector
needs beyond these fields and is derived from them (the words of person names, …) is a cached
property here, computed once for all detectors.

The one detector that builds on others, the direct-quote detector, reads the cue clauses the
clause detectors proposed from ``clauses``: the pipeline fills it with ``with_clauses`` after
running those (a new ``Analysis``; the original is never changed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Protocol

from quotetrace.detect.candidate import Candidate
from quotetrace.detect.quotemarks import MarkedQuote
from quotetrace.model import Span
from quotetrace.nlp import ParsedSentence


@dataclass(frozen=True)
class Analysis:
    """Everything the detectors read about one text; every span slices ``text``."""

    text: str
    paragraphs: tuple[Span, ...]  # every non-empty line
    sentences: tuple[Span, ...]  # the sentences outside the boilerplate, in text order
    parsed: tuple[ParsedSentence, ...]  # those of them that may hold a quote, parsed
    marked: tuple[MarkedQuote, ...]  # every quoted stretch (find_marked_quotes)
    boilerplate: tuple[Span, ...] = ()  # page furniture: captions, bylines (never quotes)
    published: str | None = None  # the publication date, ISO, when known
    # the cue clauses proposed so far: evidence for the direct-quote detector (``with_clauses``)
    clauses: tuple[Candidate, ...] = ()

    def with_clauses(self, clauses: Sequence[Candidate]) -> Analysis:
        """The same analysis, with ``clauses`` for the detectors that build on them."""
        return replace(self, clauses=tuple(clauses))

    def in_boilerplate(self, pos: int) -> bool:
        """Does the character at ``pos`` sit in page furniture?"""
        return any(start <= pos < end for start, end in self.boilerplate)

    @cached_property
    def quoted(self) -> tuple[Span, ...]:
        """Each quoted stretch from its opening mark to just after its closing mark."""
        return tuple(q.outer for q in self.marked)

    @cached_property
    def person_names(self) -> frozenset[str]:
        """Lower-cased words of every person name the recogniser found in the parsed sentences."""
        words: set[str] = set()
        for sent in self.parsed:
            for first, last, label in sent.entities():
                if label == "PERSON":
                    words.update(t.lower for t in sent.tokens[first:last])
        return frozenset(words)


class Detector(Protocol):
    """A detector proposes candidate quotes with the evidence it used; the merge step decides."""

    def detect(self, analysis: Analysis) -> list[Candidate]: ...
