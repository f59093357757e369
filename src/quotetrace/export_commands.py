"""The command-line side of exports.py: ``export --format claimreview|annotations|labelstudio``
(for one quote, a search, or the whole store) and ``labelstudio-gold`` (a Label Studio export back
to FORMAT.md §1 gold for ``train`` and ``eval``)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from quotetrace.errors import InputError, StoreError

FORMATS = ("claimreview", "annotations", "labelstudio")


def add_selection_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "which quotes (claimreview, annotations, labelstudio; default: the whole store)"
    )
    group.add_argument("--quote", help="one quote: its store id, or any wording of it")
    group.add_argument("--search", help="the quotes a search finds (as `quotetrace search`)")
    group.add_argument("--speaker", help="only quotes by this speaker (any spelling)")
    group.add_argument("--limit", type=int, default=200, help="most search results (default 200)")
    group.add_argument(
        "--label-config", metavar="FILE", help="labelstudio: also write the labelling interface"
    )


def _quote_ids(store: Any, args: argparse.Namespace) -> list[str] | None:
    """The selected store quote ids; None for the whole store."""
    if args.quote:
        row = store.conn.execute("SELECT id FROM quotes WHERE id = ?", (args.quote,)).fetchone()
        if row is not None:
            return [row[0]]
        found = store.trace(args.quote)
        if found is None:
            raise StoreError(f"no stored quote matches {args.quote!r}")
        return [found.first.quote_id]
    if args.search is not None or args.speaker:
        if args.limit < 1:
            raise InputError("--limit must be at least 1")
        hits = store.search(args.search or "", speaker=args.speaker, limit=args.limit)
        return [h.quote_id for h in hits]
    return None


def _articles_of(store: Any, quote_ids: list[str] | None) -> list[str]:
    if quote_ids is None:
        return [r[0] for r in store.conn.execute("SELECT id FROM articles ORDER BY seq")]
    seen: dict[str, None] = {}
    for qid in quote_ids:
        row = store.conn.execute("SELECT article_id FROM quotes WHERE id = ?", (qid,)).fetchone()
        if row is not None:
            seen.setdefault(row[0], None)
    return list(seen)


def run_export(args: argparse.Namespace, store: Any) -> tuple[Any, int]:
    """The document to write and how many quotes it holds."""
    from quotetrace import exports

    quote_ids = _quote_ids(store, args)
    if args.format == "claimreview":
        ids = quote_ids
        if ids is None:
            ids = [r[0] for r in store.conn.execute("SELECT id FROM quotes ORDER BY pk")]
        reviews = exports.claim_reviews(store.conn, ids)
        body: Any = reviews[0] if args.quote and reviews else reviews
        return body, len(reviews)
    items: list[Any] = []
    n = 0
    for article_id in _articles_of(store, quote_ids):
        loaded = store.document(article_id)
        if loaded is None:
            continue
        doc, store_ids = loaded
        if args.format == "annotations":
            found = exports.web_annotations(doc, store_ids, quote_ids)
            items.extend(found)
            n += len(found)
        else:
            items.append(exports.labelstudio_task(doc))
            n += len(doc.quotes)
    if args.format == "annotations":
        label = f"quotetrace quotes from {store.path}"
        return exports.annotation_collection(items, label), n
    return items, n


def write_export(args: argparse.Namespace, store: Any) -> int:
    from quotetrace import exports

    body, n = run_export(args, store)
    if args.format == "claimreview" and args.quote and not body:
        raise StoreError(f"no stored quote matches {args.quote!r}")
    text = json.dumps(body, ensure_ascii=False, indent=2) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    if args.label_config:
        with open(args.label_config, "w", encoding="utf-8") as fh:
            fh.write(exports.LABEL_CONFIG)
    what = {"claimreview": "claim review(s)", "annotations": "annotation(s)"}
    print(
        f"quotetrace: exported {n} {what.get(args.format, 'quote(s) as Label Studio tasks')}",
        file=sys.stderr,
    )
    return 0


def add_gold_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("export", help="a Label Studio JSON export (a list of tasks)")
    parser.add_argument(
        "--output", "-o", help="the gold file to write (JSON Lines; default stdout)"
    )
    parser.add_argument(
        "--predictions",
        action="store_true",
        help="use a task's predictions when nobody annotated it (default: skip it)",
    )


def run_gold(args: argparse.Namespace) -> int:
    from quotetrace import exports

    docs, skipped = exports.gold_from_tasks(
        exports.read_json(args.export), use_predictions=args.predictions
    )
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    try:
        for doc in docs:
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    quotes = sum(len(d["quotes"]) for d in docs)
    print(
        f"quotetrace: {len(docs)} gold document(s), {quotes} quote(s); "
        f"{skipped} task(s) without annotations skipped",
        file=sys.stderr,
    )
    return 0
