"""Pairing gold and predicted quotes (FORMAT.md §3): spans trimmed to character sets, Jaccard,
greedy one-to-one pairing, and when two names are the same person's."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from quotetrace import lexicon
from quotetrace.evaluate.gold import CharSet, Span

OVERLAP = 0.5
EXACT = 0.9
# §3: characters trimmed from both ends of every span, besides white space.
TRIM_CHARS = frozenset("\"'“”‘’«»„‚‹›,.;:!?—–-()[]")
_PRONOUN_WORDS = """i me my mine myself he him his himself she her hers herself they them their
    theirs themselves we us our ours ourselves you your yours yourself yourselves it its itself one
    who whom whose which that this these those someone somebody everyone everybody anyone
    anybody nobody"""
PRONOUNS = frozenset(_PRONOUN_WORDS.split())
_NAME_SUFFIXES = lexicon.words("name_suffixes")


# --- spans and names -----------------------------------------------------------------------


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and (text[start] in TRIM_CHARS or text[start].isspace()):
        start += 1
    while end > start and (text[end - 1] in TRIM_CHARS or text[end - 1].isspace()):
        end -= 1
    return start, end


def span_set(text: str, spans: Iterable[Span], *, keep_if_empty: bool = False) -> CharSet:
    """§3: the non-space positions of ``spans`` after trimming each span at both ends.

    With ``keep_if_empty`` a span that trimming empties keeps its non-space characters (for cues
    such as ":").
    """
    chars: set[int] = set()
    for start, end in spans:
        lo, hi = _trim(text, start, end)
        if lo == hi and keep_if_empty:
            lo, hi = start, end
        chars.update(i for i in range(lo, hi) if not text[i].isspace())
    return frozenset(chars)


def jaccard(a: CharSet, b: CharSet) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter) if inter else 0.0


def pair_quotes(gold: Sequence[CharSet], pred: Sequence[CharSet]) -> list[tuple[int, int, float]]:
    """Greedy one-to-one pairing by descending Jaccard; only pairs with Jaccard > 0."""
    bounds = [(min(s), max(s)) if s else (0, -1) for s in pred]
    candidates: list[tuple[float, int, int]] = []
    for gi, g in enumerate(gold):
        if not g:
            continue
        glo, ghi = min(g), max(g)
        for pi, p in enumerate(pred):
            plo, phi = bounds[pi]
            if plo > ghi or phi < glo:
                continue
            j = jaccard(g, p)
            if j > 0:
                candidates.append((-j, gi, pi))
    candidates.sort()
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs: list[tuple[int, int, float]] = []
    for neg_j, gi, pi in candidates:
        if gi in used_gold or pi in used_pred:
            continue
        used_gold.add(gi)
        used_pred.add(pi)
        pairs.append((gi, pi, -neg_j))
    return pairs


def _fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _words(value: str) -> list[str]:
    return re.findall(r"\w+", re.sub(r"['’]s\b", "", value))


def last_word(name: str | None) -> str | None:
    """The case-folded, accent-free last word of a name, skipping "Jr.", "II" and the like."""
    if not name:
        return None
    words = [_fold(w) for w in _words(name)]
    while len(words) > 1 and words[-1] in _NAME_SUFFIXES:
        words.pop()
    return words[-1] if words else None


def named_last_word(mention: str) -> str | None:
    """The last word of a mention if it looks like a name (capitalised, not a pronoun)."""
    words = _words(mention)
    if not words or not words[-1][:1].isupper():
        return None
    word = last_word(mention)
    return None if word is None or word in PRONOUNS else word


def names_agree(predicted: str | None, gold: str | None) -> bool:
    pw = last_word(predicted)
    return pw is not None and pw == last_word(gold)
