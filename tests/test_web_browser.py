"""The page in a real browser: Playwright driving Debian's chromium against a live server.

Skipped when /usr/bin/chromium is missing (``make browser`` installs it; ``make test`` depends on
it). Never runs ``playwright install``: the browser comes from the system.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from quotetrace.ingest import article_from_text
from quotetrace.pipeline import Pipeline
from quotetrace.store import Store
from quotetrace.web.app import create_app

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE / "artifacts"
EXAMPLE = HERE.parents[1] / "shared" / "examples" / "lukashenko-apology.txt"
WIKINEWS = HERE / "data" / "wikinews-headlines.jsonl"  # CC BY 2.5, Wikinews contributors
FALLBACK_ID = "wikinews-66df845d63a0"  # Queen Elizabeth agrees to suspend UK Parliament ...
WEB_ARTICLES = HERE / "data" / "web-articles.jsonl"  # written for these tests
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
# Our own text: a headline resting on one auditor, markup inside the quotes.
SINGLE_SOURCE = next(
    obj["text"]
    for obj in map(json.loads, WEB_ARTICLES.read_text(encoding="utf-8").splitlines())
    if obj["id"] == "elm-bridge-budget"
)

pytestmark = [
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="chromium is not installed (run `make browser`)"
    ),
    pytest.mark.slow,  # a browser per module
]


@contextmanager
def serve_in_thread(app: Any) -> Iterator[str]:
    """Run ``app`` on a free localhost port with uvicorn in a thread; yield its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def server(pipeline: Pipeline) -> Iterator[str]:
    """The app without a store."""
    with serve_in_thread(create_app(pipeline=pipeline, allowed_hosts=["127.0.0.1"])) as base:
        yield base


@pytest.fixture(scope="module")
def stored_server(pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over a store holding the test articles (one quote repeated in three)."""
    db = tmp_path_factory.mktemp("store") / "quotes.db"
    with Store.open(db) as store:
        for line in WEB_ARTICLES.read_text(encoding="utf-8").splitlines():
            obj = json.loads(line)
            meta = {k: obj.get(k) for k in ("title", "published", "outlet")}
            article = article_from_text(obj["text"], id=obj["id"], **meta)
            store.ingest_document(pipeline.process(article))
    with serve_in_thread(
        create_app(str(db), pipeline=pipeline, allowed_hosts=["127.0.0.1"])
    ) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    pg.errors = []
    pg.dialogs = []
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))

    def on_dialog(dialog: Any) -> None:
        pg.dialogs.append(dialog.message)
        dialog.dismiss()

    pg.on("dialog", on_dialog)
    yield pg
    context.close()


def _article() -> tuple[str, str | None]:
    """The example article when ../shared is present, else a bundled Wikinews text."""
    if EXAMPLE.is_file():
        return EXAMPLE.read_text(encoding="utf-8"), None
    for line in WIKINEWS.read_text(encoding="utf-8").splitlines():
        obj = json.loads(line)
        if obj["id"] == FALLBACK_ID:
            return obj["text"], obj["title"]
    raise AssertionError(f"{FALLBACK_ID} is missing from {WIKINEWS}")


def _paste_and_extract(page: Any, base: str, text: str, title: str | None = None) -> None:
    page.goto(base + "/")
    page.fill("#input", text)
    if title is not None:
        page.click("details summary")
        page.fill("#meta-title", title)
    page.click("#extract-button")
    page.wait_for_selector("#article-text mark.q")


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    ignore = ARTIFACTS / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8")
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


def _inside(quote: dict[str, Any], parent: dict[str, Any]) -> bool:
    """Whether the quote's words lie within its parent's (a nested <mark>), not beside them."""
    return all(
        any(ps <= s and e <= pe for ps, pe in parent["content"]) for s, e in quote["content"]
    )


def _api_doc(base: str, text: str, title: str | None) -> dict[str, Any]:
    body = {"text": text, **({"title": title} if title else {})}
    response = httpx.post(base + "/api/extract", json=body, timeout=60)
    response.raise_for_status()
    return dict(response.json())


def test_article_view(page: Any, server: str) -> None:
    text, title = _article()
    doc = _api_doc(server, text, title)
    _paste_and_extract(page, server, text, title)

    # every quote highlighted, coloured by its speaker, with a legend
    marks = page.locator("#article-text mark.q")
    assert {m.get_attribute("data-q") for m in marks.all()} == {q["id"] for q in doc["quotes"]}
    colours = page.eval_on_selector_all(
        "#article-text mark.q", "ms => ms.map(m => getComputedStyle(m).backgroundColor)"
    )
    assert len(set(colours)) >= 2, "quotes of different speakers have different colours"
    chips = page.locator("#legend .chip")
    assert chips.count() == len(doc["view"]["speakers"])
    assert page.locator("#article-text").inner_text().strip() == doc["text"].strip()

    # the headline check, when the API makes it
    banner = page.locator(".headline-finding")
    headline = [f for f in doc["findings"] if f["type"] == "headline-single-source"]
    if EXAMPLE.is_file():
        assert headline, "the example's headline rests on Zelenskyy's account alone"
    if headline:
        assert banner.first.is_visible()
        assert headline[0]["source"] in banner.first.inner_text()
    else:
        assert banner.count() == 0

    # nested quotes sit inside their parent; clicking one shows its chain
    by_id = {q["id"]: q for q in doc["quotes"]}
    nested = [q for q in doc["quotes"] if q["parent"] and _inside(q, by_id[q["parent"]])]
    target = nested[0] if nested else doc["quotes"][0]
    if nested:
        assert page.locator("#article-text mark.q mark.q.nested").count() >= 1
        inner = page.locator(f'#article-text mark.q mark.q[data-q="{target["id"]}"]').first
    else:
        inner = page.locator(f'#article-text mark.q[data-q="{target["id"]}"]').first
    inner.click()
    chain = page.locator("#details .chain")
    assert chain.inner_text() == doc["view"]["chains"][target["id"]]
    details = page.locator("#details").inner_text()
    for field in ("speaker", "confidence", "kind"):
        assert field in details
    assert page.locator(f'#article-text mark.q.selected[data-q="{target["id"]}"]').count() >= 1

    # the graph: the article and the speakers, dashed edges for addressees
    assert page.locator("#graph svg .node").count() == len(doc["view"]["graph"]["nodes"])
    assert page.locator("#graph svg .edge").count() == len(doc["view"]["graph"]["edges"])
    dashed = [e for e in doc["view"]["graph"]["edges"] if e["dashed"]]
    assert page.locator("#graph svg .edge path[stroke-dasharray]").count() == len(dashed)

    shot = screenshot(page, "web-article.png")
    assert shot.stat().st_size > 10_000
    assert page.errors == [] and page.dialogs == []


def test_markup_in_an_article_never_runs(page: Any, server: str) -> None:
    evil_title = f"Bridge {IMG} budget"
    _paste_and_extract(page, server, SINGLE_SOURCE, evil_title)
    assert page.locator("#article-text script, #article-text img").count() == 0
    assert page.locator("#result img, #result script").count() == 0
    text = page.locator("#article-text").inner_text()
    assert SCRIPT in text and IMG in text
    assert page.locator("#doc-title").inner_text() == evil_title
    page.locator("#article-text mark.q", has_text="alert(1)</script>").first.click()
    assert SCRIPT in page.locator("#details .quote-text").inner_text()
    page.wait_for_timeout(300)  # give an injected handler the chance to fire
    assert page.dialogs == [], "an alert() ran"
    assert page.errors == []


def test_headline_banner_names_the_source(page: Any, server: str) -> None:
    _paste_and_extract(page, server, SINGLE_SOURCE)
    banner = page.locator(".headline-finding")
    assert banner.count() == 1 and banner.is_visible()
    assert banner.locator(".finding-source").inner_text() == "Mara Quinn"
    screenshot(page, "web-headline-check.png")


def test_html_input(page: Any, server: str) -> None:
    html = (
        "<html><body><article><h1>Council backs the bridge</h1>"
        "<p>The council voted on Tuesday to finish the bridge over the river.</p>"
        "<p>“We will finish what we started,” council leader Ann Smith told reporters after the "
        "vote, which ended a year of arguments about the cost of the project.</p>"
        "<p>Critics said the money would be better spent on schools and on the hospital.</p>"
        "</article></body></html>"
    )
    _paste_and_extract(page, server, html)
    assert "<p>" not in page.locator("#article-text").inner_text()
    assert page.locator("#article-text mark.q", has_text="We will finish").count() == 1


def test_error_is_shown(page: Any, server: str) -> None:
    page.goto(server + "/")
    page.fill("#input", "   .   ")
    page.select_option("#input-kind", "html")
    page.click("#extract-button")
    page.wait_for_selector("#status.error")
    assert "Could not extract" in page.locator("#status").inner_text()


def test_search_without_a_store(page: Any, server: str) -> None:
    page.goto(server + "/search")
    page.wait_for_selector("#search-status.error")
    assert "No store is configured" in page.locator("#search-status").inner_text()
    assert page.locator("#view-search").is_visible()
    assert not page.locator("#view-article").is_visible()


def test_search_page(page: Any, stored_server: str) -> None:
    page.goto(stored_server + "/search")
    page.fill("#search-form input[name=q]", "twice its budget")
    page.fill("#search-form input[name=speaker]", "Mara Quinn")
    page.fill("#search-form input[name=outlet]", "River Times")
    page.click("#search-form button[type=submit]")
    page.wait_for_selector("#search-results li.result")
    results = page.locator("#search-results li.result")
    assert results.count() == 2
    for text in results.all_inner_texts():
        assert "Mara Quinn" in text and "River Times" in text and "2024-03" in text
    assert "speaker=Mara+Quinn" in page.url  # the search can be bookmarked
    page.fill("#search-form input[name=since]", "2024-03-05")
    page.click("#search-form button[type=submit]")
    sync_api.expect(results).to_have_count(1)  # (the page's CSP forbids wait_for_function's eval)
    assert "2024-03-09" in results.first.inner_text()
    assert page.locator("#speaker-names option[value='Tom Hale']").count() == 1
    assert page.errors == [] and page.dialogs == []


def test_search_results_are_text(page: Any, stored_server: str) -> None:
    page.goto(stored_server + "/search?q=invoice")
    page.wait_for_selector("#search-results li.result")
    assert IMG in page.locator("#search-results").inner_text()
    assert page.locator("#search-results img").count() == 0
    page.wait_for_timeout(300)
    assert page.dialogs == []


def test_trace_page_is_a_timeline(page: Any, stored_server: str) -> None:
    page.goto(stored_server + "/search?q=nobody+wants+to+say+it&speaker=Quinn")
    page.wait_for_selector("#search-results li.result")
    page.locator("#search-results a", has_text="trace this quote").first.click()
    page.wait_for_selector("#trace-results li.result")
    items = page.locator("#trace-results li.result")
    assert items.count() == 3
    dates = page.locator("#trace-results li.result time.when").all_inner_texts()
    assert dates == ["2024-02-20", "2024-03-01", "2024-03-09"]
    assert page.locator("#trace-results .first").count() == 1
    assert "first seen" in items.first.inner_text()
    assert "Tom Hale" in items.first.inner_text()  # first seen, credited to someone else
    assert "different people" in page.locator("#trace-results .summary").inner_text()
    screenshot(page, "web-trace.png")
    assert page.errors == []


def test_stored_article_page(page: Any, stored_server: str) -> None:
    """From a search result to the stored article, with the quote selected."""
    page.goto(stored_server + "/search?q=invoice")
    page.wait_for_selector("#search-results li.result")
    page.locator("#search-results li.result .links a").first.click()
    page.wait_for_selector("#article-text mark.q")
    assert "/articles/elm-bridge-budget#" in page.url
    assert not page.locator("#extract-form").is_visible()
    assert page.locator(".headline-finding .finding-source").inner_text() == "Mara Quinn"
    selected = page.locator("#article-text mark.q.selected")
    assert selected.count() >= 1 and "invoice" in selected.first.inner_text()
    assert IMG in page.locator("#details .quote-text").inner_text()
    assert page.locator("#article-text img").count() == 0
    page.goto(stored_server + "/articles/no-such-article")
    page.wait_for_selector("#status.error")
    assert "no such article" in page.locator("#status").inner_text()
    assert page.errors == [] and page.dialogs == []
