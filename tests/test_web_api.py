"""The HTTP API, in process (FastAPI's TestClient): extraction, the error shape, limits, escaping,
the headline check on the example article and on Wikinews articles."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from quotetrace.cli import build_parser, main
from quotetrace.cli.args import pipeline_options
from quotetrace.ingest import article_from_text
from quotetrace.kinds import ALL_KINDS
from quotetrace.options import PipelineOptions
from quotetrace.pipeline import Pipeline
from quotetrace.store import Store
from quotetrace.web.app import MAX_BODY_BYTES, create_app, document_view

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parents[1] / "shared" / "examples" / "lukashenko-apology.txt"
WIKINEWS = HERE / "data" / "wikinews-headlines.jsonl"  # CC BY 2.5, Wikinews contributors

WEB_ARTICLES = HERE / "data" / "web-articles.jsonl"  # written for these tests
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
TRACED = "Nobody wants to say it, but the bridge will cost twice its budget"


def _jsonl(path: Path) -> dict[str, dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {obj["id"]: obj for obj in map(json.loads, lines)}


# The headline states as fact what one auditor says; the quotes carry markup.
SINGLE_SOURCE = _jsonl(WEB_ARTICLES)["elm-bridge-budget"]["text"]

# Headlines that are not attributed claims: no finding expected. The last three were flagged by an
# earlier headline check (apostrophes read as quote marks, loose word overlap).
NO_FINDING = [
    "wikinews-b815ca1248d4",
    "wikinews-e55f7744e3c4",
    "wikinews-81ff8e1a8b1f",
    "wikinews-0b52b082abb2",
    "wikinews-66df845d63a0",
    "wikinews-1d1ba3f297e9",
    "wikinews-cdc760b69d84",
    "wikinews-cf8ab3738d1f",
    "wikinews-024923ad5af3",
]
# Flagged wrongly today (reported to findings.py's owner); when fixed, move the id to NO_FINDING.
KNOWN_FALSE_POSITIVES = {
    "wikinews-a95826ce2c1e": "the body's first sentence states the death itself ('previously the "
    "Deputy Chief Minister ... died'), in other words than Parrikar's tweet",
}
HEADLINE = "headline-single-source"


@pytest.fixture(scope="module")
def client(pipeline: Pipeline) -> Iterator[TestClient]:
    with TestClient(create_app(pipeline=pipeline), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def db(pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store holding the test articles (one quote repeated in three of them)."""
    path = tmp_path_factory.mktemp("store") / "quotes.db"
    with Store.open(path) as store:
        for obj in _jsonl(WEB_ARTICLES).values():
            article = article_from_text(
                obj["text"],
                id=obj["id"],
                title=obj.get("title"),
                published=obj.get("published"),
                outlet=obj.get("outlet"),
            )
            assert store.ingest_document(pipeline.process(article)) == "new"
    return str(path)


@pytest.fixture(scope="module")
def stored(pipeline: Pipeline, db: str) -> Iterator[TestClient]:
    with TestClient(create_app(db, pipeline=pipeline)) as c:
        yield c


def _assert_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "message", "detail"}
    assert body["error"]["status"] == status
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return dict(body["error"])


def _extract(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/api/extract", json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


# -- extraction ------------------------------------------------------------------------------


def test_extract_text_gives_format_output_with_text(client: TestClient) -> None:
    doc = _extract(client, text=SINGLE_SOURCE, outlet="Test Gazette")
    for key in ("id", "text", "quotes", "entities", "findings", "error"):
        assert key in doc
    assert doc["error"] is None and doc["outlet"] == "Test Gazette"
    assert doc["title"] == "Elm River Bridge Will Cost Twice Its Budget"
    assert doc["text"] == SINGLE_SOURCE
    assert doc["quotes"], "the example has quotes"
    for q in doc["quotes"]:
        for start, end in q["content"]:
            assert 0 <= start < end <= len(doc["text"])
        assert q["text"] == " ".join(doc["text"][s:e] for s, e in q["content"])
        assert {"speaker", "addressee", "cue", "hedge", "kind", "confidence", "parent"} <= set(q)
    view = doc["view"]
    assert set(view["chains"]) == {q["id"] for q in doc["quotes"]}
    assert set(view["quote_colours"]) == {q["id"] for q in doc["quotes"]}
    assert view["graph"]["nodes"][0]["kind"] == "article"


def test_same_text_same_id(client: TestClient) -> None:
    first = _extract(client, text=SINGLE_SOURCE)
    again = _extract(client, text=SINGLE_SOURCE)
    assert first["id"] == again["id"] and first["id"].startswith("pasted-")
    assert _extract(client, text=SINGLE_SOURCE, id="mine")["id"] == "mine"


def test_extract_html(client: TestClient) -> None:
    page = (
        "<html><head><title>Council backs the bridge</title></head><body><article>"
        "<h1>Council backs the bridge</h1>"
        "<p>The council voted on Tuesday to finish the bridge over the river.</p>"
        "<p>“We will finish what we started,” council leader Ann Smith told reporters after the "
        "vote, which ended a year of arguments about the cost of the project.</p>"
        "<p>Critics said the money would be better spent on schools and on the hospital.</p>"
        "</article></body></html>"
    )
    doc = _extract(client, html=page)
    assert "We will finish what we started" in doc["text"]
    assert "<p>" not in doc["text"]
    quote = next(q for q in doc["quotes"] if "finish what we started" in q["text"])
    (start, end), *_ = quote["content"]
    assert doc["text"][start:end].startswith("We will finish")
    assert quote["speaker"]["name"] == "Ann Smith"


def test_markup_in_quotes_comes_back_as_plain_text(client: TestClient) -> None:
    doc = _extract(client, text=SINGLE_SOURCE)
    texts = " ".join(q["text"] for q in doc["quotes"])
    assert SCRIPT in texts and IMG in texts
    assert SCRIPT in doc["text"] and "&lt;" not in doc["text"]
    chains = " ".join(doc["view"]["chains"].values())
    assert "<" not in chains


def test_url_is_metadata_only(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither the url field nor links and images in the page make the server connect anywhere."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> None:
        attempts.append(args)
        raise OSError("network access in a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    url = "http://192.0.2.1/news/story.html"
    page = (
        f'<html><head><link rel="canonical" href="{url}"><script src="http://192.0.2.1/x.js">'
        '</script></head><body><article><h1>Mayor speaks</h1><p>"We will win," the mayor, '
        f'Ann Smith, said on Monday. <img src="http://192.0.2.1/a.png"></p>'
        "<p>The vote is on Friday and the result is expected the same evening.</p>"
        "<p>Supporters and critics of the plan gathered outside the town hall.</p>"
        "</article></body></html>"
    )
    doc = _extract(client, html=page, url=url)
    assert doc["url"] == url
    assert _extract(client, text=SINGLE_SOURCE, url=url)["url"] == url
    assert attempts == []


# -- the headline check --------------------------------------------------------------------------


def test_headline_finding_names_the_single_source(client: TestClient) -> None:
    doc = _extract(client, text=SINGLE_SOURCE)
    findings = [f for f in doc["findings"] if f["type"] == HEADLINE]
    assert len(findings) == 1
    assert findings[0]["source"] == "Mara Quinn"
    assert "Mara Quinn" in findings[0]["message"]
    for start, end in findings[0]["spans"]:
        assert 0 <= start < end <= len(doc["text"])


@pytest.mark.skipif(not EXAMPLE.is_file(), reason="../shared/examples is not present")
def test_headline_finding_on_the_example_article(client: TestClient) -> None:
    doc = _extract(client, text=EXAMPLE.read_text(encoding="utf-8"))
    findings = [f for f in doc["findings"] if f["type"] == HEADLINE]
    assert findings, "the headline states Zelenskyy's account as fact"
    assert findings[0]["source"] == "Volodymyr Zelenskyy"


@pytest.mark.parametrize(
    "article_id",
    [
        *NO_FINDING,
        *(
            pytest.param(i, marks=pytest.mark.xfail(strict=True, reason=why))
            for i, why in KNOWN_FALSE_POSITIVES.items()
        ),
    ],
)
def test_no_headline_finding_on_unattributed_headlines(client: TestClient, article_id: str) -> None:
    article = _jsonl(WIKINEWS)[article_id]
    doc = _extract(
        client,
        text=article["text"],
        id=article_id,
        title=article["title"],
        published=article["published"],
        outlet=article["outlet"],
        url=article["url"],
    )
    assert doc["quotes"], "a test of the check needs quotes in the body"
    assert [f for f in doc["findings"] if f["type"] == HEADLINE] == []


# -- errors: one shape for all ---------------------------------------------------------------


def test_not_found(client: TestClient) -> None:
    error = _assert_error(client.get("/api/nothing-here"), 404)
    assert error["detail"] == {"path": "/api/nothing-here"}
    _assert_error(client.get("/static/missing.js"), 404)


def test_method_not_allowed(client: TestClient) -> None:
    response = client.get("/api/extract")
    _assert_error(response, 405)
    assert response.headers["allow"] == "POST"
    _assert_error(client.delete("/"), 405)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"text": "a", "html": "<p>a</p>"},
        {"text": 5},
        {"text": "Someone said something.", "fetch": True},
        [],
    ],
)
def test_invalid_bodies(client: TestClient, body: Any) -> None:
    error = _assert_error(client.post("/api/extract", json=body), 422)
    assert isinstance(error["detail"], list) and error["detail"]
    assert {"loc", "message", "type"} <= set(error["detail"][0])


def test_invalid_json(client: TestClient) -> None:
    headers = {"content-type": "application/json"}
    _assert_error(client.post("/api/extract", content=b'{"text": ', headers=headers), 422)


def test_unreadable_article(client: TestClient) -> None:
    error = _assert_error(client.post("/api/extract", json={"text": " \n\t "}), 422)
    assert "empty" in error["message"]
    _assert_error(client.post("/api/extract", json={"html": "<html><body></body></html>"}), 422)


def test_body_over_the_limit(client: TestClient) -> None:
    big = json.dumps({"text": "word " * (MAX_BODY_BYTES // 5 + 10)}).encode()
    assert len(big) > MAX_BODY_BYTES
    error = _assert_error(
        client.post("/api/extract", content=big, headers={"content-type": "application/json"}),
        413,
    )
    assert error["detail"] == {"max_bytes": MAX_BODY_BYTES}


def test_chunked_body_over_the_limit(client: TestClient) -> None:
    """A body that declares no length is counted as it arrives."""

    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b"a" * 65536
        yield b'"}'

    response = client.post(
        "/api/extract", content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    _assert_error(response, 413)


def test_small_limit_is_configurable(pipeline: Pipeline) -> None:
    with TestClient(create_app(pipeline=pipeline, max_body_bytes=100)) as small:
        _assert_error(small.post("/api/extract", json={"text": "x" * 200}), 413)
        ok = small.post("/api/extract", json={"text": '"Yes," she said.'})
        assert ok.status_code == 200


def test_bad_content_length(client: TestClient) -> None:
    response = client.post(
        "/api/extract", content=b"{}", headers={"content-length": "abc", "content-type": "x"}
    )
    _assert_error(response, 400)


def test_server_error_hides_the_exception() -> None:
    class Broken:
        def process(self, article: Any) -> Any:
            raise RuntimeError("secret internals")

    with TestClient(create_app(pipeline=Broken()), raise_server_exceptions=False) as broken:  # type: ignore[arg-type]
        error = _assert_error(broken.post("/api/extract", json={"text": "He said no."}), 500)
    assert "secret" not in json.dumps(error)


def test_store_endpoints_without_a_store(client: TestClient) -> None:
    for path in ("/api/quotes?q=bridge", "/api/trace?q=bridge", "/api/articles/x", "/api/speakers"):
        error = _assert_error(client.get(path), 503)
        assert error["message"] == "no store configured"


# -- the store endpoints ---------------------------------------------------------------------------


def test_search_by_words(stored: TestClient) -> None:
    body = stored.get("/api/quotes", params={"q": "twice its budget"}).json()
    assert body["count"] == len(body["results"]) >= 3
    hit = body["results"][0]
    for key in ("text", "speaker", "outlet", "date", "article_id", "title", "quote_id", "kind"):
        assert key in hit
    assert all("budget" in r["text"] for r in body["results"])


def test_search_filters(stored: TestClient) -> None:
    def ids(**params: str) -> set[str]:
        body = stored.get("/api/quotes", params={"q": TRACED, **params}).json()
        return {r["article_id"] for r in body["results"]}

    assert ids() == {"bridge-radio", "bridge-council", "bridge-weekly"}
    assert ids(speaker="Mara Quinn") == {"bridge-council", "bridge-weekly"}
    assert ids(speaker="Hale") == {"bridge-radio"}
    assert ids(outlet="river times") == {"bridge-council", "bridge-weekly"}
    assert ids(since="2024-03-01") == {"bridge-council", "bridge-weekly"}
    assert ids(until="2024-02") == {"bridge-radio"}
    assert ids(kind="speech,writing") == ids()
    assert ids(kind="thought") == set()
    newest = stored.get("/api/quotes", params={"q": TRACED, "sort": "newest"}).json()
    assert [r["date"] for r in newest["results"]] == ["2024-03-09", "2024-03-01", "2024-02-20"]


def test_search_rejects_bad_filters(stored: TestClient) -> None:
    assert "since" in _assert_error(stored.get("/api/quotes?since=2024-13-01"), 422)["message"]
    _assert_error(stored.get("/api/quotes?until=yesterday"), 422)
    _assert_error(stored.get("/api/quotes?kind=gossip"), 422)
    _assert_error(stored.get("/api/quotes?sort=random"), 422)


def test_search_text_is_never_a_query_language(stored: TestClient) -> None:
    for q in ('"', "*", "NEAR(a b)", "') OR 1=1 --", SCRIPT):
        assert stored.get("/api/quotes", params={"q": q}).status_code == 200


def test_markup_comes_back_from_the_store_as_text(stored: TestClient) -> None:
    body = stored.get("/api/quotes", params={"q": "invoice"}).json()
    assert any(IMG in r["text"] for r in body["results"])


def test_trace_is_a_timeline_from_the_first_appearance(stored: TestClient) -> None:
    body = stored.get("/api/trace", params={"q": "bridge will cost twice its budget"}).json()
    appearances = body["appearances"]
    assert [a["article_id"] for a in appearances] == [
        "bridge-radio",
        "bridge-council",
        "bridge-weekly",
    ]
    assert [a["date"] for a in appearances] == sorted(a["date"] for a in appearances)
    assert appearances[0]["speaker"] == "Tom Hale" and appearances[0]["outlet"] == "Valley Post"
    assert body["conflicting_speakers"] is True
    assert {s["name"] for s in body["speakers"]} == {"Mara Quinn", "Tom Hale"}


def test_trace_without_a_match(stored: TestClient) -> None:
    _assert_error(stored.get("/api/trace", params={"q": "zebras of the upper nile"}), 404)


def test_speakers(stored: TestClient) -> None:
    speakers = {s["name"]: s for s in stored.get("/api/speakers").json()["speakers"]}
    quinn = speakers["Mara Quinn"]
    assert quinn["quotes"] >= 4 and quinn["articles"] == 3
    assert quinn["first_date"] == "2024-03-01" and quinn["last_date"] == "2024-03-09"
    assert {"name", "count"} <= set(quinn["aliases"][0])


def test_stored_article_matches_a_fresh_extraction(stored: TestClient, pipeline: Pipeline) -> None:
    obj = _jsonl(WEB_ARTICLES)["elm-bridge-budget"]
    meta = {k: obj.get(k) for k in ("title", "published", "outlet")}
    fresh = document_view(pipeline.process(article_from_text(obj["text"], id=obj["id"], **meta)))
    doc = stored.get("/api/articles/elm-bridge-budget").json()
    assert doc["text"] == fresh["text"] and doc["outlet"] == "Test Gazette"
    assert doc["findings"] == fresh["findings"] and doc["findings"][0]["source"] == "Mara Quinn"
    for got, want in zip(doc["quotes"], fresh["quotes"], strict=True):
        assert got.pop("store_id")
        if want["addressee"]:  # the store keeps the addressee's name and mention, not its entity
            want["addressee"]["entity"] = None
        assert got == want
    assert doc["entities"] == fresh["entities"]
    assert doc["view"] == fresh["view"]


def test_search_hits_link_to_stored_quotes(stored: TestClient) -> None:
    hit = stored.get("/api/quotes", params={"q": "invoice"}).json()["results"][0]
    doc = stored.get(f"/api/articles/{hit['article_id']}").json()
    assert hit["quote_id"] in {q["store_id"] for q in doc["quotes"]}


def test_stored_article_not_found(stored: TestClient) -> None:
    _assert_error(stored.get("/api/articles/no-such-article"), 404)


def test_store_file_missing(pipeline: Pipeline, tmp_path: Path) -> None:
    with TestClient(create_app(str(tmp_path / "none.db"), pipeline=pipeline)) as c:
        _assert_error(c.get("/api/speakers"), 503)
    assert not (tmp_path / "none.db").exists(), "a missing store is not created"


def test_query_validation(client: TestClient) -> None:
    _assert_error(client.get("/api/trace"), 422)
    _assert_error(client.get("/api/quotes?limit=0"), 422)


def test_host_check(pipeline: Pipeline) -> None:
    app = create_app(pipeline=pipeline, allowed_hosts=["127.0.0.1", "localhost"])
    with TestClient(app, base_url="http://localhost:8000") as local:
        assert local.get("/api/health").status_code == 200
    with TestClient(app, base_url="http://attacker.example") as rebound:
        _assert_error(rebound.get("/api/health"), 400)


# -- pages, static files, schema -----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/articles/some-id", "/search", "/trace?q=x"])
def test_pages(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert '<script src="/static/app.js"' in response.text


def test_static_files_are_local(client: TestClient) -> None:
    page = client.get("/").text
    assert "http://" not in page and "https://" not in page
    js = client.get("/static/app.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    assert ".innerHTML" not in js.text and "insertAdjacentHTML" not in js.text
    assert client.get("/static/style.css").status_code == 200


def test_openapi_and_docs(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path in ("/api/extract", "/api/quotes", "/api/trace", "/api/articles/{article_id}"):
        assert path in schema["paths"]
    assert "/api/speakers" in schema["paths"]
    assert "413" in schema["paths"]["/api/extract"]["post"]["responses"]
    for docs in ("/docs", "/redoc"):
        page = client.get(docs)
        assert page.status_code == 200
        assert "cdn." not in page.text  # served from this package, offline


def test_examples(client: TestClient) -> None:
    examples = client.get("/api/examples").json()
    assert examples and all(e["text"] and e["license"] == "CC BY 2.5" for e in examples)


def test_serve_arguments() -> None:
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.db) == ("127.0.0.1", 8000, None)
    args = build_parser().parse_args(["serve", "--db", "q.db", "--port", "9000"])
    assert (args.db, args.port) == ("q.db", 9000)


def test_serve_refuses_a_missing_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--db", str(tmp_path / "none.db")]) == 2
    assert "no such store" in capsys.readouterr().err
    assert main(["serve", "--port", "70000"]) == 2


def test_serve_takes_the_extraction_flags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = build_parser().parse_args(["serve", "--join-turns", "--kinds", "all"])
    options = pipeline_options(args)
    assert options.join_turns and options.kinds == ALL_KINDS
    # A bad model file stops serve before it listens.
    missing = str(tmp_path / "no-ranker.json")
    assert main(["serve", "--speaker-ranker", missing, "--port", "1"]) == 2
    assert "no-ranker.json" in capsys.readouterr().err


def test_the_app_extracts_with_the_options_it_is_given() -> None:
    text = "“We will win the vote,” said Jane Smith. “It is close, but we will win.”\n"
    joined = create_app(options=PipelineOptions(join_turns=True))
    with TestClient(joined) as c:
        quotes = c.post("/api/extract", json={"text": text}).json()["quotes"]
    assert len(quotes) == 1 and len(quotes[0]["content"]) == 2
