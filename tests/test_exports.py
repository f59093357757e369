"""Exports people's tools read, validated with JSON Schema (tests/schemas/), offsets checked on the
stored text, and Label Studio tasks taken back into gold that `eval` and `train` read."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from quotetrace import runner
from quotetrace.cli import main
from quotetrace.errors import EvaluationError
from quotetrace.evaluate import load_gold
from quotetrace.exports import LABEL_CONFIG, gold_from_tasks
from quotetrace.ingest import article_from_text
from quotetrace.pipeline import Pipeline
from quotetrace.store import Store

HERE = Path(__file__).resolve().parent
SCHEMAS = HERE / "schemas"
WEB_ARTICLES = HERE / "data" / "web-articles.jsonl"  # written for these tests
WIKINEWS = HERE / "data" / "wikinews-headlines.jsonl"  # CC BY 2.5, Wikinews contributors
SPLIT = (
    "Bridge Plan Approved\n\n“We will rebuild the bridge,” Mayor Ana Ortiz said on Tuesday, "
    "“and we will do it this year.”\n"
)
TRACED = "Nobody wants to say it, but the bridge will cost twice its budget"


def _schema(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.fixture(autouse=True)
def one_model(pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(runner, "Pipeline", lambda **options: pipeline)
    yield


@pytest.fixture(scope="module")
def db(pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "quotes.db"
    with Store.open(path) as store:
        for source in (WEB_ARTICLES, WIKINEWS):
            for line in source.read_text(encoding="utf-8").splitlines():
                obj = json.loads(line)
                meta = {k: obj.get(k) for k in ("title", "published", "outlet", "url")}
                article = article_from_text(obj["text"], id=obj["id"], **meta)
                store.ingest_document(pipeline.process(article))
        split = article_from_text(SPLIT, id="split-quote", published="2024-05-07", outlet="Test")
        store.ingest_document(pipeline.process(split))
    return path


def _export(db: Path, tmp_path: Path, *args: str) -> Any:
    out = tmp_path / "out.json"
    assert main(["export", "--db", str(db), "-o", str(out), *args]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def _texts(db: Path) -> dict[str, str]:
    with Store.open(db) as store:
        return dict(store.conn.execute("SELECT id, text FROM articles"))


# -- ClaimReview -------------------------------------------------------------------------------------


def test_claimreview_for_a_quote(db: Path, tmp_path: Path) -> None:
    review = _export(db, tmp_path, "--format", "claimreview", "--quote", TRACED)
    _schema("claimreview.schema.json").validate(review)
    claim = review["itemReviewed"]
    assert review["claimReviewed"].startswith("Nobody wants to say it")
    assert len(claim["appearance"]) == 3
    first = claim["firstAppearance"]
    assert first["datePublished"] == "2024-02-20"  # the earliest article, whoever it credits
    assert first["publisher"]["name"] == "Valley Post"
    assert claim["author"] == {"@type": "Person", "name": "Mara Quinn"}  # two of three appearances
    assert [a["datePublished"] for a in claim["appearance"]] == sorted(
        a["datePublished"] for a in claim["appearance"]
    )


def test_claimreview_for_a_search_has_urls(db: Path, tmp_path: Path) -> None:
    reviews = _export(db, tmp_path, "--format", "claimreview", "--search", "", "--limit", "500")
    assert len(reviews) > 20
    validator = _schema("claimreview.schema.json")
    for review in reviews:
        validator.validate(review)
    urls = [a.get("url") for r in reviews for a in r["itemReviewed"]["appearance"]]
    assert any(u and u.startswith("https://en.wikinews.org/") for u in urls)


def test_claimreview_schema_catches_a_broken_review(db: Path, tmp_path: Path) -> None:
    review = _export(db, tmp_path, "--format", "claimreview", "--quote", TRACED)
    broken = copy.deepcopy(review)
    del broken["itemReviewed"]["firstAppearance"]
    with pytest.raises(jsonschema.ValidationError):
        _schema("claimreview.schema.json").validate(broken)


# -- Web Annotation ----------------------------------------------------------------------------------


def test_web_annotations_slice_the_text_exactly(db: Path, tmp_path: Path) -> None:
    collection = _export(db, tmp_path, "--format", "annotations")
    _schema("web-annotation.schema.json").validate(collection)
    items = collection["first"]["items"]
    assert collection["total"] == len(items) > 50
    texts = _texts(db)
    with Store.open(db) as store:
        article_of = dict(store.conn.execute("SELECT id, article_id FROM quotes"))
    discontinuous = 0
    for item in items:
        text = texts[article_of[item["id"].rsplit(":", 1)[1]]]
        targets = item["target"] if isinstance(item["target"], list) else [item["target"]]
        discontinuous += len(targets) > 1
        for target in targets:
            quote_sel, pos = target["selector"]
            start, end = pos["start"], pos["end"]
            assert quote_sel["exact"] == text[start:end]
            assert text[max(0, start - len(quote_sel["prefix"])) : start] == quote_sel["prefix"]
            assert text[end : end + len(quote_sel["suffix"])] == quote_sel["suffix"]
    assert discontinuous > 0  # quotes broken by their cue have one target per span


def test_web_annotations_for_a_speaker(db: Path, tmp_path: Path) -> None:
    collection = _export(db, tmp_path, "--format", "annotations", "--speaker", "Mara Quinn")
    _schema("web-annotation.schema.json").validate(collection)
    names = {
        b["value"]
        for item in collection["first"]["items"]
        for b in item["body"]
        if b.get("purpose") == "identifying"
    }
    assert names == {"Mara Quinn"}


def test_web_annotation_schema_catches_bad_offsets() -> None:
    bad = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "urn:x:1",
        "type": "AnnotationCollection",
        "first": {
            "type": "AnnotationPage",
            "items": [
                {
                    "id": "urn:x:2",
                    "type": "Annotation",
                    "target": {
                        "source": "urn:x:3",
                        "selector": [
                            {"type": "TextQuoteSelector", "exact": "x"},
                            {"type": "TextPositionSelector", "start": -1, "end": 2},
                        ],
                    },
                }
            ],
        },
    }
    with pytest.raises(jsonschema.ValidationError):
        _schema("web-annotation.schema.json").validate(bad)


# -- Label Studio ------------------------------------------------------------------------------------


def _tasks(db: Path, tmp_path: Path) -> list[dict[str, Any]]:
    config = tmp_path / "config.xml"
    tasks = _export(db, tmp_path, "--format", "labelstudio", "--label-config", str(config))
    assert config.read_text(encoding="utf-8") == LABEL_CONFIG
    _schema("labelstudio-tasks.schema.json").validate(tasks)
    return tasks


def test_labelstudio_regions_slice_the_text(db: Path, tmp_path: Path) -> None:
    tasks = _tasks(db, tmp_path)
    assert len(tasks) == 15
    for task in tasks:
        text = task["data"]["text"]
        for item in task["predictions"][0]["result"]:
            if item["type"] == "labels":
                value = item["value"]
                assert text[value["start"] : value["end"]] == value["text"]


def test_labelstudio_round_trip_scores_perfectly(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Accept every pre-annotation as a human would, convert back, and score the extractor on
    it: the same extractor on the same texts must find exactly those quotes."""
    tasks = _tasks(db, tmp_path)
    for task in tasks:
        task["annotations"] = [{"id": 1, "result": task["predictions"][0]["result"]}]
    export = tmp_path / "ls-export.json"
    export.write_text(json.dumps(tasks), encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    assert main(["labelstudio-gold", str(export), "-o", str(gold)]) == 0
    docs = load_gold(gold)
    assert len(docs) == 15
    with Store.open(db) as store:
        stored_quotes = store.counts()["quotes"]
    assert sum(len(d.quotes) for d in docs) == stored_quotes
    assert any(q.parent for d in docs for q in d.quotes)  # nesting survives
    assert any(len(q.content) > 1 for d in docs for q in d.quotes)  # so do split quotes
    capsys.readouterr()
    # the store keeps every kind the pipeline reports, so every kind is scored
    assert main(["eval", str(gold), "--json", "--types", "all"]) == 0
    report = json.loads(capsys.readouterr().out)
    for view in ("overlap", "exact"):
        quotes = report[view]["quotes"]
        assert quotes["n_gold"] == stored_quotes
        assert (quotes["precision"], quotes["recall"]) == (1.0, 1.0), quotes
    fields = report["exact"]["fields"]
    for name in ("speaker", "speaker_name", "cue", "parent"):
        assert fields[name]["accuracy"] == 1.0, (name, fields[name])


def test_labelstudio_corrections_come_back(db: Path, tmp_path: Path) -> None:
    """A reviewer's changes (a quote's type, a speaker's name, a deleted quote) are what the gold
    holds; a cancelled annotation and a task nobody touched are skipped."""
    tasks = _tasks(db, tmp_path)[:3]
    result = copy.deepcopy(tasks[0]["predictions"][0]["result"])
    quote_ids = [
        r["id"] for r in result if r["type"] == "labels" and r["value"]["labels"] == ["Quote"]
    ]
    chained = {
        end
        for r in result
        if r.get("labels") == ["continues"]
        for end in (r["from_id"], r["to_id"])
    }
    first = quote_ids[0]
    dropped = [q for q in quote_ids if q not in chained and q != first][-1]
    (before,) = gold_from_tasks([{"data": tasks[0]["data"], "annotations": [{"result": result}]}])[
        0
    ]
    for item in result:
        if item["type"] == "choices" and item["id"] == first:
            item["value"]["choices"] = ["mixed"]
        if item["type"] == "textarea":
            item["value"]["text"] = ["Corrected Name"]
    result = [
        r
        for r in result
        if r.get("id") != dropped and dropped not in (r.get("from_id"), r.get("to_id"))
    ]
    tasks[0]["annotations"] = [
        {"id": 1, "result": [], "was_cancelled": True, "updated_at": "2026-01-02"},
        {"id": 2, "result": result, "updated_at": "2026-01-01"},
    ]
    docs, skipped = gold_from_tasks(tasks)
    assert skipped == 2 and len(docs) == 1
    (doc,) = docs
    assert len(doc["quotes"]) == len(before["quotes"]) - 1
    assert doc["quotes"][0]["type"] == "mixed"
    names = {q["speaker_name"] for q in doc["quotes"] if q["speaker"]}
    assert names == {"Corrected Name"}
    docs, skipped = gold_from_tasks(tasks, use_predictions=True)
    assert skipped == 0 and len(docs) == 3


def test_labelstudio_bad_export_is_an_error() -> None:
    with pytest.raises(EvaluationError):
        gold_from_tasks({"not": "a list"})
    with pytest.raises(EvaluationError, match="not in the text"):
        gold_from_tasks(
            [
                {
                    "data": {"text": "short", "article_id": "a"},
                    "annotations": [
                        {
                            "result": [
                                {
                                    "id": "x",
                                    "type": "labels",
                                    "value": {"start": 2, "end": 50, "labels": ["Quote"]},
                                }
                            ]
                        }
                    ],
                }
            ]
        )


def test_labelstudio_gold_trains_a_cue_model(db: Path, tmp_path: Path) -> None:
    tasks = _tasks(db, tmp_path)
    export = tmp_path / "ls-export.json"
    export.write_text(json.dumps(tasks), encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    assert main(["labelstudio-gold", str(export), "--predictions", "-o", str(gold)]) == 0
    model = tmp_path / "cues.json"
    assert main(["train", str(gold), "-o", str(model)]) == 0
    assert json.loads(model.read_text(encoding="utf-8"))
