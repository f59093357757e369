"""A news site on 127.0.0.1 for the fetching tests: pages, feeds, a sitemap and misbehaviour.

``LocalSite(articles)`` serves, from a thread, with ``http.server``:

  /robots.txt              Disallow: /private/
  /articles/N.html         article N as an HTML page (ETag and Last-Modified; 304 when they match)
  /changing.html           a page whose text changes when ``site.version`` is raised (or on the
                           ``change_at_hit``-th request)
  /feed.xml, /atom.xml     RSS 2.0 and Atom feeds of the articles (and ``extra_links``)
  /sitemap.xml             a sitemap of the articles; /sitemap-index.xml points to it
  /slow                    answers after ``slow_seconds``; /trickle: a byte every now and then
  /big                     streams 50 MB (no Content-Length); /big-declared declares 50 MB
  /loop                    a redirect loop (/loop -> /loop2 -> /loop)
  /moved/N                 302 to /articles/N.html; /to?u=URL: 302 to URL
  /garbage                 random bytes labelled text/html
  /error500                always 500
  /private/secret.html     disallowed by robots.txt

Every request is counted in ``site.hits[path]`` and every full body sent in ``site.bodies[path]``
(a 304 is a hit, not a body), so tests can tell what was fetched and what was skipped.
"""

from __future__ import annotations

import hashlib
import html
import os
import socket
import threading
import time
from collections import Counter
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote
from xml.sax.saxutils import escape

BIG_BYTES = 50_000_000
LAST_MODIFIED = formatdate(1_700_000_000, usegmt=True)


def article_page(article: dict[str, Any]) -> str:
    paras = [p for p in article["text"].split("\n\n") if p.strip()]
    title = article.get("title") or paras[0]
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paras)
    published = article.get("published") or "2024-01-01"
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>"
        f"<meta property='article:published_time' content='{published}'>"
        "<meta property='og:site_name' content='Local Herald'>"
        f"</head><body><nav><a href='/'>Home</a></nav><article><h1>{html.escape(title)}</h1>"
        f"{body}</article><footer>Local Herald</footer></body></html>"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that hang up at their caps and timeouts are what the tests are about


class LocalSite:
    def __init__(
        self,
        articles: list[dict[str, Any]],
        *,
        changing: list[str] | None = None,
        extra_links: list[str] | None = None,
    ) -> None:
        self.articles = articles
        self.changing = changing or [
            "Town Hall Reopens\n\nThe town hall will reopen on Monday, mayor Ana Ortiz said.",
            "Town Hall Reopens Later\n\nThe town hall will reopen on Friday, mayor Ana Ortiz "
            'said on Tuesday. "The repairs took longer than we hoped," she told reporters.',
        ]
        self.version = 0
        self.change_at_hit: int | None = None  # the changing page changes on this request
        self.extra_links = extra_links or []
        self.slow_seconds = 3.0
        self.hits: Counter[str] = Counter()
        self.bodies: Counter[str] = Counter()
        self.agents: set[str] = set()
        self.server = _QuietServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LocalSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def article_urls(self) -> list[str]:
        return [self.url(f"/articles/{i}.html") for i in range(len(self.articles))]

    # -- documents ------------------------------------------------------------------------------

    def links(self) -> list[tuple[str, str, str]]:
        out = [
            (self.url(f"/articles/{i}.html"), a.get("title") or a["id"], a.get("published") or "")
            for i, a in enumerate(self.articles)
        ]
        return out + [(link, link.rsplit("/", 1)[-1], "") for link in self.extra_links]

    def rss(self) -> str:
        items = "".join(
            f"<item><title>{escape(t)}</title><link>{escape(u)}</link><guid>{escape(u)}</guid>"
            + (
                f"<pubDate>{formatdate(time.mktime(time.strptime(d[:10], '%Y-%m-%d')), usegmt=True)}</pubDate>"
                if d
                else ""
            )
            + "</item>"
            for u, t, d in self.links()
        )
        return (
            "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
            f"<title>Local Herald</title><link>{self.base}/</link>"
            f"<description>test feed</description>{items}</channel></rss>"
        )

    def atom(self) -> str:
        entries = "".join(
            f"<entry><title>{escape(t)}</title><link href='{escape(u)}'/><id>{escape(u)}</id>"
            f"<updated>{(d or '2024-01-01')[:10]}T12:00:00Z</updated></entry>"
            for u, t, d in self.links()
        )
        return (
            "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
            f"<title>Local Herald</title><id>{self.base}/</id>"
            f"<updated>2024-01-01T12:00:00Z</updated>{entries}</feed>"
        )

    def sitemap(self) -> str:
        urls = "".join(
            f"<url><loc>{escape(u)}</loc>"
            + (f"<lastmod>{d[:10]}</lastmod>" if d else "")
            + "</url>"
            for u, _, d in self.links()
        )
        return (
            "<?xml version='1.0' encoding='UTF-8'?>"
            f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{urls}</urlset>"
        )

    def sitemap_index(self) -> str:
        return (
            "<?xml version='1.0' encoding='UTF-8'?>"
            "<sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            f"<sitemap><loc>{self.base}/sitemap.xml</loc></sitemap></sitemapindex>"
        )

    # -- the handler ----------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _send(
                self,
                code: int,
                body: bytes = b"",
                ctype: str = "text/html; charset=utf-8",
                headers: dict[str, str] | None = None,
            ) -> None:
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                if body:
                    self.wfile.write(body)
                    site.bodies[self.path] += 1

            def _page(self, text: str, ctype: str = "text/html; charset=utf-8") -> None:
                body = text.encode("utf-8")
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self._send(200, body, ctype, {"ETag": etag, "Last-Modified": LAST_MODIFIED})

            def _redirect(self, where: str) -> None:
                self._send(302, b"", headers={"Location": where})

            def do_GET(self) -> None:  # noqa: N802
                path = self.path
                site.hits[path] += 1
                site.agents.add(self.headers.get("User-Agent", ""))
                if path == "/robots.txt":
                    self._send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
                elif path.startswith("/articles/") and path.endswith(".html"):
                    try:
                        article = site.articles[int(path[len("/articles/") : -len(".html")])]
                    except (ValueError, IndexError):
                        self._send(404, b"not found", "text/plain")
                        return
                    self._page(article_page(article))
                elif path == "/changing.html":
                    if site.change_at_hit is not None and site.hits[path] >= site.change_at_hit:
                        site.version = max(site.version, 1)
                    text = site.changing[min(site.version, len(site.changing) - 1)]
                    self._page(article_page({"id": "changing", "text": text}))
                elif path == "/feed.xml":
                    self._page(site.rss(), "application/rss+xml")
                elif path == "/atom.xml":
                    self._page(site.atom(), "application/atom+xml")
                elif path == "/sitemap.xml":
                    self._page(site.sitemap(), "application/xml")
                elif path == "/sitemap-index.xml":
                    self._page(site.sitemap_index(), "application/xml")
                elif path == "/slow":
                    time.sleep(site.slow_seconds)
                    self._page(article_page({"id": "slow", "text": "Late\n\nToo late."}))
                elif path == "/big":
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Connection", "close")
                    self.end_headers()
                    chunk = b"<p>" + b"x" * (1 << 20) + b"</p>"
                    sent = 0
                    try:
                        while sent < BIG_BYTES:
                            self.wfile.write(chunk)
                            sent += len(chunk)
                    except OSError:
                        pass  # the client hung up at its cap
                    self.close_connection = True
                elif path == "/trickle":
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Connection", "close")
                    self.end_headers()
                    try:
                        for _ in range(50):
                            self.wfile.write(b"<p>x</p>")
                            self.wfile.flush()
                            time.sleep(0.1)
                    except OSError:
                        pass
                    self.close_connection = True
                elif path == "/big-declared":
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(BIG_BYTES))
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.close_connection = True
                elif path == "/loop":
                    self._redirect("/loop2")
                elif path == "/loop2":
                    self._redirect("/loop")
                elif path.startswith("/to?u="):
                    self._redirect(unquote(path[len("/to?u=") :]))
                elif path.startswith("/moved/"):
                    self._redirect(f"/articles/{path[len('/moved/') :]}.html")
                elif path == "/garbage":
                    self._send(200, os.urandom(20_000), "text/html")
                elif path == "/error500":
                    self._send(500, b"server error", "text/plain")
                elif path.startswith("/private/"):
                    self._page(article_page({"id": "p", "text": "Secret\n\nNobody said it."}))
                else:
                    self._send(404, b"not found", "text/plain")

        return Handler
