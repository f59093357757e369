"""HTML pages: the article body and metadata through trafilatura, offline.

``Article.text`` is the extracted body, one block (paragraph, heading, list, quote, table) per
paragraph, blocks separated by a blank line; offsets refer to that text.
"""

from __future__ import annotations

import codecs
import os
import re
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

from quotetrace.errors import UnreadableArticle
from quotetrace.ingest.header import analyse_header
from quotetrace.ingest.text import check_file_size
from quotetrace.limits import DEFAULT_LIMITS, Limits, check_chars
from quotetrace.model import Article
from quotetrace.safety import check_unicode, path_name, printable

MAX_HTML_BYTES = DEFAULT_LIMITS.html_bytes
# trafilatura's full extraction grows faster than the page (1 MB 1.1 s, 2 MB 2.6 s, 4 MB 9.1 s;
# 30 MB did not finish in 25 minutes); above this size one linear pass over the page's blocks
# reads it instead (_Baseline).
MAX_FULL_EXTRACTION_CHARS = 3_000_000
_TITLE = re.compile(r"<title[^>]*>([^<]{1,500})</title>", re.IGNORECASE)

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE
)
_LOOKS_LIKE_HTML = re.compile(
    r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<article[\s>]|<p[\s>]", re.IGNORECASE
)


def looks_like_html(text: str) -> bool:
    """True when the start of ``text`` has an HTML doctype or one of the usual page tags."""
    return _LOOKS_LIKE_HTML.search(text[:4096]) is not None


def decode_html(data: bytes) -> str:
    """Decode page bytes: a BOM, else UTF-8, else the declared ``<meta charset>``, else guess."""
    if data.startswith(codecs.BOM_UTF8):
        return data.decode("utf-8-sig", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _META_CHARSET.search(data[:8192])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    best = from_bytes(data[:200_000]).best()
    return data.decode(best.encoding if best else "utf-8", errors="replace")


def _meta(value: str | None) -> str | None:
    return None if value is None else printable(value)


def _size_check(size: int, limits: Limits) -> None:
    check_file_size(size, limits.html_bytes, "--max-html-bytes", "HTML page")


def _block_text(body: Any) -> str:
    """The body tree as text, each top-level block its own paragraph."""
    from trafilatura.xml import xmltotxt

    blocks = []
    for child in body:
        block = xmltotxt(child, False).strip()
        if block:
            blocks.append(block)
    return "\n\n".join(blocks)


def _extract(html: str, url: str | None) -> Any:
    import trafilatura

    try:
        return trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            output_format="python",
        )
    except Exception as err:  # trafilatura and lxml raise many kinds on broken pages
        raise UnreadableArticle(f"HTML extraction failed ({type(err).__name__})") from err


class _Baseline:
    """A big page read in one linear pass: the page parsed by lxml (trafilatura's loader),
    scripts, styles, navigation, headers, footers, asides and forms dropped, then one paragraph
    per outermost block (p, h1-h6, li, blockquote, pre, td, dd, dt). Only the <title> is taken
    as metadata."""

    author = date = url = sitename = hostname = None

    def __init__(self, html: str) -> None:
        from html import unescape

        from trafilatura.utils import load_html

        try:
            tree = load_html(html)
            blocks = [] if tree is None else _blocks(tree)
        except Exception as err:  # lxml raises many kinds on broken pages
            raise UnreadableArticle(f"HTML extraction failed ({type(err).__name__})") from err
        self.text = "\n\n".join(blocks)
        found = _TITLE.search(html, 0, 200_000)
        self.title = (" ".join(unescape(found.group(1)).split()) or None) if found else None


_DROPPED = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "template")
_BLOCKS = frozenset("p h1 h2 h3 h4 h5 h6 li blockquote pre td dd dt".split())


def _blocks(tree: Any) -> list[str]:
    for element in list(tree.iter(*_DROPPED)):
        parent = element.getparent()
        if parent is not None:
            tail = element.tail
            parent.remove(element)
            if tail and tail.strip():  # the text after a dropped element stays
                previous = parent[-1] if len(parent) else None
                if previous is not None:
                    previous.tail = (previous.tail or "") + tail
                else:
                    parent.text = (parent.text or "") + tail
    out = []
    inside: set[Any] = set()  # blocks inside a block already taken (li > p): text is in there
    for element in tree.iter(*_BLOCKS):
        if element in inside:
            continue
        inside.update(element.iterdescendants(*_BLOCKS))  # outermost blocks are disjoint: linear
        text = " ".join(element.text_content().split())
        if text:
            out.append(text)
    return out


def article_from_html(
    html: str | bytes,
    *,
    id: str,
    url: str | None = None,
    title: str | None = None,
    author: str | None = None,
    published: str | None = None,
    outlet: str | None = None,
    source: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Article:
    """An Article from an HTML page; metadata given here wins over what the page says.

    Nothing is fetched: ``url`` only helps trafilatura with metadata. Raises UnreadableArticle
    for a page that is too large or has no article text.
    """
    if isinstance(html, bytes):
        _size_check(len(html), limits)
        html = decode_html(html)
    elif len(html) * 4 > limits.html_bytes:  # exact byte count only when it can matter
        _size_check(len(html.encode("utf-8", "surrogatepass")), limits)
    if not html.strip():
        raise UnreadableArticle("empty article")
    check_unicode(html, "HTML")

    if len(html) > MAX_FULL_EXTRACTION_CHARS:
        document = _Baseline(html)
        text = document.text
    else:
        document = _extract(html, url)
        if document is None or getattr(document, "body", None) is None:
            raise UnreadableArticle("no article text found in HTML")
        text = _block_text(document.body) or (document.text or "")
    if not any(char.isalnum() for char in text):
        raise UnreadableArticle("no article text found in HTML")
    check_chars(text, limits)

    header = analyse_header(text)
    return Article(
        id=printable(id),
        text=text,
        title=_meta(title) or document.title or header.title,
        author=_meta(author) or document.author or header.author,
        published=_meta(published) or document.date or header.published,
        url=_meta(url) or document.url,
        outlet=_meta(outlet) or document.sitename or document.hostname,
        source=source,
        boilerplate=header.boilerplate,
        from_html=True,
    )


def read_html_file(
    path: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS, *, id: str | None = None
) -> Article:
    """An HTML file as an Article; id = the file name without its extension."""
    path = Path(path)
    _size_check(path.stat().st_size, limits)
    return article_from_html(
        path.read_bytes(), id=id or path_name(path.stem), source=path_name(path), limits=limits
    )
