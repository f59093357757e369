"""A static interval index, so that pairing spans with spans stays near-linear.

Merging, nesting and dates ask, for every quote or clause, which other spans hold a point, hold a
span or overlap it. Asked of every other span in turn that is quadratic in the number of quotes
(50,000 quote marks in one text took hours). ``IntervalIndex`` answers those questions in
O(log n + k) for k answers: a centred interval tree (stabbing) plus the starts in sorted order.
Answers come back as indices into the list the index was built from, in ascending order, so callers
that took "the first one in list order" keep exactly the same choice.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

Span = tuple[int, int]


class _Node:
    __slots__ = ("by_end", "by_start", "centre", "left", "right")

    def __init__(self, spans: Sequence[Span], items: list[int]) -> None:
        points = sorted(p for k in items for p in spans[k])
        self.centre = points[len(points) // 2]
        here, left, right = [], [], []
        for k in items:
            start, end = spans[k]
            if end < self.centre:
                left.append(k)
            elif start > self.centre:
                right.append(k)
            else:
                here.append(k)
        self.by_start = sorted(here, key=lambda k: spans[k][0])
        self.by_end = sorted(here, key=lambda k: -spans[k][1])
        self.left = _Node(spans, left) if left else None
        self.right = _Node(spans, right) if right else None


class IntervalIndex:
    """Closed intervals ``(start, end)``; an empty list gives an index that finds nothing."""

    def __init__(self, spans: Sequence[Span]) -> None:
        self.spans = list(spans)
        order = sorted(range(len(self.spans)), key=lambda k: self.spans[k][0])
        self._order = order
        self._starts = [self.spans[k][0] for k in order]
        self._root = _Node(self.spans, list(range(len(self.spans)))) if self.spans else None

    def stabbing(self, point: int) -> list[int]:
        """Indices of the spans with ``start <= point <= end``, ascending."""
        found: list[int] = []
        node = self._root
        spans = self.spans
        while node is not None:
            if point < node.centre:
                for k in node.by_start:
                    if spans[k][0] > point:
                        break
                    found.append(k)
                node = node.left
            elif point > node.centre:
                for k in node.by_end:
                    if spans[k][1] < point:
                        break
                    found.append(k)
                node = node.right
            else:
                found.extend(node.by_start)
                break
        found.sort()
        return found

    def containing(self, span: Span) -> list[int]:
        """Indices of the spans that hold ``span`` whole (``start <= s`` and ``e <= end``)."""
        s, e = span
        return [k for k in self.stabbing(s) if self.spans[k][1] >= e]

    def starting_in(self, low: int, high: int) -> list[int]:
        """Indices of the spans whose start is in ``[low, high]``, ascending."""
        i = bisect.bisect_left(self._starts, low)
        j = bisect.bisect_right(self._starts, high)
        return sorted(self._order[i:j])

    def overlapping(self, span: Span) -> list[int]:
        """Indices of the spans sharing at least one character with the half-open ``span``
        (``start < e`` and ``s < end``), ascending."""
        s, e = span
        if e <= s:
            return []
        spans = self.spans
        found = {k for k in self.stabbing(s) if spans[k][1] > s and spans[k][0] < e}
        found.update(k for k in self.starting_in(s + 1, e - 1) if spans[k][1] > spans[k][0])
        return sorted(found)


def union_spans(spans: Iterable[Span]) -> list[Span]:
    """Sorted, disjoint spans covering the same characters as ``spans`` (empty ones dropped)."""
    out: list[Span] = []
    for a, b in sorted(sp for sp in spans if sp[1] > sp[0]):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out
