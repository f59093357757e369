"""Web pages as Articles: fetched, remembered in the store, never stored twice.

A fetched page becomes an Article whose id is a hash of its final URL (after redirects), whose
``url`` is the URL asked for and whose ``source`` is the final URL. The store's ``fetched_pages``
table remembers, per URL asked for, the final URL, the article it became, its ETag and
Last-Modified and a hash of its bytes. The next fetch of that URL sends the validators (only when
the article is still stored), so an unchanged page answers 304 and is not downloaded again; a
server that ignores validators but sends the same bytes is also counted unchanged, without
extraction. A page's row is written only after its article is stored, so a page whose extraction
failed or was interrupted is fetched again next time.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from quotetrace.errors import FetchError, RobotsDisallowed, StoreError, UnreadableArticle
from quotetrace.fetch.client import Fetcher, FetchResult
from quotetrace.fetch.feeds import FeedEntry, parse_feed
from quotetrace.model import Article, Failure, content_hash

_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid")
HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_SITEMAP_DEPTH = 2


def is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def normalise_url(url: str) -> str:
    """The URL without fragment and tracking parameters, host in lower case."""
    parts = urlsplit(url.strip())
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING)
    ]
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", urlencode(query), "")
    )


def article_id_for(final_url: str) -> str:
    return "web-" + content_hash(normalise_url(final_url), length=16)


def article_from_result(result: FetchResult, entry: FeedEntry | None = None) -> Article:
    """The Article in a fetched page (HTML or plain text). UnreadableArticle otherwise."""
    from quotetrace.ingest import article_from_html, article_from_text, decode_bytes
    from quotetrace.ingest.html import looks_like_html

    article_id = article_id_for(result.final_url)
    media = result.media_type
    title = entry.title if entry else None
    if media in HTML_TYPES or (not media and looks_like_html(result.body[:4096].decode("latin-1"))):
        article = article_from_html(
            result.body, id=article_id, url=result.url, source=result.final_url
        )
    elif media == "text/plain":
        article = article_from_text(
            decode_bytes(result.body), id=article_id, url=result.url, source=result.final_url
        )
    else:
        raise UnreadableArticle(f"not an article: content type {media or 'unknown'}")
    # the page's own metadata wins; the feed fills what it lacks
    if title and not article.title:
        article = replace(article, title=title)
    if entry and entry.published and not article.published:
        article = replace(article, published=entry.published)
    return replace(article, url=result.url, source=result.final_url)


# -- the fetched_pages table -----------------------------------------------------------------------


@dataclass(frozen=True)
class PageRecord:
    url: str
    final_url: str
    article_id: str | None
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    fetched_at: str


def load_pages(conn: sqlite3.Connection) -> dict[str, PageRecord]:
    rows = conn.execute(
        "SELECT url, final_url, article_id, etag, last_modified, content_hash, fetched_at "
        "FROM fetched_pages"
    )
    return {row[0]: PageRecord(*row) for row in rows}


def remember(conn: sqlite3.Connection, record: PageRecord) -> None:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    try:
        conn.execute(
            "INSERT INTO fetched_pages(url, final_url, article_id, etag, last_modified, "
            "content_hash, fetched_at, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(url) DO UPDATE SET final_url = excluded.final_url, "
            "article_id = excluded.article_id, etag = excluded.etag, "
            "last_modified = excluded.last_modified, content_hash = excluded.content_hash, "
            "fetched_at = excluded.fetched_at, checked_at = excluded.checked_at",
            (
                record.url,
                record.final_url,
                record.article_id,
                record.etag,
                record.last_modified,
                record.content_hash,
                record.fetched_at,
                now,
            ),
        )
    except sqlite3.Error as exc:
        raise StoreError(f"cannot remember the fetch of {record.url}: {exc}") from exc


# -- back-off ------------------------------------------------------------------------------------


class Backoff:
    """Which failing URLs to try in this round: after n failures in a row a URL sits out
    2**(n-1) rounds (1, 2, 4, 8, ... at most ``cap``) before its next try; within a round the
    fetcher has already retried transient errors."""

    def __init__(self, cap: int = 31) -> None:
        self.cap = cap
        self.failures: Counter[str] = Counter()
        self.next_round: dict[str, int] = {}

    def due(self, key: str, round_: int) -> bool:
        return self.next_round.get(key, 0) <= round_

    def failed(self, key: str, round_: int) -> int:
        """Note a failure; returns the number of rounds the URL now waits."""
        self.failures[key] += 1
        wait: int = min(2 ** (self.failures[key] - 1), self.cap)
        self.next_round[key] = round_ + wait + 1
        return wait

    def succeeded(self, key: str) -> None:
        self.failures.pop(key, None)
        self.next_round.pop(key, None)


@dataclass(frozen=True)
class FeedState:
    """A feed's validators and links from its last read, kept between rounds of ``watch`` (in
    memory: after a restart every feed is read in full once)."""

    etag: str | None
    last_modified: str | None
    entries: list[FeedEntry]


# -- the source ----------------------------------------------------------------------------------


class WebSource:
    """Articles from URLs and feeds, through one Fetcher.

    ``pages``: the store's fetched_pages rows; ``stored``: ids of the articles in the store (only
    those are fetched conditionally). ``feeds``: FeedState by feed URL, to read feeds
    conditionally (a 304 reuses the links read before). ``tally`` counts pages fetched, unchanged
    (304, or the same bytes), failed and disallowed, and feeds read, unchanged and failed. Call ``stored_ok(article_id)``
    after an article has been stored to get the row to ``remember``.
    """

    def __init__(
        self,
        fetcher: Fetcher,
        pages: dict[str, PageRecord] | None = None,
        stored: Iterable[str] = (),
        *,
        log: Callable[[str], None] | None = None,
        backoff: Backoff | None = None,
        round_: int = 0,
        feeds: dict[str, FeedState] | None = None,
    ) -> None:
        self.fetcher = fetcher
        self.pages = dict(pages or {})
        self.stored = set(stored)
        self.log = log or (lambda message: None)
        self.backoff = backoff
        self.round = round_
        self.feeds = feeds if feeds is not None else {}
        self.tally: Counter[str] = Counter()
        self.pending: dict[str, list[PageRecord]] = {}
        self.touched: list[PageRecord] = []
        self.failed_urls: list[str] = []

    def _due(self, url: str) -> bool:
        if self.backoff is None or self.backoff.due(url, self.round):
            return True
        self.tally["backing off"] += 1
        return False

    def _failed(self, url: str, exc: Exception) -> None:
        self.failed_urls.append(url)
        if self.backoff is not None:
            wait = self.backoff.failed(url, self.round)
            self.log(f"failed: {url}: {exc} (sits out {wait} round(s))")
        else:
            self.log(f"failed: {url}: {exc}")

    def feed_entries(self, feeds: Iterable[str]) -> list[FeedEntry]:
        """Article links of every feed or sitemap, in order, each once; a feed that fails is
        logged and counted (``feeds failed``), the others go on."""
        seen: set[str] = set()
        out: list[FeedEntry] = []
        queue = [(url, 0) for url in feeds]
        while queue:
            url, depth = queue.pop(0)
            if not self._due(url):
                continue
            cached = self.feeds.get(url)
            try:
                result = self.fetcher.fetch(
                    url,
                    etag=cached.etag if cached else None,
                    last_modified=cached.last_modified if cached else None,
                )
                if result.status == "unchanged" and cached is not None:
                    entries = cached.entries
                    self.tally["feeds unchanged"] += 1
                else:
                    entries = parse_feed(result.body, result.final_url)
                    self.feeds[url] = FeedState(result.etag, result.last_modified, entries)
                    self.tally["feeds read"] += 1
            except FetchError as exc:
                self.tally["feeds failed"] += 1
                self._failed(url, exc)
                continue
            if self.backoff is not None:
                self.backoff.succeeded(url)
            for entry in entries:
                if entry.kind == "sitemap":
                    if depth < MAX_SITEMAP_DEPTH:
                        queue.append((entry.url, depth + 1))
                    continue
                key = normalise_url(entry.url)
                if key not in seen:
                    seen.add(key)
                    out.append(entry)
        return out

    def feed_articles(self, feeds: Iterable[str]) -> Iterator[Article | Failure]:
        """``articles`` of every feed's entries; the feeds are read when this is first iterated."""
        yield from self.articles(self.feed_entries(feeds))

    def articles(self, items: Iterable[str | FeedEntry]) -> Iterator[Article | Failure]:
        """An Article (or Failure) for every URL that is new or changed; unchanged pages yield
        nothing (counted in ``tally["unchanged"]``). The same URL twice is fetched once."""
        seen: set[str] = set()
        for item in items:
            entry = item if isinstance(item, FeedEntry) else FeedEntry(item)
            url = entry.url
            key = normalise_url(url) if url.lower().startswith(("http://", "https://")) else url
            if key in seen or not self._due(url):
                continue
            seen.add(key)
            got = self._one(url, entry)
            if got is not None:
                yield got

    def _one(self, url: str, entry: FeedEntry) -> Article | Failure | None:
        known = self.pages.get(url)
        usable = known is not None and known.article_id in self.stored
        try:
            result = self.fetcher.fetch(
                url,
                etag=known.etag if usable and known else None,
                last_modified=known.last_modified if usable and known else None,
            )
        except RobotsDisallowed as exc:
            self.tally["disallowed"] += 1
            self.log(f"skipped: {exc}")
            return None
        except FetchError as exc:
            self.tally["failed"] += 1
            self._failed(url, exc)
            return Failure(url, str(exc), url)
        if result.status == "unchanged" and known is not None:
            self.tally["unchanged"] += 1
            self.log(f"unchanged (304): {url}")
            return None
        digest = content_hash(result.final_url, result.body.decode("latin-1"))
        record = PageRecord(
            url,
            result.final_url,
            None,
            result.etag,
            result.last_modified,
            digest,
            result.fetched_at,
        )
        if usable and known is not None and known.content_hash == digest:
            self.tally["unchanged"] += 1
            self.log(f"unchanged (same bytes): {url}")
            self.touched.append(replace(record, article_id=known.article_id))
            return None
        self.tally["fetched"] += 1
        try:
            article = article_from_result(result, entry)
        except UnreadableArticle as exc:
            self.tally["unreadable"] += 1
            self._failed(url, exc)
            return Failure(article_id_for(result.final_url), str(exc), result.final_url)
        if self.backoff is not None:
            self.backoff.succeeded(url)
        self.log(f"fetched: {url}" + (f" -> {result.final_url}" if result.redirects else ""))
        self.pending.setdefault(article.id, []).append(replace(record, article_id=article.id))
        return article

    def stored_ok(self, article_id: str) -> list[PageRecord]:
        """The rows to remember now that ``article_id`` is stored."""
        records = self.pending.pop(article_id, [])
        if records:
            self.stored.add(article_id)
        return records

    def flush(self) -> list[PageRecord]:
        """Rows of pages found unchanged by their bytes (their articles are stored already)."""
        out, self.touched = self.touched, []
        return out
