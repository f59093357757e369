"""The chain of attribution in words: who said it, to whom, and through whom it reached us."""

from __future__ import annotations

from collections.abc import Sequence

from quotetrace.model import Party, Quote


def _name(party: Party | None, fallback: str = "an unnamed source") -> str:
    return party.name if party is not None and party.name else fallback


def ancestors(quote: Quote, by_id: dict[str, Quote]) -> list[Quote]:
    """The quotes this one sits in, innermost first."""
    out = []
    seen = {quote.id}
    while quote.parent and quote.parent in by_id and quote.parent not in seen:
        quote = by_id[quote.parent]
        seen.add(quote.id)
        out.append(quote)
    return out


def chain_in_words(quote: Quote, quotes: Sequence[Quote]) -> str:
    """ "Alexander Lukashenko to Volodymyr Zelenskyy, as Volodymyr Zelenskyy told Lex Fridman, as
    the article reports"."""
    by_id = {q.id: q for q in quotes}
    parts = [_name(quote.speaker)]
    if quote.addressee is not None and quote.addressee.name:
        parts[0] += f" to {quote.addressee.name}"
    for outer in ancestors(quote, by_id):
        told = (
            f" told {outer.addressee.name}" if outer.addressee and outer.addressee.name else " said"
        )
        parts.append(f"as {_name(outer.speaker)}{told}")
    parts.append("as the article reports")
    return ", ".join(parts)


def chain_path(quote: Quote, quotes: Sequence[Quote]) -> list[str]:
    """Sources from the article inwards: ["article", "Volodymyr Zelenskyy", "Alexander Lukashenko"]."""
    by_id = {q.id: q for q in quotes}
    names = [_name(q.speaker, "?") for q in reversed(ancestors(quote, by_id))]
    return ["article", *names, _name(quote.speaker, "?")]
