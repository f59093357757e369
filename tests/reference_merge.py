"""The merge step as it was before issue 12 (quadratic and cubic scans), kept as the reference
that the indexed version in quotetrace.merge must agree with exactly."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from quotetrace.detect.candidate import Candidate, contains, hull, overlap
from quotetrace.detect.evidence import ClauseRule, Evidence
from quotetrace.detect.quotemarks import MarkedQuote
from quotetrace.merge import Draft, drop_nested_beliefs

_WORD = re.compile(r"\w+")


def _words(text: str, start: int, end: int) -> int:
    return len(_WORD.findall(text[start:end]))


def _outside_words(text: str, span: tuple[int, int], inner: Sequence[tuple[int, int]]) -> int:
    count = 0
    cursor = span[0]
    for s, e in sorted(inner):
        if e <= cursor or s >= span[1]:
            continue
        count += _words(text, cursor, max(cursor, s))
        cursor = max(cursor, e)
    return count + _words(text, cursor, span[1])


def reference_merge(
    text: str,
    marked: Sequence[MarkedQuote],
    direct: Sequence[Candidate],
    clauses: Sequence[Candidate],
    turns: Sequence[Candidate] = (),
) -> list[Draft]:
    """``turns``: interview transcript turns, kept as they are; quotes inside one nest in it."""
    by_marked = {c.marked: c for c in direct if c.marked is not None}
    # 1. nested quotes that repeat their parent
    for index in list(by_marked):
        quote = marked[index]
        if quote.parent is not None and quote.parent in by_marked:
            parent = marked[quote.parent]
            if _outside_words(text, hull(parent.content), quote.content) == 0:
                del by_marked[index]
    # 2. split quotes around one cue
    kept: list[Candidate] = []
    for index in sorted(by_marked, key=lambda i: marked[i].open):
        cand = by_marked[index]
        prev = kept[-1] if kept else None
        if (
            prev is not None
            and cand.cue
            and prev.cue == cand.cue
            and prev.marked is not None
            and marked[prev.marked].parent == marked[index].parent
        ):
            kept[-1] = replace(prev, content=prev.content + cand.content, splits=prev.splits + 1)
            continue
        kept.append(cand)
    direct_spans = [(hull(c.content), c) for c in kept]
    direct_cues = {c.cue for c in kept if c.cue}
    marked_outer = [q.outer for q in marked]

    # 3. clause candidates against direct quotes
    mixed: list[Candidate] = []
    absorbed: set[int] = set()
    for cand in clauses:
        if cand.negated:
            continue
        span = hull(cand.content)
        inside = [q.outer for q in marked if _holds(span, q)]
        least = 0 if cand.rule is ClauseRule.OBJECT_COMPLEMENT else 2
        is_mixed = bool(inside) and _outside_words(text, span, inside) > least
        if cand.cue and cand.cue in direct_cues and not is_mixed:
            continue  # the clause that attributes a direct quote is its evidence, not a new quote
        holder = (
            next((d for ds, d in direct_spans if contains(ds, cand.cue[0])), None)
            if cand.cue
            else None
        )
        # evidence for a direct quote (the clause's cue is outside it, its content inside it)
        own_marks = is_mixed and not any(
            d.cue and d.cue != cand.cue
            for d in kept
            if d.marked is not None and _holds(span, marked[d.marked])
        )
        covered = [
            (ds, d)
            for ds, d in direct_spans
            if not own_marks and d is not holder and overlap(ds, span) >= 0.5 * (span[1] - span[0])
        ]
        if covered:
            continue
        in_turn = cand.cue and any(contains(hull(t.content), cand.cue[0]) for t in turns)
        if (holder is not None or in_turn) and not _worth_nesting(text, cand):
            continue  # "I think …" inside a quote is part of what is quoted, not a new source
        if inside:
            if not is_mixed:
                continue  # the clause is the quote itself
            reach = max(o[1] for o in inside)
            if reach > span[1]:  # take in the closing mark the parse left outside
                content = (*cand.content[:-1], (cand.content[-1][0], reach))
                cand = replace(cand, content=content)
            cand = replace(cand, type="mixed")
            for i, d in enumerate(kept):
                if d.marked is not None and _holds(span, marked[d.marked]):
                    if holder is None or d is not holder:
                        absorbed.add(i)
        elif any(overlap(o, span) for o in marked_outer):
            # a quote that starts inside and ends outside the clause: keep the clause as mixed
            partial = [o for o in marked_outer if overlap(o, span)]
            if all(_words(text, *o) <= 6 for o in partial):
                cand = replace(cand, type="mixed")
        mixed.append(cand)
    # drop duplicate clauses (same content from two detectors): keep the most confident
    unique: list[Candidate] = []
    for cand in sorted(mixed, key=lambda c: -c.confidence):
        span = hull(cand.content)
        if any(
            overlap(hull(u.content), span) >= 0.8 * max(1, span[1] - span[0])
            and (u.speaker == cand.speaker or not cand.speaker)
            for u in unique
        ):
            continue
        unique.append(cand)
    finals = [d for i, d in enumerate(kept) if i not in absorbed] + unique + list(turns)
    finals.sort(key=lambda c: (c.start, -c.end))
    # rule 5 (nested beliefs) is a linear pass after nesting, shared with quotetrace.merge
    return drop_nested_beliefs(_nest(finals, marked))


def _holds(span: tuple[int, int], quote: MarkedQuote) -> bool:
    """Is the marked quote inside the clause span? Its marks are, or the parse left only its
    closing mark (and a full stop) outside: 'he considered himself "an artist first."'."""
    if contains((span[0] - 1, span[1] + 1), quote.outer):
        return True
    return (
        bool(quote.content)
        and span[0] <= quote.open
        and quote.end <= span[1] + 1
        and (quote.outer[1] <= span[1] + 3)
    )


_NOT_A_NEW_SOURCE = frozenset("i we you me us it this that".split())


def _worth_nesting(text: str, cand: Candidate) -> bool:
    """Reported speech inside a quote counts when a third party speaks or writes."""
    if cand.kind not in ("speech", "writing") or not cand.speaker:
        return False
    start, end = cand.speaker[0]
    return text[start:end].lower() not in _NOT_A_NEW_SOURCE


def _nest(cands: list[Candidate], marked: Sequence[MarkedQuote]) -> list[Draft]:
    """Parent of each quote: the innermost other quote that holds its cue or its marks."""
    drafts: list[Draft] = []
    holders = [
        (c.full_content or hull(c.content)) if c.type != "direct" else hull(c.content)
        for c in cands
    ]
    for i, cand in enumerate(cands):
        anchor: tuple[int, int]
        if cand.type == "direct" and cand.marked is not None:
            anchor = marked[cand.marked].outer
        elif cand.cue:
            anchor = cand.cue[0]
        else:
            anchor = hull(cand.content)
        best: int | None = None
        for j, other in enumerate(cands):
            if j == i or not contains(holders[j], anchor) or holders[j] == hull(cand.content):
                continue
            if (
                other.type == "direct"
                and cand.type == "direct"
                and cand.marked is not None
                and other.evidence is not Evidence.TRANSCRIPT_TURN
            ):
                inner = marked[cand.marked]
                if other.marked is None or not _is_ancestor(marked, other.marked, inner):
                    continue
            size = holders[j][1] - holders[j][0]
            if best is None or size < holders[best][1] - holders[best][0]:
                best = j
        drafts.append(Draft(cand, best))
    return drafts


def _is_ancestor(marked: Sequence[MarkedQuote], ancestor: int, quote: MarkedQuote) -> bool:
    parent = quote.parent
    while parent is not None:
        if parent == ancestor:
            return True
        parent = marked[parent].parent
    return False
