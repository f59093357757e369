"""Article-level findings. The headline check: a headline that states as fact (or quotes) what
the body attributes to a single source.

A headline is "resting on" an attribution when most of its content words (or its quoted words) are
found in the content of one or more quotes, and every such quote goes back, through its chain of
parents, to the same source. Headlines that no attribution supports give no finding.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from quotetrace.model import Article, Finding, Quote

_WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*")
_QUOTED = re.compile(r"[\"“‘'«]\s*([^\"”’'»]{3,})")
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "for",
        "in",
        "on",
        "at",
        "by",
        "with",
        "from",
        "and",
        "or",
        "but",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "he",
        "she",
        "they",
        "his",
        "her",
        "their",
        "after",
        "before",
        "over",
        "about",
        "into",
        "than",
        "then",
        "so",
        "not",
        "no",
        "new",
        "says",
        "said",
        "say",
        "will",
        "would",
        "could",
        "should",
        "may",
        "might",
        "has",
        "have",
        "had",
    ]
)
MIN_SHARE = 0.5


def _stem(word: str) -> str:
    w = word.lower().replace("’", "'").removesuffix("'s")
    for suffix in ("izes", "ized", "ises", "ised", "ies", "ied", "es", "ed", "ing", "s"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            return w[: -len(suffix)]
    return w


def _content_words(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(text) if w.lower() not in _STOP and len(w) > 2}


def _root_source(quote: Quote, by_id: dict[str, Quote]) -> str | None:
    """Who the chain goes back to: the speaker of the outermost quote."""
    seen = set()
    while quote.parent and quote.parent in by_id and quote.parent not in seen:
        seen.add(quote.id)
        quote = by_id[quote.parent]
    return quote.speaker.name if quote.speaker and quote.speaker.name else None


def headline_findings(article: Article, quotes: Sequence[Quote]) -> list[Finding]:
    title = article.title
    if not title or not quotes:
        return []
    title_words = _content_words(title)
    quoted = [m.group(1) for m in _QUOTED.finditer(title)]
    if len(title_words) < 2:
        return []
    by_id = {q.id: q for q in quotes}
    support: list[Quote] = []
    for q in quotes:
        words = _content_words(q.text)
        share = len(title_words & words) / len(title_words)
        quoted_hit = any(_content_words(part) and _content_words(part) <= words for part in quoted)
        if share >= MIN_SHARE or quoted_hit:
            support.append(q)
    if not support:
        return []
    sources = {_root_source(q, by_id) for q in support}
    sources.discard(None)
    if len(sources) != 1:
        return []
    source = sources.pop()
    assert source is not None
    what = "quotes" if quoted else "states as fact"
    return [
        Finding(
            type="headline-single-source",
            message=f"The headline {what} what the body attributes to {source} alone.",
            source=source,
            spans=tuple(span for q in support for span in q.content),
        )
    ]
