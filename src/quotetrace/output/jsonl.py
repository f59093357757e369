"""FORMAT.md §2: one JSON object per article. This schema is a contract that others score."""

from __future__ import annotations

import json
from typing import Any

from quotetrace.model import (
    Article,
    Document,
    Entity,
    Finding,
    Occasion,
    Party,
    Quote,
    SaidOn,
    Spans,
)
from quotetrace.safety import lone_surrogate


def _spans(spans: Spans) -> list[list[int]]:
    return [[start, end] for start, end in spans]


def _party(party: Party | None) -> dict[str, Any] | None:
    if party is None:
        return None
    return {"mention": _spans(party.mention), "name": party.name, "entity": party.entity}


def _occasion(occasion: Occasion | None) -> dict[str, Any] | None:
    if occasion is None:
        return None
    return {"type": occasion.type, "with": occasion.with_, "mention": _spans(occasion.mention)}


def _said_on(said_on: SaidOn | None) -> dict[str, Any] | None:
    if said_on is None:
        return None
    return {"date": said_on.date, "text": said_on.text, "mention": _spans(said_on.mention)}


def quote_to_dict(quote: Quote) -> dict[str, Any]:
    return {
        "id": quote.id,
        "type": quote.type,
        "content": _spans(quote.content),
        "text": quote.text,
        "cue": _spans(quote.cue),
        "speaker": _party(quote.speaker),
        "addressee": _party(quote.addressee),
        "parent": quote.parent,
        "hedge": quote.hedge,
        "kind": quote.kind,
        "occasion": _occasion(quote.occasion),
        "said_on": _said_on(quote.said_on),
        "confidence": round(quote.confidence, 3),
        "evidence": quote.evidence,
    }


def entity_to_dict(entity: Entity) -> dict[str, Any]:
    return {
        "id": entity.id,
        "name": entity.name,
        "label": entity.label,
        "mentions": _spans(entity.mentions),
    }


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    return {
        "type": finding.type,
        "message": finding.message,
        "source": finding.source,
        "spans": _spans(finding.spans),
    }


def article_meta(article: Article) -> dict[str, Any]:
    return {
        "title": article.title,
        "author": article.author,
        "published": article.published,
        "url": article.url,
        "outlet": article.outlet,
    }


def document_to_dict(doc: Document, *, include_text: bool | None = None) -> dict[str, Any]:
    """The §2 object. The text is included for HTML input (offsets refer to it) or on request."""
    article = doc.article
    out: dict[str, Any] = {"id": article.id, **article_meta(article)}
    if include_text or (include_text is None and article.from_html):
        out["text"] = article.text
    out["quotes"] = [quote_to_dict(q) for q in doc.quotes]
    out["entities"] = [entity_to_dict(e) for e in doc.entities]
    out["findings"] = [finding_to_dict(f) for f in doc.findings]
    out["error"] = doc.error
    return out


def dumps(doc: Document, *, include_text: bool | None = None) -> str:
    """One output line. Readable UTF-8; a line that would hold a lone surrogate (an id or title
    given that way through the Python API) is written with ``\\u`` escapes, still valid JSON."""
    obj = document_to_dict(doc, include_text=include_text)
    line = json.dumps(obj, ensure_ascii=False)
    if lone_surrogate(line) is not None:
        line = json.dumps(obj)
    return line
