"""Lexicon files and verb inflection (lexicon.py)."""

from __future__ import annotations

from collections import defaultdict
from importlib import resources

import pytest

from quotetrace.ingest.header import furniture_pattern
from quotetrace.lexicon import Lexicons, inflections, load, read_lexicon

KINDS = {"speech", "writing", "thought", "perception", "finding"}
LEXICON_FILES = sorted(
    entry.name
    for entry in resources.files("quotetrace").joinpath("lexicons").iterdir()
    if entry.name.endswith(".txt")
)


@pytest.mark.parametrize(
    ("lemma", "forms"),
    [
        ("say", {"say", "says", "saying"}),
        ("admit", {"admit", "admits", "admitted", "admitting"}),
        ("deny", {"deny", "denies", "denied", "denying"}),
        ("argue", {"argue", "argues", "argued", "arguing"}),
        ("stress", {"stress", "stresses", "stressed", "stressing"}),
        ("note", {"note", "notes", "noted", "noting"}),
        ("reply", {"reply", "replies", "replied", "replying"}),
        ("add", {"add", "adds", "added", "adding"}),
        ("play", {"play", "plays", "played", "playing"}),
    ],
)
def test_inflections_include_the_regular_forms(lemma: str, forms: set[str]) -> None:
    assert forms <= inflections(lemma)


@pytest.mark.parametrize(
    ("lemma", "wrong"),
    [
        ("deny", "denyed"),
        ("deny", "denys"),
        ("argue", "argueed"),
        ("argue", "argueing"),
        ("stress", "stresss"),
    ],
)
def test_inflections_avoid_obvious_misspellings(lemma: str, wrong: str) -> None:
    assert wrong not in inflections(lemma)


def test_inflections_always_include_the_lemma() -> None:
    for lemma in ("say", "x", "go", "tell"):
        assert lemma in inflections(lemma)


def test_load_returns_lexicons_once() -> None:
    lex = load()
    assert isinstance(lex, Lexicons)
    assert load() is lex


@pytest.mark.parametrize(
    ("form", "lemma"),
    [
        ("said", "say"),
        ("says", "say"),
        ("saying", "say"),
        ("told", "tell"),
        ("tells", "tell"),
        ("wrote", "write"),
        ("written", "write"),
        ("admitted", "admit"),
        ("denied", "deny"),
        ("denies", "deny"),
        ("argued", "argue"),
        ("arguing", "argue"),
    ],
)
def test_cue_forms_map_to_their_lemma(form: str, lemma: str) -> None:
    assert load().cue_form[form] == lemma


def test_common_cue_lemmas_are_present_with_their_kind() -> None:
    kinds = load().cue_kind
    assert kinds["say"] == "speech"
    assert kinds["tell"] == "speech"
    assert kinds["write"] == "writing"


def test_every_cue_form_points_at_a_lemma_or_an_irregular_lemma() -> None:
    lex = load()
    irregular = {row[0] for row in read_lexicon("irregular_verbs.txt")}
    for form, lemma in lex.cue_form.items():
        assert lemma in lex.cue_kind or lemma in irregular, (form, lemma)


def test_there_are_lexicon_files() -> None:
    assert {
        "cue_verbs.txt",
        "irregular_verbs.txt",
        "hedges.txt",
        "pronouns.txt",
        "titles.txt",
        "diminutives.txt",
        "person_nouns.txt",
        "boilerplate.txt",
    } <= set(LEXICON_FILES)


@pytest.mark.parametrize("name", LEXICON_FILES)
def test_every_lexicon_file_parses(name: str) -> None:
    rows = read_lexicon(name)
    assert rows, f"{name} is empty"
    for row in rows:
        assert row and all(cell.strip() == cell and cell for cell in row), (name, row)


def test_cue_verbs_have_two_columns_and_an_allowed_kind() -> None:
    seen: dict[str, set[str]] = defaultdict(set)
    for row in read_lexicon("cue_verbs.txt"):
        assert len(row) == 2, row
        lemma, kind = row
        assert kind in KINDS, row
        assert lemma == lemma.lower() and lemma.replace("-", "").isalpha(), row
        seen[lemma].add(kind)
    conflicting = {lemma: kinds for lemma, kinds in seen.items() if len(kinds) > 1}
    assert not conflicting
    assert set(load().cue_kind.values()) <= KINDS


def test_irregular_verbs_have_a_lemma_and_forms() -> None:
    for row in read_lexicon("irregular_verbs.txt"):
        assert len(row) >= 2, row
        assert all(word.isalpha() and word == word.lower() for word in row), row


def test_pronouns_have_gender_and_person() -> None:
    pronouns = load().pronouns
    assert pronouns["he"] == ("m", 3)
    assert pronouns["she"] == ("f", 3)
    for row in read_lexicon("pronouns.txt"):
        assert len(row) == 3, row
        assert row[1] in set("mfnpx"), row
        assert row[2] in {"1", "2", "3"}, row


def test_diminutives_name_full_names() -> None:
    dims = load().diminutives
    assert "Volodymyr" in dims["Volodya"]
    for short, full in dims.items():
        assert short[:1].isupper() and full
        assert all(name[:1].isupper() for name in full)


def test_hedges_titles_and_person_nouns_are_lower_case() -> None:
    lex = load()
    assert "reportedly" in lex.hedges
    assert "according to reports" in lex.hedges
    assert {"mr", "mr."} <= lex.titles
    assert "spokesman" in lex.person_nouns
    for entry in (*lex.hedges, *lex.titles, *lex.person_nouns):
        assert entry == entry.lower() and entry.strip() == entry


def test_boilerplate_patterns_compile() -> None:
    pattern = furniture_pattern()
    assert pattern.match("photo") is not None
    assert pattern.match("the mayor said the bridge would open") is None
