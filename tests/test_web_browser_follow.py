"""Speaker page, quote page and "Add by URL" in a real browser (Debian's chromium through
Playwright), with screenshots in tests/artifacts/ (ignored by git). Skipped without chromium."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from local_site import LocalSite
from test_web_browser import ARGS, CHROMIUM, IMG, screenshot, serve_in_thread

from quotetrace.ingest import article_from_text
from quotetrace.pipeline import Pipeline
from quotetrace.store import Store
from quotetrace.web.app import create_app
from quotetrace.web.follow import FetchSettings

sync_api = pytest.importorskip("playwright.sync_api")

HERE = Path(__file__).resolve().parent
WEB_ARTICLES = HERE / "data" / "web-articles.jsonl"  # written for these tests
WIKINEWS = HERE / "data" / "wikinews-headlines.jsonl"  # CC BY 2.5, Wikinews contributors

pytestmark = [
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="chromium is not installed (run `make browser`)"
    ),
    pytest.mark.slow,  # a browser per module
]


@pytest.fixture(scope="module")
def site() -> Iterator[LocalSite]:
    articles = [json.loads(line) for line in WIKINEWS.read_text("utf-8").splitlines()][:2]
    with LocalSite(articles) as running:
        yield running


@pytest.fixture(scope="module")
def server(pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A store with the test articles; "Add by URL" on, the local test site let through."""
    db = tmp_path_factory.mktemp("store") / "quotes.db"
    with Store.open(db) as store:
        for line in WEB_ARTICLES.read_text(encoding="utf-8").splitlines():
            obj = json.loads(line)
            meta = {k: obj.get(k) for k in ("title", "published", "outlet")}
            store.ingest_document(
                pipeline.process(article_from_text(obj["text"], id=obj["id"], **meta))
            )
    fetch = FetchSettings(allowed=True, allow_networks=("127.0.0.1/32",))
    app = create_app(str(db), pipeline=pipeline, allowed_hosts=["127.0.0.1"], fetch=fetch)
    with serve_in_thread(app) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1300, "height": 900})
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


def test_speaker_page_from_search(page: Any, server: str) -> None:
    page.goto(server + "/search?q=nobody+wants+to+say+it&speaker=Quinn")
    page.wait_for_selector("#search-results li.result a.speaker-link")
    page.locator("#search-results a.speaker-link").first.click()
    page.wait_for_selector("#speaker-quotes li.result")
    assert "/speakers/" in page.url
    assert page.locator("#speaker-name").inner_text() == "Mara Quinn"
    cards = page.locator("#speaker-quotes li.result")
    dates = page.locator("#speaker-quotes time.when").all_inner_texts()
    assert cards.count() >= 3 and dates == sorted(dates)
    bars = page.locator("#speaker-chart svg rect.bar")
    assert bars.count() >= 2  # quotes per week, from the first week to the last
    counts = [int(bars.nth(i).get_attribute("data-count")) for i in range(bars.count())]
    assert sum(counts) == cards.count()
    assert "mayor" in page.locator("#speaker-quotes-whom").inner_text().lower()
    assert "Test Gazette" in page.locator("#speaker-outlets").inner_text()
    # markup in a quote is shown as text, never run
    assert IMG in page.locator("#speaker-quotes").inner_text()
    assert page.locator("#speaker-quotes img").count() == 0
    screenshot(page, "speaker-page.png")
    assert page.errors == [] and page.dialogs == []


def test_quote_page_with_its_trace(page: Any, server: str) -> None:
    page.goto(server + "/search?q=nobody+wants+to+say+it&speaker=Quinn")
    page.wait_for_selector("#search-results li.result a.quote-link")
    page.locator("#search-results a.quote-link").first.click()
    page.wait_for_selector("#quote-trace li.result")
    assert "/quotes/" in page.url
    assert "bridge will cost twice its budget" in page.locator("#quote-text").inner_text()
    assert page.locator("#quote-context mark").count() == 1
    dates = page.locator("#quote-trace li.result time.when").all_inner_texts()
    assert dates == ["2024-02-20", "2024-03-01", "2024-03-09"]
    assert page.locator("#quote-trace .this").count() == 1
    assert "different people" in page.locator("#quote-trace .summary").inner_text()
    screenshot(page, "quote-page.png")
    page.locator("#quote-who a.speaker-link").click()  # on to the speaker
    page.wait_for_selector("#speaker-name")
    assert page.errors == [] and page.dialogs == []


def test_add_by_url(page: Any, server: str, site: LocalSite) -> None:
    page.goto(server + "/")
    page.wait_for_selector("#fetch-form:not([hidden])")
    page.fill("#fetch-url", site.url("/articles/0.html"))
    page.click("#fetch-button")
    page.wait_for_url("**/articles/web-*")
    page.wait_for_selector("#article-text mark.q")
    assert "Pelosi" in page.locator("#doc-title").inner_text()
    page.goto(server + "/")
    page.wait_for_selector("#fetch-form:not([hidden])")
    page.fill("#fetch-url", "http://169.254.169.254/latest/meta-data/")
    page.click("#fetch-button")
    sync_api.expect(page.locator("#status")).to_contain_text("not fetched")
    assert page.errors == []
