"""The one place that decides: overlaps between detectors, split quotes, mixed quotes, nesting.

Input: candidates from every detector. Output: ``Draft`` quotes in text order with parent links.
Rules, in order:
1. Direct quotes are kept; a nested quote that only repeats its parent ("‘It Was Putin") goes.
2. Two direct quotes hung on the same cue in one sentence are one quote with two spans.
3. A clause candidate whose content is a direct quote (give or take two words) is only the
   evidence for it; one whose content holds quoted words and more becomes a mixed quote and
   absorbs them. Negated clauses ("did not say") are dropped.
4. Parents: a quote sits in the innermost kept quote that holds its cue (or its marks);
   interview transcript turns hold the quotes said inside them.
5. A thought, perception or finding nested in another quote is part of what that quote
   reports, not an attribution of its own ("X said Y believes Z": the article vouches for X's
   words, not for Y's belief); it goes, and what nested in it moves up to its parent.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from quotetrace.detect.candidate import Candidate, contains, hull, overlap
from quotetrace.detect.evidence import ClauseRule, Evidence
from quotetrace.detect.quotemarks import MarkedQuote
from quotetrace.intervals import IntervalIndex

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Draft:
    """A decided quote before speakers are resolved; ``parent`` indexes the draft list."""

    cand: Candidate
    parent: int | None = None


def _words(text: str, start: int, end: int) -> int:
    return len(_WORD.findall(text[start:end]))


def _outside_words(text: str, span: tuple[int, int], inner: Sequence[tuple[int, int]]) -> int:
    """Words in ``span`` that are not inside any of ``inner``."""
    count = 0
    cursor = span[0]
    for s, e in sorted(inner):
        if e <= cursor or s >= span[1]:
            continue
        count += _words(text, cursor, max(cursor, s))
        cursor = max(cursor, e)
    return count + _words(text, cursor, span[1])


def merge(
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
    direct_cues: dict[tuple[tuple[int, int], ...], list[tuple[int, int]]] = {}
    for c in kept:
        if c.cue:
            direct_cues.setdefault(c.cue, []).append(hull(c.content))
    marked_outer = [q.outer for q in marked]
    # indexes, so that each clause meets only the spans near it (near-linear, not quadratic)
    direct_index = IntervalIndex([ds for ds, _ in direct_spans])
    outer_index = IntervalIndex(marked_outer)
    opens = IntervalIndex([(q.open, q.open) for q in marked])
    turn_index = IntervalIndex([hull(t.content) for t in turns])
    kept_by_marked: dict[int, list[int]] = {}
    for i, d in enumerate(kept):
        if d.marked is not None:
            kept_by_marked.setdefault(d.marked, []).append(i)

    # 3. clause candidates against direct quotes
    mixed: list[Candidate] = []
    absorbed: set[int] = set()
    for cand in clauses:
        if cand.negated:
            continue
        span = hull(cand.content)
        # a held quote opens at most one character before the span and before its end + 1
        held = [k for k in opens.starting_in(span[0] - 1, span[1] + 1) if _holds(span, marked[k])]
        inside = [marked[k].outer for k in held]
        # "called it "a sham"": object and complement are the content (FORMAT), so one word
        # outside the marks makes it mixed; elsewhere "that "…"" is still the direct quote
        least = 0 if cand.rule is ClauseRule.OBJECT_COMPLEMENT else 2
        is_mixed = bool(inside) and _outside_words(text, span, inside) > least
        if (
            cand.cue
            and cand.cue in direct_cues
            and not is_mixed
            and not (
                cand.rule is ClauseRule.CCOMP
                and span[0] > cand.cue[-1][1]
                and not any(_touches(span, q) for q in direct_cues[cand.cue])
            )
        ):
            continue  # the clause that attributes a direct quote is its evidence, not a new quote
        holders = direct_index.containing(cand.cue[0]) if cand.cue else []
        holder = direct_spans[holders[0]][1] if holders else None
        # evidence for a direct quote (the clause's cue is outside it, its content inside it)
        near = direct_index.overlapping(span) if span[1] > span[0] else range(len(direct_spans))
        # quoted words with no other cue ('said she was in "good health" but ill'): the
        # clause is a mixed quote even when the marks hold most of it
        own_marks = is_mixed and not any(
            kept[i].cue and kept[i].cue != cand.cue for k in held for i in kept_by_marked.get(k, ())
        )
        covered = [
            k
            for k in near
            if not own_marks
            and direct_spans[k][1] is not holder
            and overlap(direct_spans[k][0], span) >= 0.5 * (span[1] - span[0])
        ]
        if covered:
            continue
        in_turn = bool(cand.cue) and bool(turn_index.containing(cand.cue[0]))
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
            for k in held:
                for i in kept_by_marked.get(k, ()):
                    if holder is None or kept[i] is not holder:
                        absorbed.add(i)
        elif partial_ids := outer_index.overlapping(span):
            # a quote that starts inside and ends outside the clause: keep the clause as mixed
            partial = [marked_outer[k] for k in partial_ids]
            if all(_words(text, *o) <= 6 for o in partial):
                cand = replace(cand, type="mixed")
        mixed.append(cand)
    # drop duplicate clauses (same content from two detectors): keep the most confident
    # (a duplicate covers 80 % of the span, so it holds the span's middle character: only
    # kept clauses starting at most the longest kept length before that point can be one)
    unique: list[Candidate] = []
    by_start: list[tuple[int, int]] = []  # (start, index into unique), sorted
    longest = 0
    for cand in sorted(mixed, key=lambda c: -c.confidence):
        span = hull(cand.content)
        middle = span[0] + (span[1] - span[0]) // 2
        low = bisect.bisect_left(by_start, (middle - longest, -1))
        high = bisect.bisect_right(by_start, (middle, len(unique)))
        if any(
            overlap(hull(u.content), span) >= 0.8 * max(1, span[1] - span[0])
            and (u.speaker == cand.speaker or not cand.speaker)
            for u in (unique[k] for _, k in by_start[low:high])
        ):
            continue
        u_span = hull(cand.content)
        bisect.insort(by_start, (u_span[0], len(unique)))
        longest = max(longest, u_span[1] - u_span[0])
        unique.append(cand)
    finals = [d for i, d in enumerate(kept) if i not in absorbed] + unique + list(turns)
    finals.sort(key=lambda c: (c.start, -c.end))
    return drop_nested_beliefs(_nest(finals, marked))


_OWN_ATTRIBUTION = frozenset(["speech", "writing"])


def drop_nested_beliefs(drafts: list[Draft]) -> list[Draft]:
    """Rule 5: drop every nested quote of a kind other than speech or writing; a quote nested in
    a dropped one takes the dropped one's nearest kept ancestor as its parent."""
    gone = [d.parent is not None and d.cand.kind not in _OWN_ATTRIBUTION for d in drafts]
    if not any(gone):
        return drafts
    new_index: dict[int, int] = {}
    for i, g in enumerate(gone):
        if not g:
            new_index[i] = len(new_index)
    out: list[Draft] = []
    for i, d in enumerate(drafts):
        if gone[i]:
            continue
        parent = d.parent
        seen: set[int] = set()
        while parent is not None and gone[parent]:
            if parent in seen:  # equal-sized holders can hold each other: no kept ancestor
                parent = None
                break
            seen.add(parent)
            parent = drafts[parent].parent
        out.append(Draft(d.cand, new_index[parent] if parent is not None else None))
    return out


def _touches(span: tuple[int, int], quote: tuple[int, int]) -> bool:
    """Does the clause's content reach the direct quote (with its marks and a little space)?
    'Trump called it "fake news" and said he would …': "said" may have been given the quoted
    words as their cue, but a complement clause after it that does not reach them is a quote of
    its own."""
    return span[0] <= quote[1] + 3 and quote[0] <= span[1] + 3


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
    """Parent of each quote: the innermost other quote that holds its cue or its marks (the
    first in list order among equally small ones).

    A direct quote nests in another direct quote only when that one's marks enclose its marks;
    those parents are found by walking up the marks' own tree, every other holder through an
    interval index, so 10,000 nested quotes cost near-linear time, not cubic."""
    holders = [
        (c.full_content or hull(c.content)) if c.type != "direct" else hull(c.content)
        for c in cands
    ]
    # direct quotes (not interview turns) hold a direct quote only as a marked ancestor
    chained = [c.type == "direct" and c.evidence is not Evidence.TRANSCRIPT_TURN for c in cands]
    every = IntervalIndex(holders)
    free = [j for j in range(len(cands)) if not chained[j]]
    unchained = IntervalIndex([holders[j] for j in free])
    by_marked: dict[int, list[int]] = {}
    for j, c in enumerate(cands):
        if chained[j] and c.marked is not None:
            by_marked.setdefault(c.marked, []).append(j)

    def size(j: int) -> int:
        return holders[j][1] - holders[j][0]

    drafts: list[Draft] = []
    for i, cand in enumerate(cands):
        anchor: tuple[int, int]
        own = hull(cand.content)
        if cand.type == "direct" and cand.marked is not None:
            anchor = marked[cand.marked].outer
            options = [free[k] for k in unchained.containing(anchor)]
            options += _marked_holders(marked, cand.marked, by_marked, holders, anchor, own, i)
        else:
            anchor = cand.cue[0] if cand.cue else own
            options = every.containing(anchor)
        options = [j for j in options if j != i and holders[j] != own]
        best = min(options, key=lambda j: (size(j), j)) if options else None
        drafts.append(Draft(cand, best))
    return drafts


def _marked_holders(
    marked: Sequence[MarkedQuote],
    index: int,
    by_marked: dict[int, list[int]],
    holders: list[tuple[int, int]],
    anchor: tuple[int, int],
    own: tuple[int, int],
    me: int,
) -> list[int]:
    """The candidates of the nearest marked ancestor of ``marked[index]`` that hold ``anchor``
    (enclosing marks hold more text, so farther ancestors are never smaller)."""
    parent = marked[index].parent
    while parent is not None:
        found = [
            j
            for j in by_marked.get(parent, ())
            if j != me and holders[j] != own and contains(holders[j], anchor)
        ]
        if found:
            return found
        parent = marked[parent].parent
    return []


def _is_ancestor(marked: Sequence[MarkedQuote], ancestor: int, quote: MarkedQuote) -> bool:
    parent = quote.parent
    while parent is not None:
        if parent == ancestor:
            return True
        parent = marked[parent].parent
    return False
