"""How article values become the store's values: strings SQLite keeps whole, sortable dates, JSON
columns and the content-hash ids of stored quotes (the Spark job writes the same ones)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from quotetrace.model import Document, content_hash

_SURROGATE = re.compile("[\ud800-\udfff]")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def sqlite_text(value: str | None) -> str | None:
    """A string SQLite stores whole: a lone surrogate or NUL becomes U+FFFD (offsets unchanged)."""
    return None if value is None else _SURROGATE.sub("\ufffd", value.replace("\x00", "\ufffd"))


def published_keys(value: str | None) -> tuple[str | None, str | None]:
    """(sortable ISO timestamp, YYYY-MM-DD) of a published value, or (None, None)."""
    if not value or not value.strip():
        return None, None
    raw = value.strip()
    if _ISO_DAY.match(raw):
        iso: str | None = raw
    else:
        from quotetrace.ingest.header import parse_date  # loads the HTML reader: only when needed

        iso = parse_date(raw)
    if not iso:
        return None, None
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso[:10], iso[:10]
    if moment.tzinfo is not None:
        iso = moment.astimezone(UTC).isoformat()
    return iso, iso[:10]


def stored_quote_ids(doc: Document) -> list[str]:
    """The store's ids of a document's quotes (content hashes: the same article gives the same
    ids; the Spark job writes them too)."""
    art = doc.article
    article_id = sqlite_text(art.id) or ""
    return [
        content_hash("quote", article_id, art.fingerprint, str(index), quote.id)
        for index, quote in enumerate(doc.quotes)
    ]


def json_column(value: Any) -> str | None:
    """A JSON text column (NULL for None)."""
    return None if value is None else json.dumps(value, ensure_ascii=False)
