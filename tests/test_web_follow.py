"""Speaker pages, quote pages and "Add by URL" (serve --allow-fetch) through the HTTP API, with
a local site for the fetching; the address guard's refusals (SSRF) as the app answers them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from local_site import LocalSite

from quotetrace.ingest import article_from_text
from quotetrace.pipeline import Pipeline
from quotetrace.store import Store
from quotetrace.store.profiles import weekly_counts
from quotetrace.web.app import PAGE_CSP, create_app
from quotetrace.web.follow import FetchSettings

HERE = Path(__file__).resolve().parent
WEB_ARTICLES = HERE / "data" / "web-articles.jsonl"  # written for these tests
WIKINEWS = HERE / "data" / "wikinews-headlines.jsonl"  # CC BY 2.5, Wikinews contributors
SCRIPT = "<script>alert(1)</script>"


def _objs(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def db(pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("store") / "quotes.db"
    with Store.open(path) as store:
        for obj in _objs(WEB_ARTICLES):
            meta = {k: obj.get(k) for k in ("title", "published", "outlet")}
            store.ingest_document(
                pipeline.process(article_from_text(obj["text"], id=obj["id"], **meta))
            )
    return str(path)


@pytest.fixture(scope="module")
def client(db: str, pipeline: Pipeline) -> Iterator[TestClient]:
    with TestClient(create_app(db, pipeline=pipeline), raise_server_exceptions=False) as c:
        yield c


def _speaker_id(client: TestClient, name: str) -> str:
    speakers = client.get("/api/speakers").json()["speakers"]
    return next(s["id"] for s in speakers if name in s["name"])


def test_speaker_record(client: TestClient) -> None:
    sid = _speaker_id(client, "Quinn")
    body = client.get(f"/api/speakers/{sid}").json()
    assert body["name"] == "Mara Quinn"
    dates = [q["date"] for q in body["quotes"]]
    assert dates == sorted(d for d in dates if d) + [None] * dates.count(None)
    assert body["count"] == len(body["quotes"]) >= 3
    assert {q["outlet"] for q in body["quotes"]} >= {"Test Gazette"}
    # she quotes the mayor inside her own quote ("The mayor told me, 'We cannot stop now.'")
    (whom,) = body["quotes_whom"]
    assert "mayor" in whom["name"].lower() and whom["speaker_id"]
    assert any(a["name"] for a in body["addressees"])  # "told reporters"
    weeks = body["timeline"]["weeks"]
    assert sum(w["count"] for w in weeks) + body["timeline"]["undated"] == body["count"]
    assert [w["week"] for w in weeks] == sorted(w["week"] for w in weeks)
    # the mayor's record says who quotes him
    mayor = client.get(f"/api/speakers/{whom['speaker_id']}").json()
    assert [p["name"] for p in mayor["quoted_by"]] == ["Mara Quinn"]


def test_weekly_counts_fill_empty_weeks() -> None:
    out = weekly_counts(["2024-03-04", "2024-03-06", "2024-03-20", None, "not a date"])
    assert out["weeks"] == [
        {"week": "2024-03-04", "count": 2},
        {"week": "2024-03-11", "count": 0},
        {"week": "2024-03-18", "count": 1},
    ]
    assert out["undated"] == 2 and out["max"] == 2


def test_quote_page_data_slices_the_article(client: TestClient, db: str) -> None:
    hit = client.get("/api/quotes", params={"q": "Nobody wants to say it"}).json()["results"][0]
    assert hit["speaker_id"]  # search results link to the speaker page
    body = client.get(f"/api/quote/{hit['quote_id']}").json()
    q = body["quote"]
    with Store.open(db) as store:
        (text,) = store.conn.execute(
            "SELECT text FROM articles WHERE id = ?", (q["article_id"],)
        ).fetchone()
    assert q["context"]["quote"] == text[q["start"] : q["end"]]
    for start, end in q["spans"]["content"]:
        assert text[start:end] in q["text"] or text[start:end].strip() in q["text"]
    assert len(body["trace"]["appearances"]) >= 3  # the repeated quote, in three articles
    assert q["id"] in [a["quote_id"] for a in body["trace"]["appearances"]]


def test_quote_exports_from_the_api(client: TestClient, db: str) -> None:
    import jsonschema

    schemas = HERE / "schemas"
    hit = client.get("/api/quotes", params={"q": "Nobody wants to say it"}).json()["results"][0]
    review = client.get(f"/api/quote/{hit['quote_id']}/claimreview").json()
    jsonschema.validate(review, json.loads((schemas / "claimreview.schema.json").read_text()))
    assert len(review["itemReviewed"]["appearance"]) == 3
    item = client.get(f"/api/quote/{hit['quote_id']}/annotation").json()
    collection = {
        "@context": item.pop("@context"),
        "id": "urn:x:c",
        "type": "AnnotationCollection",
        "first": {"type": "AnnotationPage", "items": [item]},
    }
    jsonschema.validate(
        collection, json.loads((schemas / "web-annotation.schema.json").read_text())
    )
    with Store.open(db) as store:
        (text,) = store.conn.execute(
            "SELECT a.text FROM quotes q JOIN articles a ON a.id = q.article_id WHERE q.id = ?",
            (hit["quote_id"],),
        ).fetchone()
    quote_sel, pos = item["target"]["selector"]
    assert quote_sel["exact"] == text[pos["start"] : pos["end"]]
    assert client.get("/api/quote/nothing/claimreview").status_code == 404
    assert client.get("/api/quote/nothing/annotation").status_code == 404


def test_markup_stays_text(client: TestClient) -> None:
    hit = client.get("/api/quotes", params={"q": "invoice"}).json()["results"][0]
    body = client.get(f"/api/quote/{hit['quote_id']}").json()
    assert (
        SCRIPT
        in body["quote"]["context"]["quote"]
        + body["quote"]["context"]["before"]
        + (body["quote"]["context"]["after"])
    )  # returned as JSON text; the page inserts it with textContent


def test_unknown_ids_are_404(client: TestClient) -> None:
    for path in ("/api/speakers/nobody", "/api/quote/nothing"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["status"] == 404


def test_pages_are_served_with_the_csp(client: TestClient) -> None:
    for path in ("/speakers/abc", "/quotes/abc"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["content-security-policy"] == PAGE_CSP


# -- add by URL ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site() -> Iterator[LocalSite]:
    with LocalSite(_objs(WIKINEWS)[:2]) as running:
        yield running


def test_fetch_is_off_by_default(client: TestClient, site: LocalSite) -> None:
    response = client.post("/api/fetch", json={"url": site.url("/articles/0.html")})
    assert response.status_code == 403
    assert "--allow-fetch" in response.json()["error"]["detail"]["hint"]
    assert client.get("/api/health").json()["fetch"] is False
    assert site.hits["/articles/0.html"] == 0


def test_fetch_refuses_private_addresses(db: str, pipeline: Pipeline, site: LocalSite) -> None:
    app = create_app(db, pipeline=pipeline, fetch=FetchSettings(allowed=True))
    before = sum(site.hits.values())
    with TestClient(app, raise_server_exceptions=False) as c:
        assert c.get("/api/health").json()["fetch"] is True
        for url in (
            site.url("/articles/0.html"),  # 127.0.0.1
            f"http://localhost:{site.port}/articles/0.html",  # a name resolving to loopback
            "http://169.254.169.254/latest/meta-data/",  # cloud metadata, link-local
            "http://10.0.0.8/",
            "http://[::1]:80/",
            "http://[::ffff:127.0.0.1]/",
        ):
            response = c.post("/api/fetch", json={"url": url})
            assert response.status_code == 400, (url, response.text)
            assert response.json()["error"]["message"] == "this address is not fetched"
        for url in ("file:///etc/passwd", "gopher://example.org/", "not a url"):
            assert c.post("/api/fetch", json={"url": url}).status_code == 422
    assert sum(site.hits.values()) == before


@pytest.mark.slow  # waits on fetch timeouts (about 6 s)
def test_fetch_adds_an_article_and_guards_redirects(
    tmp_path: Path, pipeline: Pipeline, site: LocalSite
) -> None:
    db = str(tmp_path / "q.db")
    Store.open(db).close()
    settings = FetchSettings(allowed=True, allow_networks=("127.0.0.1/32",), max_bytes=1_000_000)
    with TestClient(create_app(db, pipeline=pipeline, fetch=settings)) as c:
        response = c.post("/api/fetch", json={"url": site.url("/moved/1")})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["stored"] is True and body["outcome"] == "new"
        assert body["final_url"] == site.url("/articles/1.html")
        assert c.get(f"/api/articles/{body['id']}").status_code == 200
        # a redirect from the allowed server to an address off the list is refused
        for target in (f"http://127.0.0.2:{site.port}/articles/0.html", "http://169.254.169.254/"):
            response = c.post(
                "/api/fetch", json={"url": site.url("/to?u=" + quote(target, safe=""))}
            )
            assert response.status_code == 400, response.text
        assert (
            c.post("/api/fetch", json={"url": site.url("/private/secret.html")}).status_code == 403
        )
        big = c.post("/api/fetch", json={"url": site.url("/big")})
        assert big.status_code == 502 and "too large" in big.json()["error"]["detail"]
        assert c.post("/api/fetch", json={"url": site.url("/garbage")}).status_code == 422
    with Store.open(db) as store:
        assert store.counts()["articles"] == 1
        (url, final) = store.conn.execute("SELECT url, final_url FROM fetched_pages").fetchone()
    assert (url, final) == (site.url("/moved/1"), site.url("/articles/1.html"))


def test_serve_fetch_options_are_checked(capsys: pytest.CaptureFixture[str]) -> None:
    from quotetrace.cli import main

    assert main(["serve", "--fetch-allow", "10.0.0.0/8"]) == 2
    assert "--fetch-allow needs --allow-fetch" in capsys.readouterr().err
    assert main(["serve", "--allow-fetch", "--fetch-allow", "not-a-network"]) == 2
    assert "--fetch-allow" in capsys.readouterr().err
