"""Lexicons are data files (one entry per line, ``#`` comments); this module reads them once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources


def read_lexicon(name: str) -> list[list[str]]:
    """Rows of a lexicon file, split on tabs (or on white space when there are no tabs)."""
    text = resources.files("quotetrace").joinpath("lexicons", name).read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        rows.append(line.split("\t") if "\t" in line else line.split())
    return rows


def _is_vowel(ch: str) -> bool:
    return ch in "aeiou"


def inflections(lemma: str) -> set[str]:
    """Regular English verb forms: -s, -ed, -ing, with the usual spelling changes."""
    forms = {lemma}
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        forms.add(lemma + "es")
    elif lemma.endswith("y") and len(lemma) > 1 and not _is_vowel(lemma[-2]):
        forms.add(lemma[:-1] + "ies")
    else:
        forms.add(lemma + "s")
    if lemma.endswith("e"):
        forms |= {lemma + "d", lemma[:-1] + "ing"}
    elif lemma.endswith("y") and len(lemma) > 1 and not _is_vowel(lemma[-2]):
        forms |= {lemma[:-1] + "ied", lemma + "ing"}
    else:
        forms |= {lemma + "ed", lemma + "ing"}
        # consonant-vowel-consonant endings double the consonant (admit -> admitted)
        if (
            len(lemma) >= 3
            and not _is_vowel(lemma[-1])
            and lemma[-1] not in "wxy"
            and _is_vowel(lemma[-2])
            and not _is_vowel(lemma[-3])
        ):
            forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms


@dataclass(frozen=True)
class Lexicons:
    cue_kind: dict[str, str]  # lemma -> kind
    cue_form: dict[str, str]  # inflected form -> lemma
    hedges: tuple[str, ...]
    pronouns: dict[str, tuple[str, int]]  # pronoun -> (gender, person)
    titles: frozenset[str]
    diminutives: dict[str, tuple[str, ...]]
    person_nouns: frozenset[str]


@cache
def load() -> Lexicons:
    cue_kind = {row[0]: row[1] for row in read_lexicon("cue_verbs.txt")}
    cue_form: dict[str, str] = {}
    for lemma in cue_kind:
        for form in inflections(lemma):
            cue_form.setdefault(form, lemma)
    for row in read_lexicon("irregular_verbs.txt"):
        for form in row[1:]:
            cue_form[form] = row[0]
    pronouns = {row[0]: (row[1], int(row[2])) for row in read_lexicon("pronouns.txt")}
    return Lexicons(
        cue_kind=cue_kind,
        cue_form=cue_form,
        hedges=tuple(" ".join(row) for row in read_lexicon("hedges.txt")),
        pronouns=pronouns,
        titles=frozenset(row[0] for row in read_lexicon("titles.txt")),
        diminutives={row[0]: tuple(row[1].split()) for row in read_lexicon("diminutives.txt")},
        person_nouns=frozenset(row[0] for row in read_lexicon("person_nouns.txt")),
    )
