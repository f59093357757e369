"""Each person's gender as the article itself gives it, for pronoun agreement.

Evidence, strongest first: an honorific written with the name ("Mr.", "Ms."), a gendered role noun
in front of it ("actress Jane Roe", "her husband John"), and the pronouns the narrative uses for
the person: "he"/"she" (or "himself"/"herself") after a sentence's only person named before it
("Roe said she …"), twice at least. No first-name statistics: only what this article writes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from quotetrace import lexicon
from quotetrace.attribute.entities import EntityIndex
from quotetrace.model import Span

_TITLES = {row[0]: row[1] for row in lexicon.rows("gendered_titles")}
_NOUNS = {row[0]: row[1] for row in lexicon.rows("gendered_nouns")}
# subject and reflexive pronouns only: "his deputy", "after him" are often someone else
_PRONOUN = re.compile(r"\b(?:(he|himself)|(she|herself))\b", re.I)
TITLE_WEIGHT = 3
NOUN_WEIGHT = 2
MIN_SCORE = 2  # a title, a role noun, or two pronouns


def article_genders(
    text: str,
    entities: EntityIndex,
    persons: frozenset[str],
    sentences: Sequence[Span],
    in_quote: Callable[[int], bool],
) -> dict[str, str]:
    """Entity id -> "m" or "f" where the article's own evidence agrees (two to one or better)."""
    votes: dict[str, list[int]] = {}

    def vote(ident: str, gender: str, weight: int) -> None:
        counts = votes.setdefault(ident, [0, 0])
        counts[0 if gender == "m" else 1] += weight

    for ent in entities.entities:
        if ent.id not in persons:
            continue
        for word in entities.descriptors.get(ent.id, frozenset()):
            if word in _TITLES:
                vote(ent.id, _TITLES[word], TITLE_WEIGHT)
            elif word in _NOUNS and not _relation_only(text, word, ent.mentions):
                vote(ent.id, _NOUNS[word], NOUN_WEIGHT)
    for start, end in sentences:
        named = [
            m for m in entities.starting_in(start, end)
            if m[1] <= end and m[2] in persons and not in_quote(m[0])
        ]  # fmt: skip
        for match in _PRONOUN.finditer(text, start, end):
            if in_quote(match.start()):
                continue
            gender = "m" if match.group(1) else "f"
            before = {m[2] for m in named if m[1] <= match.start()}
            if len(before) == 1:
                vote(next(iter(before)), gender, 1)
    out = {}
    for ident, (m, f) in votes.items():
        if m >= 2 * f and m >= MIN_SCORE:
            out[ident] = "m"
        elif f >= 2 * m and f >= MIN_SCORE:
            out[ident] = "f"
    return out


def _relation_only(text: str, noun: str, mentions: Sequence[Span]) -> bool:
    """Is the role noun written before the name only as a relation to it ("a niece of Biden's",
    "the wife of John Smith"): the noun is someone else, not the named person."""
    related = re.compile(rf"\b{re.escape(noun)}\s+(?:of|to)\s+(?:the\s+)?$", re.I)
    return all(
        related.search(text, max(0, s - 60), s) for s, _e in mentions if _near(text, noun, s)
    )


def _near(text: str, noun: str, start: int) -> bool:
    return (
        re.search(rf"\b{re.escape(noun)}\b[^.]{{0,50}}$", text[max(0, start - 60) : start], re.I)
        is not None
    )
