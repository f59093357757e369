"""A self-contained HTML report: the article with quotes highlighted by speaker. All text escaped."""

from __future__ import annotations

import colorsys
import html
from collections.abc import Iterable

from quotetrace.model import Document, Quote
from quotetrace.output.chains import chain_in_words


def speaker_colour(key: str, index: int) -> str:
    hue = (index * 0.618033988749895) % 1.0
    r, g, b = colorsys.hls_to_rgb(hue, 0.85, 0.75)
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"


def _innermost(quotes: list[Quote], pos: int) -> Quote | None:
    best = None
    best_len = None
    for q in quotes:
        for s, e in q.content:
            if s <= pos < e and (best_len is None or e - s < best_len):
                best, best_len = q, e - s
    return best


def highlighted_text(doc: Document, colours: dict[str, str]) -> str:
    """The article text with runs of the same innermost quote wrapped in <mark>."""
    text = doc.article.text
    quotes = list(doc.quotes)
    bounds = sorted({0, len(text), *(x for q in quotes for s, e in q.content for x in (s, e))})
    out = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        piece = html.escape(text[a:b])
        q = _innermost(quotes, a)
        if q is None:
            out.append(piece)
            continue
        key = q.speaker.name if q.speaker and q.speaker.name else "?"
        out.append(
            f'<mark class="q" data-q="{html.escape(q.id)}" title="{html.escape(key)}" '
            f'style="background:{colours.get(key, "#eee")}">{piece}</mark>'
        )
    return "".join(out)


def _cells(q: Quote, doc: Document) -> list[str]:
    occasion = ""
    if q.occasion is not None:
        occasion = q.occasion.type + (f" with {q.occasion.with_}" if q.occasion.with_ else "")
    said = (q.said_on.date or q.said_on.text) if q.said_on is not None else ""
    return [
        q.id,
        chain_in_words(q, doc.quotes),
        q.type,
        q.kind,
        occasion,
        said,
        q.hedge or "",
        " ".join(q.text.split())[:300],
    ]


def render(docs: Iterable[Document]) -> str:
    parts = []
    for doc in docs:
        names = []
        for q in doc.quotes:
            key = q.speaker.name if q.speaker and q.speaker.name else "?"
            if key not in names:
                names.append(key)
        colours = {n: speaker_colour(n, i) for i, n in enumerate(names)}
        legend = "".join(
            f'<span class="legend" style="background:{c}">{html.escape(n)}</span>'
            for n, c in colours.items()
        )
        rows = "".join(
            "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in _cells(q, doc)) + "</tr>"
            for q in doc.quotes
        )
        findings = "".join(f'<p class="finding">{html.escape(f.message)}</p>' for f in doc.findings)
        error = f'<p class="error">{html.escape(doc.error)}</p>' if doc.error else ""
        parts.append(
            f"<article><h2>{html.escape(doc.article.title or doc.article.id)}</h2>{error}{findings}"
            f'<div class="legend-row">{legend}</div>'
            f'<pre class="text">{highlighted_text(doc, colours)}</pre>'
            f"<table><tr><th>id</th><th>chain</th><th>type</th><th>kind</th><th>occasion</th><th>said</th><th>hedge</th><th>quote</th></tr>{rows}</table></article>"
        )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>quotetrace report</title><style>"
        "body{font-family:sans-serif;max-width:60em;margin:auto}pre.text{white-space:pre-wrap;"
        "font-family:Georgia,serif;line-height:1.6}mark.q{padding:0 1px;border-radius:3px}"
        ".legend{padding:2px 6px;margin-right:6px;border-radius:3px}.finding{color:#a40}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px;vertical-align:top}"
        "</style></head><body>" + "".join(parts) + "</body></html>"
    )
