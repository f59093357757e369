""" "According to X, …" and "…, according to X": the source is the object of "to"."""

from __future__ import annotations

from collections.abc import Sequence

from quotetrace.detect import confidence as conf
from quotetrace.detect.analysis import Analysis
from quotetrace.detect.candidate import Candidate
from quotetrace.detect.cue_clauses import CueClauseDetector
from quotetrace.detect.evidence import Evidence
from quotetrace.detect.grammar import span_of, trim
from quotetrace.nlp import Token


class AccordingToDetector:
    def __init__(self, clauses: CueClauseDetector) -> None:
        self._clauses = clauses  # shares the mention rules

    def detect(self, analysis: Analysis) -> list[Candidate]:
        text = analysis.text
        out = []
        for sent in analysis.parsed:
            toks = sent.tokens
            for tok in toks:
                if tok.lower != "according" or tok.i + 1 >= len(toks):
                    continue
                to = toks[tok.i + 1]
                if to.lower != "to":
                    continue
                sources = [c for c in sent.children(to.i) if c.dep == "pobj"]
                if not sources:
                    continue
                source = sources[0]
                # The clause the phrase modifies, minus the phrase itself.
                phrase = {t.i for t in sent.subtree(tok.i)} | {t.i for t in sent.subtree(to.i)}
                head = toks[tok.head] if tok.head != tok.i else tok
                if head.i == tok.i or head.i in phrase:
                    head = next((t for t in toks if t.dep == "ROOT"), tok)
                while head.dep not in ("ROOT", "ccomp", "conj") and head.head != head.i:
                    head = toks[head.head]
                while head.dep == "conj" and head.head != head.i and tok.i > head.i:
                    # "A and B, according to X": the source of the whole coordination
                    head = toks[head.head]
                rest = [t for t in sent.subtree(head.i) if t.i not in phrase]
                if head.i == tok.i:
                    # "According to X, the move reeks of fear": the parse found no main clause
                    # and hung it all on "according"; the content is what follows the comma
                    rest = _after_comma(toks, to.i)
                    phrase = {t.i for t in toks if t.i <= to.i or t.i not in {r.i for r in rest}}
                after = max(phrase) + 1
                if after < len(toks) and toks[after].text in ("who", "which"):
                    # "… according to CNN who reported that …": the relative clause is CNN's
                    # own attribution, even where the parse hung it elsewhere
                    rest = [t for t in rest if t.i < tok.i]
                span = span_of(rest)
                if span is None:
                    continue
                start, end = trim(text, *span)
                if end - start < 8:
                    continue
                content = _around(text, rest, min(phrase), max(phrase), (start, end))
                speaker = self._clauses.mention_span(sent, source)
                kind = "speech"
                if source.lower in (
                    "poll",
                    "polls",
                    "study",
                    "survey",
                    "data",
                    "report",
                    "research",
                ):
                    kind = "writing"  # according to a report, a poll: a written source
                out.append(
                    Candidate(
                        content=content,
                        type="indirect",
                        evidence=Evidence.ACCORDING_TO,
                        cue=((tok.start, to.end),),
                        cue_lemma="according to",
                        speaker=(speaker,) if speaker else (),
                        kind=kind,
                        sentence=(sent.start, sent.end),
                        full_content=(start, end),
                        confidence=conf.ACCORDING_TO,
                    )
                )
        return out


def _after_comma(toks: Sequence[Token], to: int) -> list[Token]:
    """The words after the first comma that follows "according to" (none if it opens no clause
    of three words or more)."""
    comma = next((t.i for t in toks[to + 1 :] if t.text == ","), None)
    if comma is None:
        return []
    rest = [t for t in toks[comma + 1 :] if t.pos != "PUNCT" or t.i < len(toks) - 1]
    return rest if len([t for t in rest if t.pos != "PUNCT"]) >= 3 else []


def _around(
    text: str, rest: list[Token], first: int, last: int, whole: tuple[int, int]
) -> tuple[tuple[int, int], ...]:
    """ "A was, according to X, among B": the content in two spans on either side of the
    phrase (tokens ``first``..``last``); one span when the phrase stands at an end."""
    before = span_of(t for t in rest if t.i < first)
    after = span_of(t for t in rest if t.i > last)
    if before is None or after is None:
        return (whole,)
    left, right = trim(text, *before), trim(text, *after)
    if left[1] <= left[0] or right[1] <= right[0]:
        return (whole,)
    return (left, right)
