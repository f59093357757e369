"""A plain-text table for people: each quote with its chain, nested quotes indented."""

from __future__ import annotations

import textwrap

from quotetrace.model import Document
from quotetrace.output.chains import ancestors, chain_in_words


def format_document(doc: Document, *, width: int = 100) -> str:
    article = doc.article
    head = article.title or article.id
    lines = [f"== {head}  [{article.id}]"]
    meta = [x for x in (article.outlet, article.author, article.published) if x]
    if meta:
        lines.append("   " + " · ".join(meta))
    if doc.error:
        lines.append(f"   error: {doc.error}")
        return "\n".join(lines)
    for finding in doc.findings:
        lines.append(f"   ! {finding.message}")
    if not doc.quotes:
        lines.append("   (no quotes found)")
    by_id = {q.id: q for q in doc.quotes}
    for q in doc.quotes:
        depth = len(ancestors(q, by_id))
        pad = "   " + "    " * depth
        cue = ", ".join(article.text[s:e] for s, e in q.cue) or "no cue"
        tags = [q.type, q.kind, cue]
        if q.hedge:
            tags.append(f"hedge: {q.hedge}")
        if q.occasion:
            tags.append(q.occasion.type + (f" with {q.occasion.with_}" if q.occasion.with_ else ""))
        if q.said_on:
            tags.append(f"said {q.said_on.date or q.said_on.text}")
        tags.append(f"conf {q.confidence:.2f}")
        lines.append(f"{pad}{q.id}  {chain_in_words(q, doc.quotes)}")
        lines.append(f"{pad}    [{'; '.join(tags)}]")
        body = " ".join(q.text.split())
        for piece in textwrap.wrap(f"“{body}”", width=max(40, width - len(pad) - 4))[:6]:
            lines.append(f"{pad}    {piece}")
    return "\n".join(lines)
