"""Typed response models (web/schemas.py): OpenAPI documents every JSON answer, and the models
change nothing on the wire (every answer equals, key order included, the dict the endpoint built)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from quotetrace.ingest import article_from_text
from quotetrace.pipeline import Pipeline
from quotetrace.store import Store
from quotetrace.store.profiles import quote_detail, speaker_profile
from quotetrace.web.app import create_app, document_view

HERE = Path(__file__).resolve().parent
ARTICLES = [
    json.loads(line)
    for line in (HERE / "data" / "web-articles.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline()


@pytest.fixture(scope="module")
def client(pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("schemas") / "quotes.db"
    with Store.open(db) as store:
        for obj in ARTICLES:
            article = article_from_text(
                obj["text"], id=obj["id"], title=obj.get("title"), published=obj.get("published")
            )
            store.ingest_document(pipeline.process(article))
    with TestClient(create_app(str(db), pipeline=pipeline)) as c:
        c.app.state.db = str(db)  # type: ignore[attr-defined]
        yield c


def _same(response: Any, built: Any) -> None:
    """The answer is the built value, byte for byte once both are written the same way."""
    assert response.status_code == 200, response.text
    assert json.dumps(response.json()) == json.dumps(json.loads(json.dumps(built)))


def test_every_json_endpoint_has_a_response_schema(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    operations = [(p, m, op) for p, item in paths.items() for m, op in item.items()]
    assert len(operations) >= 12
    for path, method, op in operations:
        ok = op["responses"]["200"]["content"]["application/json"]["schema"]
        assert ok not in ({}, {"type": "object"}), f"{method.upper()} {path} has no response model"
        assert "additionalProperties" not in ok or ok.get("$ref"), (method, path)
    schemas = spec["components"]["schemas"]
    quote = schemas["QuoteOut"]["properties"]
    assert {"content", "speaker", "addressee", "parent", "said_on", "confidence"} <= set(quote)
    assert schemas["OccasionOut"]["properties"].keys() >= {"type", "with", "mention"}
    assert schemas["ClaimReviewOut"]["properties"].keys() >= {"@context", "@type", "itemReviewed"}


def test_extract_answer_is_the_built_view(client: TestClient, pipeline: Pipeline) -> None:
    for obj in ARTICLES:
        response = client.post("/api/extract", json={"text": obj["text"], "id": obj["id"]})
        doc = pipeline.process(article_from_text(obj["text"], id=obj["id"]))
        _same(response, document_view(doc))


def test_store_answers_are_the_built_records(client: TestClient) -> None:
    db = client.app.state.db  # type: ignore[attr-defined]
    with Store.open(db) as store:
        hits = client.get("/api/quotes", params={"limit": 500}).json()["results"]
        assert len(hits) > 5
        for hit in hits:
            _same(
                client.get(f"/api/quote/{hit['quote_id']}"),
                quote_detail(store.conn, hit["quote_id"]),
            )
        speakers = client.get("/api/speakers").json()["speakers"]
        assert speakers
        for s in speakers:
            _same(client.get(f"/api/speakers/{s['id']}"), speaker_profile(store.conn, s["id"]))
    # optional JSON-LD properties stay absent instead of turning into nulls
    review = client.get(f"/api/quote/{hits[0]['quote_id']}/claimreview").json()
    assert "url" not in review["itemReviewed"]["firstAppearance"]  # no http URL in these articles
    assert all(v is not None for v in review["itemReviewed"]["firstAppearance"].values())
    annotation = client.get(f"/api/quote/{hits[0]['quote_id']}/annotation").json()
    assert annotation["@context"] == "http://www.w3.org/ns/anno.jsonld"
    selectors = annotation["target"]["selector"]
    assert set(selectors[0]) == {"type", "exact", "prefix", "suffix"}
    assert set(selectors[1]) == {"type", "start", "end"}
