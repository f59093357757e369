"""First-name statistics for pronoun agreement (attribute/first_names.py)."""

from __future__ import annotations

from quotetrace.attribute.entities import EntityFinder
from quotetrace.attribute.first_names import first_name_gender, name_genders
from quotetrace.lexicon import load
from quotetrace.model import Article
from quotetrace.pipeline import Pipeline


def test_lopsided_votes_give_a_gender_and_split_ones_do_not() -> None:
    assert first_name_gender("Thomas") == "m"
    assert first_name_gender("maria") == "f"  # case does not matter
    assert first_name_gender("Jean") is None  # male in French, female in English
    assert first_name_gender("Kim") is None
    assert first_name_gender("Xqzt") is None  # not a first name anywhere


def test_only_people_written_with_a_first_name_get_one() -> None:
    text = "Thomas Berg met Maria Lopez and Lopez thanked J. Ortiz and the Victoria Group."
    index = EntityFinder(load())(text, [])
    found = {
        e.name: g for e in index.entities if (g := name_genders(index, index.persons).get(e.id))
    }
    assert found.get("Thomas Berg") == "m"
    assert found.get("Maria Lopez") == "f"
    assert "J. Ortiz" not in found  # an initial says nothing


def test_she_resolves_to_the_woman_when_the_article_gives_no_evidence(pipeline: Pipeline) -> None:
    text = (
        "Thomas Berg met Maria Lopez at the port on Monday. Berg spoke first. "
        '"Prices will fall by the summer," she said.'
    )
    doc = pipeline.process(Article("fn", text))
    names = {q.text: q.speaker.name if q.speaker else None for q in doc.quotes}
    assert names["Prices will fall by the summer,"] == "Maria Lopez"
