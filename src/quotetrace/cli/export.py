"""``export --format claimreview|annotations|labelstudio`` (for one quote, a search, or the whole
store) and ``labelstudio-gold`` (a Label Studio export back to FORMAT.md §1 gold for ``train`` and
``eval``); the documents themselves come from ``quotetrace.exports``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from quotetrace.errors import StoreError


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


def write_export(args: argparse.Namespace, store: Any) -> int:
    """``export`` in one of ``FORMATS``: the JSON document to --output or stdout."""
    from quotetrace import exports

    quote_ids = exports.select_quote_ids(
        store, quote=args.quote, search=args.search, speaker=args.speaker, limit=args.limit
    )
    body, n = exports.export_document(store, args.format, quote_ids, single=bool(args.quote))
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
