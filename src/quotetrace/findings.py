"""Article-level findings. The headline check: a headline that states as fact (or quotes) what
the body attributes to a single source.

A headline is "resting on" an attribution when most of its content words (or its quoted words) are
found in the content of one or more quotes, and every such quote goes back, through its chain of
parents, to the same source. Headlines that no attribution supports give no finding.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from quotetrace import lexicon
from quotetrace.model import Article, Finding, Quote
from quotetrace.segment import paragraphs

_WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*")
_QUOTED = re.compile(r"(?:^|(?<=[\s:(]))[\"“‘'«]\s*([^\"”’'»]{3,})")
_STOP = lexicon.words("stopwords") | {"new"}  # "new" is in every other headline
MIN_SHARE = 0.6  # of the headline's content words found in one attribution
MIN_WORDS = 3


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
    # only a named source counts ("police" or "officials" is how news reports, not one account)
    if quote.speaker and quote.speaker.name and quote.speaker.entity:
        return quote.speaker.name
    return None


def _body_states(article: Article, quotes: Sequence[Quote], words: set[str], best: int) -> bool:
    """Does a sentence of the body, outside every quote, state the headline's claim itself
    (with at least as many of its words as the best attribution)?"""
    text = article.text
    quoted = [span for q in quotes for span in q.content]
    skip = [*article.boilerplate, *quoted]
    for para in paragraphs(text):
        for start, end in para.sentences:
            if article.title and text[start:end].strip() == article.title.strip():
                continue
            pieces, cursor = [], start
            for a, b in sorted(x for x in skip if x[0] < end and start < x[1]):
                pieces.append(text[cursor : max(cursor, a)])
                cursor = max(cursor, b)
            pieces.append(text[cursor:end])
            found = _content_words(" ".join(pieces)) & words
            if len(found) >= max(MIN_WORDS, best):
                return True
    return False


def _single_source(quotes: Sequence[Quote], by_id: dict[str, Quote]) -> str | None:
    sources = {_root_source(q, by_id) for q in quotes}
    sources.discard(None)
    return sources.pop() if len(sources) == 1 else None


def headline_findings(article: Article, quotes: Sequence[Quote]) -> list[Finding]:
    """Findings on the headline: what it states as fact, and what it quotes, if one source."""
    title = article.title
    if not title or not quotes:
        return []
    by_id = {q.id: q for q in quotes}
    quoted = [m.group(1) for m in _QUOTED.finditer(title)]
    fact_words = _content_words(_QUOTED.sub(" ", title))
    words_of = {q.id: _content_words(q.text) for q in quotes}
    findings = []
    if len(fact_words) >= MIN_WORDS:
        support = [
            q
            for q in quotes
            if q.kind in ("speech", "writing")
            and len(fact_words & words_of[q.id]) >= MIN_WORDS
            and len(fact_words & words_of[q.id]) / len(fact_words) >= MIN_SHARE
        ]
        best = max((len(fact_words & words_of[q.id]) for q in support), default=0)
        source = _single_source(support, by_id) if support else None
        if source is not None and _body_states(article, quotes, fact_words, best):
            source = None
        if source is not None:
            findings.append(
                Finding(
                    type="headline-single-source",
                    message=f"The headline states as fact what the body attributes to {source} alone.",
                    source=source,
                    spans=tuple(span for q in support for span in q.content),
                )
            )
    for part in quoted:
        words = _content_words(part)
        if len(words) < 2:
            continue  # a single quoted word is a label, not a quotation
        support = [q for q in quotes if q.type != "indirect" and words <= words_of[q.id]]
        source = _single_source(support, by_id) if support else None
        if source is not None:
            findings.append(
                Finding(
                    type="headline-quote-single-source",
                    message=f"The headline quotes “{part.strip()}”, which rests on {source}'s account alone.",
                    source=source,
                    spans=tuple(span for q in support for span in q.content),
                )
            )
    return findings
