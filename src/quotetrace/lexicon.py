"""Lexicons are data files under ``quotetrace/lexicons/``; this module alone reads them, once.

Every word list quotetrace uses lives in one file per concept, ``lexicons/NAME.txt``: one entry per
line, blank lines and lines starting with ``#`` ignored, surrounding white space trimmed. An entry
may hold several words ("according to reports"); where entries carry data, the columns are
separated by a tab (or by white space when the line has no tab). Read them with:

- ``entries(NAME)``: the entries in file order (a tuple), where order matters;
- ``words(NAME)``: the same as a frozenset, for membership tests;
- ``rows(NAME)``: each entry split into its columns;
- ``pairs(NAME)``: two-column rows as a dict (first column -> second);
- ``load()``: the cue verbs, hedges, pronouns, titles, diminutives and person nouns, typed.

An unknown NAME raises ``UnknownLexicon``, a malformed file ``LexiconError``. The files are package data (pyproject.toml), read
through ``importlib.resources``, so they work from an installed wheel as from a checkout.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

from quotetrace.errors import LexiconError, UnknownLexicon


def _file_name(name: str) -> str:
    return name if name.endswith(".txt") else f"{name}.txt"


@cache
def entries(name: str) -> tuple[str, ...]:
    """The entries of ``lexicons/NAME.txt`` in file order, inner white space kept as written."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise UnknownLexicon(f"no lexicon named {name!r}")
    resource = resources.files("quotetrace").joinpath("lexicons", _file_name(name))
    if not resource.is_file():
        raise UnknownLexicon(f"no lexicon named {name!r} (looked for lexicons/{_file_name(name)})")
    out = []
    for line in resource.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return tuple(out)


@cache
def words(name: str) -> frozenset[str]:
    """The entries of ``lexicons/NAME.txt`` as a set."""
    return frozenset(entries(name))


@cache
def rows(name: str) -> tuple[tuple[str, ...], ...]:
    """Each entry split on tabs (or on white space when it has no tab)."""
    return tuple(tuple(e.split("\t") if "\t" in e else e.split()) for e in entries(name))


@cache
def pairs(name: str) -> Mapping[str, str]:
    """Two-column rows as a read-only mapping from the first column to the second."""
    out = {}
    for row in rows(name):
        if len(row) != 2:
            raise LexiconError(f"lexicon {name!r}: expected two columns, got {row!r}")
        out[row[0]] = row[1]
    return MappingProxyType(out)


def read_lexicon(name: str) -> list[list[str]]:
    """Rows of a lexicon file, split on tabs (or on white space when there are no tabs)."""
    return [list(row) for row in rows(name)]


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
