"""What a detector proposes: spans plus the evidence, before the merge step decides."""

from __future__ import annotations

from dataclasses import dataclass

from quotetrace.detect import confidence as conf
from quotetrace.detect.evidence import ClauseRule, Evidence
from quotetrace.model import Span, Spans


@dataclass(frozen=True)
class Candidate:
    content: Spans
    type: str  # direct | indirect | mixed
    evidence: Evidence  # the detector rule that proposed it
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
    confidence: float = conf.DEFAULT
    rule: ClauseRule | None = None  # a clause's content rule (and a direct quote's, through it)
    via: Evidence | None = None  # Evidence.DIRECT_CLAUSE: the evidence of the clause it hangs on
    splits: int = 0  # spans of the same quote the merge step joined to the first one

    @property
    def label(self) -> str:
        """The evidence as the output writes it: "cue-clause:ccomp", "direct:cue-after+split"."""
        parts = [self.evidence.value]
        if self.via is not None:
            parts.append(self.via.value)
        if self.rule is not None:
            parts.append(self.rule.value)
        return ":".join(parts) + "+split" * self.splits

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
