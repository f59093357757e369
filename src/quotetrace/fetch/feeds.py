"""Feeds and sitemaps: the article links in them.

RSS and Atom go through feedparser (every RSS version, Atom 0.3 and 1.0, broken feeds read as far
as they go). Sitemaps (``<urlset>``, ``<sitemapindex>``, Google News sitemaps, gzipped or not) are
read with the standard library's XML parser behind defusedxml, which refuses entity expansion
bombs and external entities: sitemap libraries fetch the sitemaps themselves with their own HTTP
client, which would bypass the fetcher's robots.txt, size caps and address guard.
"""

from __future__ import annotations

import gzip
import io
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from quotetrace.errors import FetchError

MAX_ENTRIES = 5000  # links read from one feed or sitemap
MAX_SITEMAP_BYTES = 50_000_000  # the sitemap protocol's own limit, after decompression


@dataclass(frozen=True)
class FeedEntry:
    url: str
    title: str | None = None
    published: str | None = None  # ISO 8601 when the feed gives a date
    kind: Literal["article", "sitemap"] = "article"  # "sitemap": a child of a sitemap index


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _gunzip(body: bytes) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as fh:
            data = fh.read(MAX_SITEMAP_BYTES + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise FetchError(f"broken gzip data ({exc})") from exc
    if len(data) > MAX_SITEMAP_BYTES:
        raise FetchError(f"decompressed feed over {MAX_SITEMAP_BYTES:,} bytes")
    return data


def _xml_root(body: bytes) -> Any:
    """The root element, parsed by defusedxml; None when the body is not well-formed XML or
    uses what defusedxml refuses (entity declarations, external references)."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        return fromstring(body)
    except (ParseError, DefusedXmlException, ValueError):
        return None


def is_sitemap(body: bytes) -> bool:
    root = _xml_root(body)
    return root is not None and _local(root.tag) in ("urlset", "sitemapindex")


def parse_sitemap(body: bytes) -> list[FeedEntry]:
    """The links of a sitemap or sitemap index (children of an index have kind "sitemap")."""
    root = _xml_root(body)
    if root is None or _local(root.tag) not in ("urlset", "sitemapindex"):
        raise FetchError("not a readable sitemap")
    return _sitemap_entries(root)


def _sitemap_entries(root: Any) -> list[FeedEntry]:
    index = _local(root.tag) == "sitemapindex"
    entries: list[FeedEntry] = []
    for item in root:
        if _local(item.tag) not in ("url", "sitemap"):
            continue
        loc = title = published = None
        for child in item.iter():
            name = _local(child.tag)
            text = (child.text or "").strip()
            if name == "loc" and loc is None:
                loc = text
            elif name == "publication_date" and text:
                published = text  # Google News sitemaps: the article's own date wins
            elif name == "lastmod" and text and published is None:
                published = text
            elif name == "title" and text:
                title = text
        if loc:
            kind: Literal["article", "sitemap"] = "sitemap" if index else "article"
            entries.append(FeedEntry(loc, title, published, kind))
        if len(entries) >= MAX_ENTRIES:
            break
    return entries


def _iso(parsed: Any) -> str | None:
    if not parsed:
        return None
    try:
        year, month, day, hour, minute, second = parsed[:6]
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC).isoformat()
    except (TypeError, ValueError):
        return None


def parse_rss_atom(body: bytes, base_url: str) -> list[FeedEntry]:
    """The entries of an RSS or Atom feed; FetchError when it is not a feed."""
    import feedparser

    parsed = feedparser.parse(body, response_headers={"content-location": base_url})
    entries: list[FeedEntry] = []
    for entry in parsed.entries[:MAX_ENTRIES]:
        link = entry.get("link")
        if not link:
            continue
        published = _iso(entry.get("published_parsed") or entry.get("updated_parsed"))
        entries.append(FeedEntry(str(link), entry.get("title"), published))
    if not entries and (parsed.bozo or not parsed.get("version")):
        reason = parsed.get("bozo_exception") or "no entries"
        raise FetchError(f"not a readable RSS/Atom feed or sitemap ({reason})")
    return entries


def parse_feed(body: bytes, base_url: str) -> list[FeedEntry]:
    """Links from an RSS/Atom feed or a sitemap (by what the body is, not what it is called)."""
    if body[:2] == b"\x1f\x8b":
        body = _gunzip(body)
    root = _xml_root(body)
    if root is not None and _local(root.tag) in ("urlset", "sitemapindex"):
        return _sitemap_entries(root)
    return parse_rss_atom(body, base_url)
