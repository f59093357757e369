"""The Parquet schema of the Spark job's output, and the conversions to and from Documents.

An extracted article is one row of ``ARTICLE_ROW`` (article metadata, its text, and its quotes,
entities and findings as nested lists, the quotes exactly as FORMAT.md §2 writes them plus the
store's ids); the job writes three datasets from those rows: ``articles``, ``quotes`` (one row per
quote) and ``errors``. Every dataset is partitioned by ``month`` (``YYYY-MM`` of publication, or
``undated``). Nothing here imports PySpark.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa

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

UNDATED = "undated"

SPANS = pa.list_(pa.list_(pa.int32()))
PARTY = pa.struct([("mention", SPANS), ("name", pa.string()), ("entity", pa.string())])
OCCASION = pa.struct([("type", pa.string()), ("with", pa.string()), ("mention", SPANS)])
SAID_ON = pa.struct([("date", pa.string()), ("text", pa.string()), ("mention", SPANS)])
QUOTE_FIELDS = [
    ("quote_id", pa.string()),  # the store's id: a hash of article id, content and position
    ("id", pa.string()),  # the id within its article, as in FORMAT.md §2
    ("index", pa.int32()),  # its position in the article's list of quotes
    ("type", pa.string()),
    ("content", SPANS),
    ("text", pa.string()),
    ("cue", SPANS),
    ("speaker", PARTY),
    ("addressee", PARTY),
    ("parent", pa.string()),
    ("parent_id", pa.string()),  # the parent's store id
    ("hedge", pa.string()),
    ("kind", pa.string()),
    ("occasion", OCCASION),
    ("said_on", SAID_ON),
    ("confidence", pa.float64()),
    ("evidence", pa.string()),
]
QUOTE = pa.struct(QUOTE_FIELDS)
ENTITY = pa.struct(
    [("id", pa.string()), ("name", pa.string()), ("label", pa.string()), ("mentions", SPANS)]
)
FINDING = pa.struct(
    [("type", pa.string()), ("message", pa.string()), ("source", pa.string()), ("spans", SPANS)]
)
ARTICLE_FIELDS = [
    ("article_id", pa.string()),
    ("fingerprint", pa.string()),  # the store's content hash of the article
    ("source", pa.string()),  # file (and line or record) it was read from
    ("title", pa.string()),
    ("author", pa.string()),
    ("published", pa.string()),  # as given
    ("published_date", pa.string()),  # YYYY-MM-DD (UTC), when the date could be read
    ("url", pa.string()),
    ("outlet", pa.string()),
    ("from_html", pa.bool_()),
    ("text", pa.string()),  # what every offset refers to
    ("n_quotes", pa.int32()),
    # where the job read it: file (in the order the inputs were listed) and record in the file;
    # with the publication date this is the order load and cluster put articles in
    ("input_file", pa.int32()),
    ("input_record", pa.int32()),
    ("entities", pa.list_(ENTITY)),
    ("findings", pa.list_(FINDING)),
]
ARTICLE_ROW = pa.schema(
    [
        *ARTICLE_FIELDS,
        ("quotes", pa.list_(QUOTE)),
        ("error", pa.string()),  # why the article could not be processed (then no quotes)
        ("month", pa.string()),  # partition: YYYY-MM of publication, or "undated"
    ]
)
# The flat datasets as written (month is the partition column).
QUOTES = pa.schema(
    [
        *QUOTE_FIELDS,
        ("article_id", pa.string()),
        ("published", pa.string()),
        ("published_date", pa.string()),
        ("outlet", pa.string()),
        ("url", pa.string()),
        ("input_file", pa.int32()),
        ("input_record", pa.int32()),
        ("month", pa.string()),
    ]
)
ARTICLES = pa.schema([*ARTICLE_FIELDS, ("month", pa.string())])
ERRORS = pa.schema(
    [
        ("article_id", pa.string()),
        ("source", pa.string()),
        ("reason", pa.string()),
        ("month", pa.string()),
    ]
)


def month_of(published: str | None) -> tuple[str | None, str]:
    """(YYYY-MM-DD, partition month) of a published value, read as the store reads it."""
    from quotetrace.store.values import published_keys

    _, day = published_keys(published)
    return day, (day[:7] if day and len(day) >= 7 else UNDATED)


def document_row(doc: Document) -> dict[str, Any]:
    """One ``ARTICLE_ROW`` from an extracted (or failed) document."""
    from quotetrace.output.jsonl import document_to_dict
    from quotetrace.store import stored_quote_ids

    art = doc.article
    day, month = month_of(art.published)
    out = document_to_dict(doc)
    quotes = out["quotes"]
    ids = stored_quote_ids(doc)
    by_local: dict[str, str] = {}
    for quote, qid in zip(quotes, ids, strict=True):
        by_local.setdefault(quote["id"], qid)
    for index, (quote, qid) in enumerate(zip(quotes, ids, strict=True)):
        quote["quote_id"] = qid
        quote["index"] = index
        quote["parent_id"] = by_local.get(quote["parent"]) if quote["parent"] else None
    return {
        "article_id": art.id,
        "fingerprint": art.fingerprint,
        "source": art.source,
        "title": art.title,
        "author": art.author,
        "published": art.published,
        "published_date": day,
        "url": art.url,
        "outlet": art.outlet,
        "from_html": art.from_html,
        "text": art.text,
        "n_quotes": len(quotes),
        "entities": out["entities"],
        "findings": out["findings"],
        "quotes": quotes,
        "error": doc.error,
        "month": month,
    }


def error_row(article_id: str, reason: str, source: str | None) -> dict[str, Any]:
    """An ``ARTICLE_ROW`` for an article that could not be read or processed."""
    return {"article_id": article_id, "source": source, "error": reason, "month": UNDATED}


def input_order(row: dict[str, Any]) -> tuple[Any, ...]:
    """The order the store is filled in from the datasets: by publication day (undated last),
    then as the job read them."""
    day = row.get("published_date")
    return (day is None, day or "", row.get("input_file") or 0, row.get("input_record") or 0)


def record_batch(rows: Sequence[dict[str, Any]]) -> pa.RecordBatch:
    return pa.RecordBatch.from_pylist(list(rows), schema=ARTICLE_ROW)


# --- back to Documents (quotetrace load) ------------------------------------------------------


def _spans(value: Sequence[Sequence[int]] | None) -> Spans:
    return tuple((int(s), int(e)) for s, e in value or ())


def _party(value: dict[str, Any] | None) -> Party | None:
    if value is None:
        return None
    return Party(_spans(value.get("mention")), value.get("name"), value.get("entity"))


def quote_from_row(row: dict[str, Any]) -> Quote:
    occasion = row.get("occasion")
    said_on = row.get("said_on")
    return Quote(
        id=row["id"],
        type=row["type"],
        content=_spans(row["content"]),
        text=row["text"],
        cue=_spans(row.get("cue")),
        speaker=_party(row.get("speaker")),
        addressee=_party(row.get("addressee")),
        parent=row.get("parent"),
        hedge=row.get("hedge"),
        kind=row.get("kind") or "speech",
        occasion=(
            Occasion(occasion["type"], occasion.get("with"), _spans(occasion.get("mention")))
            if occasion
            else None
        ),
        said_on=(
            SaidOn(said_on.get("date"), said_on["text"], _spans(said_on.get("mention")))
            if said_on
            else None
        ),
        confidence=float(row.get("confidence") or 0.0),
        evidence=row.get("evidence") or "",
    )


def document_from_rows(article: dict[str, Any], quotes: Sequence[dict[str, Any]]) -> Document:
    """The Document an ``articles`` row and its ``quotes`` rows were written from.

    ValueError when the article's fingerprint or the quotes' ids do not match their content (rows
    edited, damaged or missing since the job wrote them)."""
    art = Article(
        id=article["article_id"],
        text=article["text"],
        title=article.get("title"),
        author=article.get("author"),
        published=article.get("published"),
        url=article.get("url"),
        outlet=article.get("outlet"),
        source=article.get("source"),
        from_html=bool(article.get("from_html")),
    )
    if art.fingerprint != article.get("fingerprint"):
        raise ValueError(f"article {art.id!r}: its fingerprint does not match its content")
    entities = tuple(
        Entity(e["id"], e["name"], _spans(e.get("mentions")), e.get("label") or "PERSON")
        for e in article.get("entities") or ()
    )
    findings = tuple(
        Finding(f["type"], f["message"], f.get("source"), _spans(f.get("spans")))
        for f in article.get("findings") or ()
    )
    ordered = sorted(quotes, key=lambda q: int(q["index"]))
    doc = Document(art, tuple(quote_from_row(q) for q in ordered), entities, findings)
    from quotetrace.store import stored_quote_ids

    if stored_quote_ids(doc) != [q["quote_id"] for q in ordered]:
        raise ValueError(f"article {art.id!r}: its quotes do not match their ids")
    return doc


# --- reading the datasets without Spark ---------------------------------------------------------

SCHEMAS = {"articles": ARTICLES, "quotes": QUOTES, "errors": ERRORS}


def read_dataset(
    folder: str, name: str, *, columns: Sequence[str] | None = None, where: Any = None
) -> pa.Table:
    """One dataset the job wrote under ``folder`` (a local path or a URI pyarrow reads), as an Arrow
    table, filtered by the pyarrow expression ``where``; a dataset the job never wrote (no errors
    yet, say) is an empty table."""
    import pyarrow.dataset as ds
    from pyarrow import fs

    schema = SCHEMAS[name]
    path = folder.rstrip("/") + "/" + name
    try:
        filesystem, location = fs.FileSystem.from_uri(path)
    except (ValueError, pa.ArrowInvalid):
        filesystem, location = fs.LocalFileSystem(), path
    if filesystem.get_file_info(location).type != fs.FileType.Directory:
        return schema.empty_table().select(list(columns) if columns else schema.names)
    dataset = ds.dataset(
        location,
        schema=schema,
        format="parquet",
        filesystem=filesystem,
        partitioning=ds.partitioning(pa.schema([("month", pa.string())]), flavor="hive"),
    )
    return dataset.to_table(columns=list(columns) if columns else None, filter=where)
