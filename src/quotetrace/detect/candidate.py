"""What a detector proposes: spans plus the evidence, before the merge step decides."""

from __future__ import annotations

from dataclasses import dataclass

from quotetrace.model import Span, Spans


@dataclass(frozen=True)
class Candidate:
    content: Spans
    type: str  # direct | indirect | mixed
    evidence: str  # the detector and rule that proposed it
    cue: Spans = ()
    cue_lemma: str | None = None
    speaker: Spans = ()  # the mention as written
    speaker_name_hint: str | None = None  # a name the clause itself gives (appositive, "who")
    speaker_anchor: Span | None = None  # for relative pronouns: the noun phrase "who" stands for
    addressee: Spans = ()
    kind: str = "speech"
    sentence: Span | None = None
    negated: bool = False
    full_content: Span | None = None  # the whole complement before nested clauses were cut
    marked: int | None = None  # index of the MarkedQuote a direct quote comes from
    confidence: float = 0.5

    @property
    def start(self) -> int:
        return self.content[0][0]

    @property
    def end(self) -> int:
        return self.content[-1][1]


def overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def contains(outer: Span, inner: Span) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def hull(spans: Spans) -> Span:
    return (spans[0][0], spans[-1][1])
