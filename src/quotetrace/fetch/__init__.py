"""Fetching pages, feeds and sitemaps from the web (only when a command is given a URL).

``client``: one URL, politely and safely (robots.txt, per-host delay, caps, conditional requests,
an address guard); ``feeds``: article links from RSS/Atom and sitemaps; ``sources``: pages as
Articles, remembered in the store so that nothing is fetched or stored twice; ``watch``: URL
inputs beside local paths and one ``watch`` round. The command-line side (fetch flags, ``--feed``,
``watch``) is ``quotetrace.cli.fetch``.
"""

from quotetrace.fetch.client import DEFAULT_USER_AGENT, Fetcher, FetchPolicy, FetchResult
from quotetrace.fetch.feeds import FeedEntry, parse_feed
from quotetrace.fetch.sources import WebSource, article_from_result, is_url

__all__ = [
    "DEFAULT_USER_AGENT",
    "FeedEntry",
    "FetchPolicy",
    "FetchResult",
    "Fetcher",
    "WebSource",
    "article_from_result",
    "is_url",
    "parse_feed",
]
