"""A person's likely gender from their first name, for pronoun agreement when the article is silent.

The statistics are votes: how many of Faker's locales list a first name as male and how many as
female (lexicons/first_name_genders.txt, made by scripts/build_first_names.py; Faker is MIT
licensed). A name counts only when the votes are lopsided ("Chris" 8 to 1 is male, "Jean" 15 to 6
and "Kim" 8 to 10 are neither). What the article itself writes ("Mr.", "his wife", "she said")
always comes first: these guesses only fill the people it gives no evidence for.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING

from quotetrace import lexicon

if TYPE_CHECKING:  # entities asks this module whether a word is a first name
    from quotetrace.attribute.entities import EntityIndex

MIN_RATIO = 4  # one gender's locales must outnumber the other's four to one


@functools.cache
def load_first_names() -> Mapping[str, str]:
    """Case-folded first name -> "m" or "f", for the names whose votes are lopsided."""
    out = {}
    for name, male_votes, female_votes in lexicon.rows("first_name_genders"):
        male, female = int(male_votes), int(female_votes)
        if male >= MIN_RATIO * female:
            out[name.casefold()] = "m"
        elif female >= MIN_RATIO * male:
            out[name.casefold()] = "f"
    return out


def first_name_gender(word: str) -> str | None:
    """ "m" or "f" when the locales that list ``word`` as a first name agree; None otherwise."""
    return load_first_names().get(word.casefold())


def name_genders(entities: EntityIndex, persons: frozenset[str]) -> dict[str, str]:
    """Entity id -> "m" or "f" for people written with a first name ("Sergey Lavrov") whose
    first name says it; a lone surname or an initial ("J. Smith") says nothing."""
    out = {}
    for ent in entities.entities:
        words = ent.name.split()
        if ent.id not in persons or len(words) < 2 or len(words[0].rstrip(".")) < 2:
            continue
        gender = first_name_gender(words[0])
        if gender is not None:
            out[ent.id] = gender
    return out
