"""Fetching (quotetrace.fetch) against a local site started by the tests (tests/local_site.py):
what is fetched, skipped, refused and stored. No test leaves this machine."""

from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from local_site import LocalSite, free_port

from quotetrace.errors import BlockedAddress, FetchError, RobotsDisallowed
from quotetrace.fetch import FeedEntry, Fetcher, FetchPolicy, parse_feed
from quotetrace.fetch.client import DEFAULT_USER_AGENT, address_refused
from quotetrace.fetch.feeds import parse_sitemap
from quotetrace.fetch.sources import Backoff, WebSource, article_id_for, normalise_url

HERE = Path(__file__).resolve().parent
ARTICLES = [
    json.loads(line)
    for line in (HERE / "data" / "wikinews-headlines.jsonl").read_text("utf-8").splitlines()
]  # CC BY 2.5, Wikinews contributors

FAST = FetchPolicy(host_delay=0, retries=0, read_timeout=5, connect_timeout=2)


@pytest.fixture(scope="module")
def site() -> Iterator[LocalSite]:
    with LocalSite(ARTICLES[:4]) as running:
        yield running


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FAST) as f:
        yield f


# -- one URL -----------------------------------------------------------------------------------


def test_fetch_page_then_conditional_request_is_not_downloaded_again(
    site: LocalSite, fetcher: Fetcher
) -> None:
    url = site.url("/articles/0.html")
    before = site.bodies[url[len(site.base) :]]
    first = fetcher.fetch(url)
    assert first.status == "fetched" and first.status_code == 200
    assert first.etag and first.last_modified
    assert b"<article>" in first.body
    again = fetcher.fetch(url, etag=first.etag, last_modified=first.last_modified)
    assert again.status == "unchanged" and again.status_code == 304 and again.body == b""
    assert site.bodies["/articles/0.html"] == before + 1  # the 304 sent no body
    assert DEFAULT_USER_AGENT in site.agents


def test_redirect_gives_the_final_url(site: LocalSite, fetcher: Fetcher) -> None:
    result = fetcher.fetch(site.url("/moved/2"))
    assert result.url == site.url("/moved/2")
    assert result.final_url == site.url("/articles/2.html")
    assert result.redirects == (site.url("/articles/2.html"),)


def test_redirect_loop_is_an_error_not_a_hang(site: LocalSite, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match="redirect loop") as info:
        fetcher.fetch(site.url("/loop"))
    assert not info.value.transient


def test_too_many_redirects(site: LocalSite) -> None:
    chain = site.url("/articles/1.html")
    for _ in range(4):
        chain = site.url("/to?u=" + quote(chain, safe=""))
    with (
        Fetcher(FetchPolicy(host_delay=0, retries=0, max_redirects=2)) as f,
        pytest.raises(FetchError, match="more than 2 redirects"),
    ):
        f.fetch(chain)
    with Fetcher(FetchPolicy(host_delay=0, retries=0, max_redirects=5)) as f:
        assert f.fetch(chain).final_url == site.url("/articles/1.html")


def test_50_mb_response_stops_at_the_cap(site: LocalSite) -> None:
    with (
        Fetcher(FetchPolicy(host_delay=0, retries=0, max_bytes=2_000_000)) as f,
        pytest.raises(FetchError, match="too large: .* sent more than 2,000,000 bytes"),
    ):
        f.fetch(site.url("/big"))
        with pytest.raises(FetchError, match="declares 50,000,000 bytes"):
            f.fetch(site.url("/big-declared"))


def test_slow_host_times_out_and_is_retried_with_backoff(site: LocalSite) -> None:
    waits: list[float] = []
    site.slow_seconds = 2.0
    policy = FetchPolicy(host_delay=0, read_timeout=0.3, retries=2, backoff=0.5)
    before = site.hits["/slow"]
    with (
        Fetcher(policy, sleep=waits.append) as f,
        pytest.raises(FetchError, match="timed out") as info,
    ):
        f.fetch(site.url("/slow"))
    assert info.value.transient
    assert site.hits["/slow"] - before == 3  # the first try and two retries
    assert waits == [0.5, 1.0]  # exponential back-off between them


def test_a_trickling_server_meets_the_total_time_limit(site: LocalSite) -> None:
    """Bytes arrive often enough to beat the read timeout; the total limit still ends it."""
    policy = FetchPolicy(host_delay=0, retries=0, read_timeout=2.0, total_timeout=0.5)
    with Fetcher(policy) as f, pytest.raises(FetchError, match="longer than the fetch limit"):
        f.fetch(site.url("/trickle"))


def test_server_error_is_retried_then_reported(site: LocalSite) -> None:
    before = site.hits["/error500"]
    with (
        Fetcher(FetchPolicy(host_delay=0, retries=1, backoff=0), sleep=lambda s: None) as f,
        pytest.raises(FetchError, match="HTTP 500") as info,
    ):
        f.fetch(site.url("/error500"))
    assert info.value.transient and info.value.status_code == 500
    assert site.hits["/error500"] - before == 2


def test_not_found_is_not_retried(site: LocalSite, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match="HTTP 404") as info:
        fetcher.fetch(site.url("/articles/99.html"))
    assert not info.value.transient


def test_down_host(fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match="cannot connect") as info:
        fetcher.fetch(f"http://127.0.0.1:{free_port()}/feed.xml")
    assert info.value.transient


def test_robots_txt_disallow_is_respected(site: LocalSite, fetcher: Fetcher) -> None:
    with pytest.raises(RobotsDisallowed):
        fetcher.fetch(site.url("/private/secret.html"))
    assert site.hits["/private/secret.html"] == 0
    with pytest.raises(RobotsDisallowed):  # a redirect into a disallowed path, too
        fetcher.fetch(site.url("/to?u=/private/secret.html"))
    assert site.hits["/private/secret.html"] == 0
    assert site.hits["/robots.txt"] >= 1


def test_per_host_delay_waits_between_requests(site: LocalSite) -> None:
    now = [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    with Fetcher(FetchPolicy(host_delay=5.0, retries=0), sleep=sleep, clock=lambda: now[0]) as f:
        f.fetch(site.url("/articles/0.html"))  # robots.txt first, then the page: one wait
        f.fetch(site.url("/articles/1.html"))
    assert waits == [5.0, 5.0]


def test_only_http_urls(fetcher: Fetcher) -> None:
    for bad in ("file:///etc/passwd", "ftp://example.org/x", "http://", "javascript:alert(1)"):
        with pytest.raises(FetchError, match="only http and https|not a valid URL"):
            fetcher.fetch(bad)


# -- the address guard (SSRF) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.5.6.7",
        "10.0.0.1",
        "172.16.3.4",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # shared address space
        "0.0.0.0",
        "224.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
    ],
)
def test_private_addresses_are_refused(address: str) -> None:
    assert address_refused(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    assert address_refused(ipaddress.ip_address(address)) is None


def test_guard_refuses_loopback_before_connecting(site: LocalSite) -> None:
    before = sum(site.hits.values())
    with (
        Fetcher(FetchPolicy(block_private=True, host_delay=0, retries=0)) as f,
        pytest.raises(BlockedAddress, match="127.0.0.1 .*loopback"),
    ):
        f.fetch(site.url("/articles/0.html"))
        # a name is resolved first, then every address it has is checked
        with pytest.raises(BlockedAddress, match="localhost resolves to"):
            f.fetch(f"http://localhost:{site.port}/articles/0.html")
        for literal in (
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.1/",
            "http://[::1]/",
        ):
            with pytest.raises(BlockedAddress):
                f.fetch(literal)
    assert sum(site.hits.values()) == before  # nothing reached the site


def test_guard_resolves_names_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    """A public-looking name that DNS answers with a private address is refused."""
    real = socket.getaddrinfo

    def fake(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "news.rebind.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    with (
        Fetcher(FetchPolicy(block_private=True, host_delay=0, retries=0)) as f,
        pytest.raises(BlockedAddress, match="news.rebind.test resolves to 10.1.2.3"),
    ):
        f.fetch("http://news.rebind.test/story.html")


def test_allow_list_lets_a_test_server_through_but_not_a_redirect_elsewhere(
    site: LocalSite,
) -> None:
    policy = FetchPolicy(
        block_private=True, allow_networks=("127.0.0.1/32",), host_delay=0, retries=0
    )
    with Fetcher(policy) as f:
        assert f.fetch(site.url("/articles/0.html")).status == "fetched"
        for target in (
            f"http://127.0.0.2:{site.port}/articles/1.html",  # loopback, not on the list
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]/",
        ):
            with pytest.raises(BlockedAddress):
                f.fetch(site.url("/to?u=" + quote(target, safe="")))


def test_bad_allow_list_is_an_error() -> None:
    with pytest.raises(FetchError, match="allow_networks"):
        Fetcher(FetchPolicy(block_private=True, allow_networks=("not-a-net",)))


# -- feeds and sitemaps -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/feed.xml", "/atom.xml", "/sitemap.xml"])
def test_feeds_and_sitemaps_list_the_articles(site: LocalSite, fetcher: Fetcher, path: str) -> None:
    result = fetcher.fetch(site.url(path))
    entries = parse_feed(result.body, result.final_url)
    assert [e.url for e in entries] == site.article_urls()
    assert all(e.published and e.published.startswith(("2019", "2020")) for e in entries)


def test_sitemap_index_is_followed(site: LocalSite, fetcher: Fetcher) -> None:
    source = WebSource(fetcher)
    entries = source.feed_entries([site.url("/sitemap-index.xml")])
    assert [e.url for e in entries] == site.article_urls()
    assert source.tally["feeds read"] == 2


def test_garbage_is_not_a_feed() -> None:
    for body in (
        b"",
        b"\x00\x01garbage",
        b"<html><body>hello</body></html>",
        b"\x1f\x8b\x08broken",
    ):
        with pytest.raises(FetchError):
            parse_feed(body, "http://example.org/feed")


def test_sitemap_entity_bomb_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b"<urlset><url><loc>&lol2;</loc></url></urlset>"
    )
    with pytest.raises(FetchError):
        parse_sitemap(bomb)


def test_google_news_sitemap_dates() -> None:
    body = (
        b"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9' "
        b"xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'><url>"
        b"<loc>http://example.org/a</loc><lastmod>2024-05-02</lastmod><news:news>"
        b"<news:publication_date>2024-05-01</news:publication_date>"
        b"<news:title>A story</news:title></news:news></url></urlset>"
    )
    assert parse_feed(body, "http://example.org/") == [
        FeedEntry("http://example.org/a", "A story", "2024-05-01")
    ]


# -- sources ------------------------------------------------------------------------------------------


def test_urls_are_normalised_for_ids() -> None:
    a = normalise_url("HTTP://Example.ORG/story?id=4&utm_source=x#top")
    assert a == "http://example.org/story?id=4"
    assert article_id_for("http://example.org/story?id=4&utm_medium=rss") == article_id_for(
        "http://EXAMPLE.org/story?id=4"
    )


def test_backoff_waits_longer_after_each_failure() -> None:
    backoff = Backoff(cap=5)
    waits = [backoff.failed("u", r) for r in range(5)]
    assert waits == [1, 2, 4, 5, 5]
    assert backoff.due("u", 4) is False
    backoff.succeeded("u")
    assert backoff.due("u", 4) is True


def test_source_skips_disallowed_and_reports_failures(site: LocalSite, fetcher: Fetcher) -> None:
    source = WebSource(fetcher)
    down = f"http://127.0.0.1:{free_port()}/x.html"
    items = list(
        source.articles(
            [
                site.url("/articles/0.html"),
                site.url("/private/secret.html"),
                down,
                site.url("/garbage"),
            ]
        )
    )
    kinds = [type(i).__name__ for i in items]
    assert kinds == ["Article", "Failure", "Failure"]
    article = items[0]
    assert article.url == site.url("/articles/0.html") and article.source == article.url
    assert article.title == ARTICLES[0]["title"]
    assert "Pelosi" in article.text
    assert source.tally["disallowed"] == 1
    assert source.tally["failed"] == 1 and source.tally["unreadable"] == 1
