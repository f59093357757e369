"""The learned speaker ranker: packaged weights, training, and the constraints it keeps."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from quotetrace.attribute.ranker import BadRanker, SpeakerRanker, choose, mention_kind
from quotetrace.cli import main
from quotetrace.evaluate import parse_gold_doc
from quotetrace.model import Article, Party
from quotetrace.pipeline import Pipeline
from quotetrace.train_ranker import Group, fit, groups_of

TEXT = (
    "Ms. Ana Ortiz met Mr. Tom Baker at the council on Monday. Baker proposed a toll. "
    "She said the toll would hurt commuters. He said the money was needed."
)


def _at(text: str, piece: str) -> list[int]:
    start = text.index(piece)
    return [start, start + len(piece)]


def _gold(doc_id: str = "d", text: str = TEXT) -> dict[str, object]:
    """Gold for ``TEXT``, or for the same text without titles (then "she" has two candidates)."""
    return {
        "id": doc_id,
        "text": text,
        "quotes": [
            {
                "id": "g1",
                "type": "indirect",
                "content": [_at(text, "the toll would hurt commuters")],
                "speaker": [_at(text, "She")],
                "speaker_name": "Ana Ortiz",
            },
            {
                "id": "g2",
                "type": "indirect",
                "content": [_at(text, "the money was needed")],
                "speaker": [_at(text, "He")],
                "speaker_name": "Tom Baker",
            },
        ],
    }


@pytest.fixture(scope="module")
def rules(make_pipeline: Callable[..., Pipeline]) -> Pipeline:
    return make_pipeline(speaker_ranker=None)


def test_the_packaged_ranker_is_the_default_and_says_how_it_was_made(pipeline: Pipeline) -> None:
    ranker = SpeakerRanker.packaged()
    assert ranker.meta["cv_ranker_right"] >= ranker.meta["cv_rules_right"]
    assert ranker.weights["rule"] > 0  # the rules' choice is a feature, and a strong one
    assert pipeline.resolver.ranker is not None
    card = Path(__file__).parents[1] / "src" / "quotetrace" / "models" / "speaker_ranker.md"
    assert "Wikinews contributors" in card.read_text(encoding="utf-8")


def test_pronouns_agree_with_the_titles_the_article_uses(pipeline: Pipeline) -> None:
    doc = pipeline.process(Article("a", TEXT))
    names = {q.text: q.speaker.name if q.speaker else None for q in doc.quotes}
    assert names["the toll would hurt commuters"] == "Ana Ortiz"
    assert names["the money was needed"] == "Tom Baker"


def test_groups_label_candidates_by_the_gold_name(rules: Pipeline) -> None:
    untitled = TEXT.replace("Ms. ", "").replace("Mr. ", "")
    groups = groups_of(rules, parse_gold_doc(_gold(text=untitled)), 0)
    assert len(groups) == 2
    for group in groups:
        assert any(right for _, right in group.rows)
        assert "rule" in group.rows[group.rule][0] or "free" in group.rows[group.rule][0]
    assert rules.resolver.collected is None  # collection is switched off again


def test_fit_learns_a_feature_that_beats_the_rules() -> None:
    # in every group the rules pick a wrong candidate; the right one carries "x"
    groups = [
        Group(d, ((("rule", "entity"), False), (("entity", "x"), True), (("entity",), False)), 0)
        for d in range(10)
    ]
    ranker, report = fit(groups)
    assert report["cv_ranker_right"] == 100.0 and report["cv_rules_right"] == 0.0
    from quotetrace.attribute.ranker import Candidate

    cands = [
        Candidate(Party((), "Rule Pick", "e1"), ("rule", "entity")),
        Candidate(Party((), "Right One", "e2"), ("entity", "x")),
    ]
    best, probability = choose(ranker, cands)
    assert best.name == "Right One" and 0.5 < probability <= 1.0


def test_mention_kinds() -> None:
    text = "He and the senator and Ana Ortiz and who"
    assert mention_kind(text, [(0, 2)]) == "he"
    assert mention_kind(text, [(7, 18)]) == "desc"
    assert mention_kind(text, [(23, 32)]) == "name"
    assert mention_kind(text, [(37, 40)]) == "rel"
    assert mention_kind(text, []) == "none"


def test_train_speakers_command_writes_a_ranker_that_eval_uses(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        "\n".join(
            json.dumps(_gold(f"d{i}", TEXT.replace("Ms. ", "").replace("Mr. ", "")))
            for i in range(3)
        )
        + "\n",
        encoding="utf-8",
    )
    model = tmp_path / "ranker.json"
    assert main(["train-speakers", str(gold), "-o", str(model)]) == 0
    assert SpeakerRanker.load(model).meta["groups"] == 6
    assert main(["eval", str(gold), "--speaker-ranker", str(model)]) == 0


def test_a_bad_ranker_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}', encoding="utf-8")
    with pytest.raises(BadRanker):
        SpeakerRanker.load(bad)
    assert main(["eval", str(bad), "--speaker-ranker", str(bad)]) == 2


def test_a_capitalised_word_that_only_opens_sentences_is_no_candidate() -> None:
    from quotetrace.attribute.entities import EntityIndex
    from quotetrace.attribute.ranker import Context, candidates
    from quotetrace.model import Entity

    text = "Tom Baker spoke.  Continuing his work, he left.  Later he said it was done."
    cont = text.index("Continuing")
    tom, later = text.index("Tom Baker"), text.index("he said")
    entities = (
        Entity("e1", "Tom Baker", ((tom, tom + 9),), "PERSON"),
        Entity("e2", "Continuing", ((cont, cont + 10),), "UNKNOWN"),
    )
    index = EntityIndex(
        entities,
        {},
        frozenset({"e1", "e2"}),
        ((tom, tom + 9, "e1"), (cont, cont + 10, "e2")),
    )
    ctx = Context(text, index, index.persons, {}, lambda _p: 0, lambda _s, _e: False, [], {})
    content = [(later + 8, len(text) - 1)]
    names = [c.party.name for c in candidates(ctx, None, [(later, later + 2)], content, None, None)]
    assert "Tom Baker" in names
    assert "Continuing" not in names  # after "spoke.  " (two spaces) it still opens a sentence
