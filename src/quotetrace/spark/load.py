"""``quotetrace load``: the Parquet datasets of ``spark extract`` into the SQLite store.

Read with pyarrow, one month partition at a time (no Spark needed). Every article row and its quote
rows become the Document they were written from (ids checked) and go through
``Store.ingest_document``, so the store treats them exactly as ``ingest`` would: an unchanged
article is skipped, a changed one replaced, each in one transaction. Articles go in publication
order (undated last; ties as the job read them): the store's clusters and speakers depend on the
order they are built in, and ``spark cluster`` uses the same order, so a loaded store has the very
clusters (and cluster ids) that ``spark cluster`` writes. Error rows are the store's failures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from quotetrace.errors import InputError
from quotetrace.model import Document
from quotetrace.spark import rows


@dataclass(frozen=True)
class LoadItem:
    doc: Document | None  # None for an error row or a damaged one
    article_id: str
    reason: str | None = None
    source: str | None = None
    damaged: bool = False  # rows that no longer match their ids


def _months(folder: str) -> list[str]:
    months: set[str] = set()
    for name in ("articles", "errors"):
        table = rows.read_dataset(folder, name, columns=["month"])
        months.update(m for m in table.column("month").to_pylist() if m)
    return sorted(months, key=lambda m: (m == rows.UNDATED, m))


def iter_documents(folder: str) -> Iterator[LoadItem]:
    """The documents (and error rows) of a ``spark extract`` output folder, month by month."""
    import pyarrow.dataset as ds

    if rows.read_dataset(folder, "articles", columns=["month"]).num_rows == 0 and not (
        rows.read_dataset(folder, "errors", columns=["month"]).num_rows
    ):
        raise InputError(
            f"no articles or errors datasets under {folder} (quotetrace spark extract)"
        )
    for month in _months(folder):
        where = ds.field("month") == month
        articles = _filtered(folder, "articles", where)
        quotes = _filtered(folder, "quotes", where)
        errors = _filtered(folder, "errors", where)
        by_article: dict[str, list[dict[str, Any]]] = {}
        for quote in quotes:
            by_article.setdefault(quote["article_id"], []).append(quote)
        articles.sort(key=rows.input_order)
        for article in articles:
            try:
                doc = rows.document_from_rows(article, by_article.get(article["article_id"], []))
            except (ValueError, KeyError, TypeError) as exc:
                reason = f"damaged rows: {exc}"
                yield LoadItem(None, article["article_id"], reason, article.get("source"), True)
                continue
            yield LoadItem(doc, article["article_id"])
        for error in errors:
            yield LoadItem(None, error["article_id"], error["reason"], error["source"])


def _filtered(folder: str, name: str, where: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = rows.read_dataset(folder, name, where=where).to_pylist()
    return found


def load(folder: str, db: str, *, force: bool = False, progress: Any = None) -> Counter[str]:
    """Load ``folder`` into the store at ``db``; a tally of outcomes (new, unchanged, replaced,
    re-extracted, failed, damaged)."""
    from quotetrace.store import Store

    tally: Counter[str] = Counter()
    with Store.open(db) as store:
        run_id = store.start_run("load", [folder])
        items: Any = iter_documents(folder)
        if progress is not None:
            items = progress(items)
        for item in items:
            if item.doc is None:
                store.record_failure(item.article_id, item.reason or "", item.source, run_id=run_id)
                tally["damaged" if item.damaged else "failed"] += 1
                continue
            tally[store.ingest_document(item.doc, run_id=run_id, force=force)] += 1
        store.finish_run(run_id, dict(tally))
    return tally
