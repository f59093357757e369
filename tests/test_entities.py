"""Name clustering within one article (attribute/entities.py), without the model: the finder
takes parsed sentences only for entity labels, so an empty list exercises the rules alone."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from quotetrace.attribute.entities import EntityFinder, EntityIndex, abbreviations
from quotetrace.lexicon import load
from quotetrace.model import Entity
from quotetrace.nlp import ParsedSentence, Token


def _names(text: str) -> dict[str, list[str]]:
    index = EntityFinder(load())(text, [])
    return {e.name: [text[s:t] for s, t in e.mentions] for e in index.entities}


def test_surnames_and_titles_join_the_full_name() -> None:
    text = (
        "Ukrainian President Volodymyr Petrenko met reporters. Later, Petrenko left. "
        "President Petrenko did not comment."
    )
    names = _names(text)
    assert "Volodymyr Petrenko" in names
    assert names["Volodymyr Petrenko"].count("Petrenko") == 2


def test_diminutive_joins_the_full_first_name() -> None:
    text = "Robert Lane chairs the board. On Friday, Bob spoke to the staff."
    assert "Bob" in _names(text)["Robert Lane"]


def test_sentence_initial_word_only_joins_a_known_name() -> None:
    text = "Later the board met. Anna Berg chaired it.\nBerg said little. Nobody asked."
    names = _names(text)
    assert "Berg" in names["Anna Berg"]
    assert "Nobody" not in names and "Later" not in names


def test_possessive_and_particles() -> None:
    text = "The plan of Ahmed al-Assadi was rejected. Al-Assadi’s office said nothing."
    names = _names(text)
    assert any(name.endswith("al-Assadi") for name in names)


def test_head_of_a_mention_decides_the_entity() -> None:
    text = "Labour Party leader Jeremy Corbyn spoke. Saudi officials did not."
    index = EntityFinder(load())(text, [])
    corbyn = index.at(0, text.index(" spoke"))
    assert corbyn is not None and corbyn.name == "Jeremy Corbyn"
    officials = text.index("Saudi officials")
    assert index.at(officials, officials + len("Saudi officials")) is None


def test_defined_abbreviations_join_their_full_name() -> None:
    text = (
        "The Federal Aviation Administration (FAA) grounded the jets. A day later the FAA said "
        "checks would take weeks. The Commission on Coastal Safety (CCS) agreed; CCS staff flew in."
    )
    names = _names(text)
    assert names["Federal Aviation Administration"].count("FAA") == 2
    assert "CCS" in names["Commission on Coastal Safety"]
    assert "FAA" not in names and "CCS" not in names


def test_an_undefined_abbreviation_joins_the_one_name_it_spells() -> None:
    text = "The National Weather Service issued a warning. Forecasters at NWS expect more rain."
    assert "NWS" in _names(text)["National Weather Service"]
    # two names spell it: no guess
    text = "The New Water Scheme met the National Weather Service. NWS declined to comment."
    names = _names(text)
    assert "NWS" not in names.get("New Water Scheme", []) + names.get(
        "National Weather Service", []
    )


def test_abbreviation_finder() -> None:
    found = abbreviations("officials at the Food and Drug Administration (FDA) and a (US) unit")
    assert [(words, abbr) for _, _, words, abbr in found] == [
        (["Food", "and", "Drug", "Administration"], "FDA")
    ]
    text = "the Recording Industry Association of America (RIAA) sent"
    ((start, end, _, abbr),) = abbreviations(text)
    assert text[start:end] == "Recording Industry Association of America" and abbr == "RIAA"


def test_an_undefined_abbreviation_never_joins_a_person() -> None:
    text = "Ursula Nagel chairs the panel. Later the UN said it would act. Paul Mason met the PM."
    names = _names(text)
    assert "UN" not in names.get("Ursula Nagel", [])
    assert "PM" not in names.get("Paul Mason", [])


def test_interview_labels_define_no_abbreviation() -> None:
    text = "We spoke to Walter Nash.\n\n((WN))  Why now?\n\n((Walter Nash))  Because it is time."
    assert "WN" not in _names(text).get("Walter Nash", [])


# Position lookups bisect the sorted mentions; they must answer as a scan of every mention would.
@given(
    st.lists(
        st.tuples(st.integers(0, 200), st.integers(1, 15), st.sampled_from("abc")), max_size=40
    ),
    st.integers(-20, 220),
    st.integers(0, 60),
)
def test_position_lookups_match_a_full_scan(
    raw: list[tuple[int, int, str]], start: int, length: int
) -> None:
    offsets = tuple(sorted({(s, s + n, i) for s, n, i in raw}))
    ids = sorted({i for _s, _e, i in offsets})
    index = EntityIndex(
        tuple(Entity(i, i.upper()) for i in ids), {}, frozenset(ids), offsets, frozenset()
    )
    end = start + length
    assert list(index.starting_in(start, end)) == [m for m in offsets if start <= m[0] < end]
    scan_first = next((i for s, e, i in offsets if start <= s and e <= end), None)
    first = index.first_in(start, end)
    assert (first.id if first else None) == scan_first
    scan_at = None
    for s, e, i in offsets:
        if s < end and start < e and e >= end - 2:
            scan_at = i
    at = index.at(start, end)
    assert (at.id if at else None) == scan_at
    window = length * 3
    assert index.mentions_before(end, window) == [
        m for m in offsets if end - window <= m[0] and m[1] <= end
    ]


def _labelled(text: str, labels: dict[str, str]) -> list[ParsedSentence]:
    """One parsed sentence over ``text`` whose only annotation is the entity label of each
    word listed in ``labels`` (as the recogniser would give it)."""
    tokens = []
    for i, m in enumerate(re.finditer(r"\S+", text)):
        word = m.group().rstrip(".,")
        label = labels.get(word, "")
        end = m.start() + len(word)
        tokens.append(Token(i, m.start(), end, word, "X", "X", "dep", i, label, bool(label)))
    return [ParsedSentence(0, len(text), tuple(tokens))]


def test_a_possessive_ends_a_name() -> None:
    text = (
        "The guild objected, and RIAA's DMCA notice followed. Later Biden's Senate allies agreed."
    )
    names = _names(text)
    assert "RIAA" in names and "Biden" in names
    assert not any("'s" in name for name in names)
    # a possessive that belongs to an organisation's name stays in it
    assert "People's Liberation Army" in _names("The People's Liberation Army said little.")


def test_a_run_stops_at_a_sentence_boundary_and_at_i_ve() -> None:
    names = _names(
        "Delegates met in Washington, D.C. They said it went well. All I've done is talk."
    )
    assert not any("They" in name or "I've" in name for name in names)


def test_an_organisations_first_word_joins_only_a_name_it_can_stand_for() -> None:
    text = (
        "The Dropbox Trust and Safety team reviewed the case. Dropbox said it would restore it. "
        "Ford Motor Company recalled cars. Ford said the fault was rare. The Court of Session "
        "sat. Court officials spoke."
    )
    labels = {"Dropbox": "ORG", "Trust": "ORG", "Ford": "ORG", "Court": "ORG"}
    index = EntityFinder(load())(text, _labelled(text, labels))
    names = {e.name: [text[s:t] for s, t in e.mentions] for e in index.entities}
    assert names["Dropbox"] == ["Dropbox"]
    assert names["Ford Motor Company"].count("Ford") == 1
    assert "Court" in names["Court of Session"]


def test_post_nominal_letters_are_not_part_of_a_name() -> None:
    names = _names(
        "In the court on a cold morning, the judge Durham Hall QC sentenced him to a term in "
        "prison, and then the local member Ann Lee MP spoke to the waiting reporters outside."
    )
    assert "Durham Hall" in names and "Ann Lee" in names


def test_descriptors_are_whole_words_of_the_same_sentence_and_heads_are_kept() -> None:
    text = (
        "On Thursday, French President Emmanuel Macron spoke. The man died, the government "
        "announced yesterday.  Ali Rabiei left. The city's fire chief Ana Ortiz came."
    )
    index = EntityFinder(load())(text, [])
    by_name = {e.name: e.id for e in index.entities}
    macron = by_name["Emmanuel Macron"]
    assert "president" in index.descriptors[macron]
    assert "resident" not in index.descriptors[macron]  # not a word cut out of "President"
    assert index.descriptor_heads[macron] == frozenset({"president"})
    # "yesterday." ends the sentence before the name: nothing there describes it
    assert index.descriptors[by_name["Ali Rabiei"]] == frozenset()
    ortiz = by_name["Ana Ortiz"]
    assert {"fire", "chief"} <= index.descriptors[ortiz]
    assert index.descriptor_heads[ortiz] == frozenset({"chief"})  # "fire" only modifies it


def test_the_first_of_two_surnames_joins_the_one_full_name_holding_it() -> None:
    names = _names(
        "The governor, Wanda Vázquez Garced, took office on Friday. Yesterday, Vázquez said "
        "little, and her aide Luis Marín left."
    )
    assert names["Wanda Vázquez Garced"] == ["Wanda Vázquez Garced", "Vázquez"]
    assert "Vázquez" not in names


def test_a_lone_capital_after_a_name_is_an_initial_surname() -> None:
    text = (
        "Hours later, Sergey M, one of the maintainers, said it was back. Wikinews wrote to "
        "Sergey M\u2024, and Sergey said no. Reporters asked, and I said A later."
    )
    names = _names(text)
    assert names["Sergey M"] == ["Sergey M", "Sergey M", "Sergey"]
    assert not any(name.endswith((" I", " A")) for name in names)


def test_a_long_organisation_name_stays_whole() -> None:
    names = _names(
        "On Monday the National Transportation Safety Board released its findings, and "
        "Belarusian opposition leader Sviatlana Tsikhanouskaya spoke."
    )
    assert "National Transportation Safety Board" in names
    assert "Transportation Safety Board" not in names


def test_an_untagged_name_with_an_organisation_word_is_no_person() -> None:
    text = "Ravi Kumar studied at Teresian College in the town. Kumar thanked Anna Berg."
    index = EntityFinder(load())(text, [])  # no parse: nothing is tagged
    labels = {e.name: e.label for e in index.entities}
    persons = {e.name for e in index.entities if e.id in index.persons}
    assert labels["Teresian College"] == "ORG" and "Teresian College" not in persons
    assert {"Ravi Kumar", "Anna Berg"} <= persons  # untagged people stay people


def _org_tagged_first_three(text: str) -> dict[str, list[str]]:
    """Entities of ``text`` when the recogniser tagged its first three words one organisation."""
    words = list(re.finditer(r"\S+", text))
    tokens = tuple(
        Token(i, m.start(), m.start() + len(m.group().rstrip(".,")), m.group().rstrip(".,"),
              "X", "X", "dep", i, "ORG" if i < 3 else "", i == 0)
        for i, m in enumerate(words)
    )  # fmt: skip
    index = EntityFinder(load())(text, [ParsedSentence(0, len(text), tokens)])
    return {e.name: [text[s:t] for s, t in e.mentions] for e in index.entities}


def test_a_surname_in_the_middle_joins_a_person_the_recogniser_called_an_organisation() -> None:
    names = _org_tagged_first_three(
        "Marco Delgado Ibarra, the governor, spoke on Monday. Later Delgado resigned."
    )
    assert names["Marco Delgado Ibarra"] == ["Marco Delgado Ibarra", "Delgado"]
    # not when the organisation's name opens with no first name
    names = _org_tagged_first_three("Zentrix Delgado Ibarra said so. Later Delgado resigned.")
    assert names["Zentrix Delgado Ibarra"] == ["Zentrix Delgado Ibarra"]


def test_an_organisation_name_runs_on_over_and_with_one_or_two_words() -> None:
    names = _names(
        "The Department of Forestry and Fire Protection said so. The Agency of Trade and Anna "
        "Berg disagreed. The University of Leeds and UC Davis replied."
    )
    assert "Department of Forestry and Fire Protection" in names
    assert "Agency of Trade" in names and "Anna Berg" in names  # a person is not in it
    assert "University of Leeds" in names and "UC Davis" in names  # nor another organisation
