"""Gender agreement from the article's own evidence (attribute/gender.py) and the speaker-ranker
features for descriptions (head class, possessor)."""

from __future__ import annotations

from quotetrace.attribute.entities import EntityFinder
from quotetrace.attribute.gender import article_genders
from quotetrace.attribute.ranker import head_class, owner
from quotetrace.lexicon import load
from quotetrace.model import Article
from quotetrace.pipeline import Pipeline


def _sentences(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` between ". " separators: the sentences of these short texts."""
    sentences = []
    start = 0
    for part in text.split(". "):
        sentences.append((start, start + len(part)))
        start += len(part) + 2
    return sentences


def _genders(text: str) -> dict[str, str]:
    index = EntityFinder(load())(text, [])
    found = article_genders(text, index, index.persons, _sentences(text), lambda _pos: False)
    return {e.name: found[e.id] for e in index.entities if e.id in found}


def test_titles_role_nouns_and_repeated_pronouns_give_a_gender() -> None:
    text = (
        "The board met Ms. Ana Ortiz on Monday. Then actress Lena Holm spoke. "
        "On Friday Tom Baker said he was tired. Later Baker said he was ready. "
        "On Sunday Ivo Petrov said she would come"
    )
    genders = _genders(text)
    assert genders["Ana Ortiz"] == "f"  # title
    assert genders["Lena Holm"] == "f"  # role noun
    assert genders["Tom Baker"] == "m"  # two pronouns after him, each in a sentence naming only him
    assert "Ivo Petrov" not in genders  # one pronoun is not enough (she may be someone else)


def test_a_pronoun_after_two_people_is_no_evidence() -> None:
    genders = _genders("On Friday Tom Baker met Ivo Petrov and he said no. Baker said he left")
    assert "Ivo Petrov" not in genders


def test_she_is_never_the_man_the_article_calls_he(pipeline: Pipeline) -> None:
    text = (
        "Tom Baker said he was proud of the team. Baker added that he had worked hard. "
        "Lena Holm, his deputy, spoke after him. She said the budget was tight."
    )
    doc = pipeline.process(Article("g", text))
    names = {q.text: q.speaker.name if q.speaker else None for q in doc.quotes}
    assert names["the budget was tight"] == "Lena Holm"


def test_description_heads_and_possessors() -> None:
    assert head_class("report") == "doc"
    assert head_class("network") == "org"
    assert head_class("spokesman") == "person"
    assert head_class("weather") == "other"
    text = "RIAA's takedown notice said so, and its statement agreed, as did the report."
    notice = (0, text.index(" said"))
    kind, span = owner(text, [notice])
    assert kind == "name" and span is not None and text[span[0] : span[1]] == "RIAA"
    statement = (text.index("its"), text.index(" agreed"))
    assert owner(text, [statement]) == ("pron", None)
    report = (text.index("the report"), len(text) - 1)
    assert owner(text, [report]) == ("none", None)


def test_a_relation_noun_before_a_name_is_someone_else() -> None:
    # "a niece of Biden's opponent": the niece is not Biden; "niece Ana Ruiz" is Ana Ruiz
    genders = _genders(
        "A woman, a niece of Tom Baker, spoke on Monday. Then niece Ana Ruiz came. "
        "On Friday Tom Baker said he was tired"
    )
    assert "Tom Baker" not in genders  # one "he" is not enough, and "niece of" is no evidence
    assert genders["Ana Ruiz"] == "f"


def _pronoun(text: str, gender: str, genders: dict[str, str]) -> str | None:
    from quotetrace.attribute.resolve import ResolutionState

    index = EntityFinder(load())(text, [])
    sentences = _sentences(text)
    by_name = {e.name: e.id for e in index.entities}
    subjects = sorted(s for s, _e, _i in index.by_offset)  # every name a subject here
    state = ResolutionState(
        text,
        index,
        subjects,
        {by_name[k]: v for k, v in genders.items()},
        sentences,
        [(0, len(text))],
    )
    state.persons = frozenset(by_name.values())
    found = state.pronoun(text.rindex("She" if gender == "f" else "They"), gender, set())
    return next((name for name, ident in by_name.items() if ident == found), None)


def test_she_prefers_a_woman_the_article_knows_to_a_name_of_unknown_gender() -> None:
    text = "On Monday at the fan convention, Lauren Landa spoke first. Then Sailor Moon was shown. She smiled"
    assert _pronoun(text, "f", {"Lauren Landa": "f"}) == "Lauren Landa"


def test_they_prefers_an_organisation_to_one_named_person() -> None:
    from quotetrace.attribute.entities import EntityIndex
    from quotetrace.model import Entity

    text = "On Tuesday the broadcaster Acme Media went off the air. Ana Ruiz spoke. They said no"
    acme, ana = text.index("Acme Media"), text.index("Ana Ruiz")
    found = EntityFinder(load())(text, [])
    index = EntityIndex(
        (
            Entity("e1", "Acme Media", ((acme, acme + 10),), "ORG"),
            Entity("e2", "Ana Ruiz", ((ana, ana + 8),), "PERSON"),
        ),
        found.descriptors,
        frozenset({"e2"}),
        ((acme, acme + 10, "e1"), (ana, ana + 8, "e2")),
    )
    from quotetrace.attribute.resolve import ResolutionState

    sentences = [(0, 55), (56, 70), (71, len(text))]
    state = ResolutionState(text, index, [acme, ana], {}, sentences, [(0, len(text))])
    state.persons = frozenset({"e2"})
    assert state.pronoun(text.index("They"), "p", set()) == "e1"
