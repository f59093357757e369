"""Pairs of quotation marks, nested, over paragraph breaks, tolerant of unbalanced marks.

Handles straight, curly, single, double, « », „ “ and ‹ › marks. Apostrophes (wasn’t, Russia’s,
'90s) are told apart from single quotes by their neighbours. News style lets a quote run over a
paragraph break: the paragraph ends with no closing mark and the next one re-opens (or, less often,
does not re-open but closes later). An opening mark that never closes ends at its paragraph's end
and is flagged ``terminated=False``; nothing is dropped and nothing raises.
"""

from __future__ import annotations

from dataclasses import dataclass

from quotetrace.model import Span

DOUBLE, SINGLE = "double", "single"
_OPENERS = {"“": DOUBLE, "„": DOUBLE, "«": DOUBLE, "‘": SINGLE, "‚": SINGLE, "‹": SINGLE}
_CLOSERS = {"”": DOUBLE, "»": DOUBLE, "’": SINGLE, "›": SINGLE}
_ALL_MARKS = frozenset("\"'“”„«»‘’‚‹›")
_OPEN_CONTEXT = frozenset("([{—–-/:;,")  # characters after which a mark tends to open


@dataclass(frozen=True)
class MarkedQuote:
    """Text between a pair of marks. ``content`` excludes the marks (one span per paragraph)."""

    open: int  # offset of the opening mark
    close: int | None  # offset of the closing mark, None when it never closed
    content: tuple[Span, ...]
    family: str  # "double" or "single"
    parent: int | None  # index of the enclosing MarkedQuote in the result list
    depth: int

    @property
    def terminated(self) -> bool:
        return self.close is not None

    @property
    def start(self) -> int:
        return self.content[0][0] if self.content else self.open + 1

    @property
    def end(self) -> int:
        return self.content[-1][1] if self.content else self.open + 1

    @property
    def outer(self) -> Span:
        """From the opening mark to just after the closing mark (or the content's end)."""
        return (self.open, (self.close + 1) if self.close is not None else self.end)


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def _role(text: str, i: int) -> str:
    """'open', 'close', 'either' or 'none' (apostrophe) for the mark at ``i``."""
    ch = text[i]
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if ch in _OPENERS and ch != "‘":
        return "open"
    if ch in "”»›":
        return "close"
    if ch in "’'":
        if _is_word(before) and _is_word(after):
            return "none"  # wasn't, Russia's, O'Brien
        if ch == "’" and before.isspace() and after.isdigit():
            return "none"  # ’90s
    if ch in "‘’'" and after.isdigit() and text[i + 1 : i + 4].rstrip("s ").isdigit():
        return "none"  # ‘90s, '08
    if ch == "‘":
        return "open" if not _is_word(before) else "none"
    if ch == "’":
        if before.isspace():
            return "open"  # mis-typed opener
        return "close"
    # straight marks
    left_space = before.isspace() or before in _OPEN_CONTEXT or before in _ALL_MARKS
    right_space = after.isspace() or after in ".,;:!?)]}—–" or after in _ALL_MARKS
    if left_space and not right_space:
        return "open"
    if right_space and not left_space:
        if ch == "'" and before in "sS" and not right_space:
            return "none"
        return "close"
    if ch == "'" and (left_space or right_space):
        return "either"
    return "either" if ch == '"' else "none"


def _family(ch: str) -> str:
    if ch in _OPENERS:
        return _OPENERS[ch]
    if ch in _CLOSERS:
        return _CLOSERS[ch]
    return DOUBLE if ch == '"' else SINGLE


def _next_paragraph_start(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _closes_later(text: str, start: int, family: str) -> bool:
    """Does the paragraph at ``start`` close a ``family`` quote before opening a new one?"""
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    for i in range(start, end):
        ch = text[i]
        if ch not in _ALL_MARKS or _family(ch) != family:
            continue
        role = _role(text, i)
        if role == "close":
            return True
        if role == "open":
            return False
    return False


MAX_NESTING = 32  # deeper quote marks are paired but give no quote of their own


class _Open:
    __slots__ = ("mark", "family", "pieces", "piece_start", "index", "depth", "parent")

    def __init__(self, mark: int, family: str, depth: int, parent: int | None) -> None:
        self.mark = mark
        self.family = family
        self.pieces: list[Span] = []
        self.piece_start = mark + 1
        self.index = -1
        self.depth = depth
        self.parent = parent


def find_marked_quotes(text: str) -> list[MarkedQuote]:
    """Every quoted stretch of ``text``, outermost first within each position, with parents.

    Marks nested deeper than ``MAX_NESTING`` are still paired (so the marks around them pair as
    before) but give no quote of their own: their text stays inside the deepest quote reported.
    Real text nests three deep; 10,000 levels would otherwise make 10,000 quotes each holding the
    rest of the text (output growing with the square of the depth)."""
    stack: list[_Open] = []
    results: list[MarkedQuote | None] = []
    pending: dict[int, _Open] = {}
    doubles = 0  # how many entries of the stack are double quotes

    def pop() -> _Open:
        nonlocal doubles
        entry = stack.pop()
        doubles -= entry.family == DOUBLE
        return entry

    def finish(entry: _Open, close: int | None, end: int) -> None:
        if entry.index < 0:  # deeper than MAX_NESTING: paired, not reported
            return
        pieces = [*entry.pieces, (entry.piece_start, end)]
        pieces = [(s, e) for s, e in pieces if e > s]
        results[entry.index] = MarkedQuote(
            open=entry.mark,
            close=close,
            content=tuple(pieces),
            family=entry.family,
            parent=entry.parent,
            depth=entry.depth,
        )
        pending.pop(entry.index, None)

    def open_quote(i: int, family: str) -> None:
        nonlocal doubles
        parent = stack[-1].index if stack else None
        entry = _Open(i, family, len(stack), parent)
        if len(stack) < MAX_NESTING:
            entry.index = len(results)
            results.append(None)
            pending[entry.index] = entry
        stack.append(entry)
        doubles += family == DOUBLE

    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            # Paragraph break: single quotes end here; a double quote may run on.
            while stack and stack[-1].family == SINGLE:
                entry = pop()
                finish(entry, None, _trim_end(text, entry.piece_start, i))
            if stack:
                nxt = _next_paragraph_start(text, i)
                entry = stack[-1]
                if nxt < n and text[nxt] in '"“„«' and _role(text, nxt) != "close":
                    entry.pieces.append((entry.piece_start, _trim_end(text, entry.piece_start, i)))
                    entry.piece_start = nxt + 1
                    i = nxt + 1
                    continue
                if nxt < n and _closes_later(text, nxt, entry.family):
                    i += 1  # the quote runs on with no re-opening mark
                    continue
                while stack:
                    entry = pop()
                    finish(entry, None, _trim_end(text, entry.piece_start, i))
            i += 1
            continue
        if ch not in _ALL_MARKS:
            i += 1
            continue
        role = _role(text, i)
        family = _family(ch)
        if role == "none":
            i += 1
            continue
        top = stack[-1] if stack else None
        if role in ("close", "either") and top is not None:
            if top.family == family and not (ch == "“" and text[top.mark] != "„"):
                entry = pop()
                finish(entry, i, i)
                i += 1
                continue
            if family == DOUBLE and doubles:
                # A double close while a single is open: the single never closed.
                while stack and stack[-1].family != DOUBLE:
                    entry = pop()
                    finish(entry, None, _trim_end(text, entry.piece_start, i))
                entry = pop()
                finish(entry, i, i)
                i += 1
                continue
        if ch == "“" and top is not None and text[top.mark] == "„":
            entry = pop()
            finish(entry, i, i)
            i += 1
            continue
        if role in ("open", "either"):
            open_quote(i, family)
        i += 1
    while stack:
        entry = pop()
        finish(entry, None, _trim_end(text, entry.piece_start, n))
    return _renumber(results)


def _renumber(results: list[MarkedQuote | None]) -> list[MarkedQuote]:
    """Drop empty quotes ("" or an opener at a paragraph's end) and re-point parents."""
    keep: dict[int, int] = {}
    out: list[MarkedQuote] = []
    for old, quote in enumerate(results):
        if quote is None or not quote.content:
            continue
        parent = quote.parent
        while parent is not None and parent not in keep:
            above = results[parent]
            parent = above.parent if above is not None else None
        keep[old] = len(out)
        out.append(
            MarkedQuote(
                quote.open,
                quote.close,
                quote.content,
                quote.family,
                keep[parent] if parent is not None else None,
                quote.depth,
            )
        )
    return out


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end
