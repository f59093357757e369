"""The store's commands: ingest, speakers, search, trace, export, bench-search, cluster-eval.

Each command is an ``add_*_arguments(parser)`` and a ``run_*(args) -> exit code`` pair that
``COMMANDS`` lists for ``quotetrace.cli``. Exit codes: 0 done, 1 some articles failed (or nothing
matched), 2 the command could not run.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

from quotetrace.cli.args import (
    Command,
    add_limit_arguments,
    add_pipeline_arguments,
    kinds_argument,
    limits_from_args,
    pipeline_options,
)
from quotetrace.cli.export import add_selection_arguments, write_export
from quotetrace.cli.fetch import add_fetch_arguments, web_source
from quotetrace.errors import InputError, StoreError
from quotetrace.exports import FORMATS
from quotetrace.model import Article, Failure
from quotetrace.progress import progress
from quotetrace.store.bench import format_timings, generate_store, time_queries
from quotetrace.store.files import DEFAULT_DB, open_existing
from quotetrace.store.inputs import iter_inputs
from quotetrace.store.parquet import write_parquet

# --- shared -------------------------------------------------------------------------------------


def db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=DEFAULT_DB, help=f"the store (default {DEFAULT_DB})")


def _day(value: str) -> str:
    from quotetrace.store.search import check_day

    try:
        return check_day(value)
    except StoreError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


MAX_COUNT = 1_000_000_000


def _count(value: str) -> int:
    """A --limit: a whole number from 0 to MAX_COUNT (SQLite takes 64-bit integers only)."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value[:20]!r}") from None
    if not 0 <= number <= MAX_COUNT:
        raise argparse.ArgumentTypeError(f"must be between 0 and {MAX_COUNT:,}")
    return number


def _output(path: str | None) -> TextIO:
    return open(path, "w", encoding="utf-8", newline="") if path else sys.stdout  # noqa: SIM115


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int]) -> str:
    def cell(value: Any, width: int) -> str:
        text = "" if value is None else " ".join(str(value).split())
        return (text[: width - 1] + "…" if len(text) > width else text).ljust(width)

    lines = ["  ".join(cell(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(cell(v, w) for v, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def _write_rows(out: TextIO, rows: list[dict[str, Any]], fmt: str) -> None:
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        if rows:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]))
            writer.writeheader()
            for row in rows:
                writer.writerow(
                    {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in row.items()}
                )


# --- ingest -------------------------------------------------------------------------------------


INGEST_KINDS_HELP = (
    "kinds of attribution to analyse: comma list or 'all' (default speech,writing; "
    "'all' also finds thoughts and findings, and is slower)"
)


def add_ingest_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="*", help="files, folders, globs, .warc(.gz), - (stdin), or http(s) URLs"
    )
    parser.add_argument(
        "--feed",
        action="append",
        default=[],
        metavar="FEED_URL",
        help="an RSS/Atom feed or a sitemap: fetch the articles it links to (repeatable)",
    )
    db_argument(parser)
    parser.add_argument("--jobs", "-j", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument(
        "--force",
        action="store_true",
        help="extract unchanged articles again and replace their quotes (after an upgrade, or "
        "with a new cue model)",
    )
    add_pipeline_arguments(parser, kinds_help=INGEST_KINDS_HELP)
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)
    add_fetch_arguments(parser)
    add_limit_arguments(parser)


def _say(message: str, *, bar: bool) -> None:
    """One line on stderr; through tqdm while a bar is drawn, so the bar stays whole."""
    if bar:
        from tqdm import tqdm

        tqdm.write(message, file=sys.stderr)
    else:
        print(message, file=sys.stderr)


def run_ingest(args: argparse.Namespace) -> int:
    from quotetrace.fetch.sources import is_url, load_pages, remember
    from quotetrace.fetch.watch import web_summary
    from quotetrace.runner import run_pipeline
    from quotetrace.store import Store
    from quotetrace.store.warc import WarcReport

    report = WarcReport()
    tally: Counter[str] = Counter()
    if not args.paths and not args.feed:
        raise InputError("give files, folders or URLs to ingest, or --feed FEED_URL")
    web = _web_source(args)
    options = pipeline_options(args)
    options.check()  # a bad model stops the command before the run starts
    with Store.open(args.db) as store:
        known = store.fingerprints()
        run_id = store.start_run("ingest", args.paths)

        def fresh(items: Iterable[Article | Failure]) -> Iterator[Article | Failure]:
            # unchanged articles skip extraction (this runs in the pool's feeder thread: no db)
            for item in items:
                if (
                    not args.force
                    and isinstance(item, Article)
                    and known.get(item.id) == item.fingerprint
                ):
                    tally["unchanged"] += 1
                    continue
                yield item

        items: Iterable[Article | Failure] = iter_inputs(
            [p for p in args.paths if web is None or not is_url(p)],
            report=report,
            stdin=sys.stdin.buffer,
            limits=limits_from_args(args),
        )
        if web is not None:
            web.stored = set(known)
            web.pages = load_pages(store.conn)
            urls = [p for p in args.paths if is_url(p)]
            items = itertools.chain(items, web.articles(urls), web.feed_articles(args.feed))
        docs: Iterable[Any] = run_pipeline(
            fresh(items),
            jobs=args.jobs,
            options=options,
            limits=limits_from_args(args),
        )
        show = args.progress if args.progress is not None else sys.stderr.isatty()
        docs = progress(docs, enabled=show, desc="ingest")
        for doc in docs:
            outcome = store.ingest_document(doc, run_id=run_id, force=args.force)
            tally[outcome] += 1
            if outcome == "failed":  # stored in the failures table too; the reason, now
                _say(f"quotetrace: {doc.article.id}: {doc.error}", bar=show)
            if web is not None and outcome != "failed":
                for record in web.stored_ok(doc.article.id):
                    remember(store.conn, record)
        if web is not None:
            for record in web.flush():
                remember(store.conn, record)
            web.fetcher.close()
        if tally["new"] or tally["replaced"] or tally["re-extracted"]:
            store.settle()  # speakers and clusters independent of the order of ingest
        store.finish_run(run_id, dict(tally))
        counts = store.counts()
    print(
        f"quotetrace: {tally['new']} new, {tally['replaced']} replaced, "
        f"{tally['re-extracted']} re-extracted, "
        f"{tally['unchanged']} unchanged, {tally['failed']} failed article(s) -> {args.db} "
        f"({counts['articles']} articles, {counts['quotes']} quotes, "
        f"{counts['speakers']} speakers, {counts['clusters']} clusters)",
        file=sys.stderr,
    )
    if report.records:
        print(f"quotetrace: {report.summary()}", file=sys.stderr)
    if web is not None:
        print(f"quotetrace: {web_summary(web.tally)}", file=sys.stderr)
    return 1 if tally["failed"] or (web is not None and web.tally["feeds failed"]) else 0


def _web_source(args: argparse.Namespace) -> Any:
    """A WebSource when URLs or feeds are among the inputs (nothing is fetched otherwise)."""
    from quotetrace.fetch.sources import is_url

    if not args.feed and not any(is_url(p) for p in args.paths):
        return None
    return web_source(args)


# --- speakers -----------------------------------------------------------------------------------


def add_speakers_arguments(parser: argparse.ArgumentParser) -> None:
    db_argument(parser)
    parser.add_argument("--format", choices=("table", "jsonl", "csv"), default="table")
    parser.add_argument("--limit", type=_count, default=None, help="show only the first N")


def run_speakers(args: argparse.Namespace) -> int:
    with open_existing(args.db) as store:
        found = store.speakers()[: args.limit]
    if args.format == "table":
        rows = [
            (
                s.quotes,
                s.articles,
                s.name,
                ", ".join(f"{name} ({n})" for name, n in s.aliases),
                s.first_date,
                s.last_date,
            )
            for s in found
        ]
        headers = ("quotes", "articles", "speaker", "written as", "first", "last")
        print(_table(headers, rows, (6, 8, 28, 50, 10, 10)))
    else:
        _write_rows(sys.stdout, [asdict(s) for s in found], args.format)
    return 0


# --- search -------------------------------------------------------------------------------------


def add_search_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", help="words to find (any string; empty matches every quote)")
    db_argument(parser)
    parser.add_argument("--speaker", help="a speaker, in any spelling")
    parser.add_argument("--outlet", help="part of an outlet's name")
    parser.add_argument("--since", type=_day, help="published on or after YYYY[-MM[-DD]]")
    parser.add_argument("--until", type=_day, help="published on or before YYYY[-MM[-DD]]")
    parser.add_argument(
        "--kind", type=kinds_argument, help="comma list of kinds, e.g. speech,writing"
    )
    parser.add_argument(
        "--occasion",
        help="interview, phone call, press conference, speech, hearing, statement, ...",
    )
    parser.add_argument("--said-since", type=_day, help="said on or after YYYY[-MM[-DD]]")
    parser.add_argument("--sort", choices=("relevance", "newest", "oldest"), default="relevance")
    parser.add_argument("--limit", type=_count, default=20, help="at most N results (default 20)")
    parser.add_argument("--format", choices=("table", "jsonl", "csv"), default="table")


def run_search(args: argparse.Namespace) -> int:
    with open_existing(args.db) as store:
        hits = store.search(
            args.text,
            speaker=args.speaker,
            outlet=args.outlet,
            since=args.since,
            until=args.until,
            kinds=args.kind,
            occasion=args.occasion,
            said_since=args.said_since,
            sort=args.sort,
            limit=args.limit,
        )
    if args.format == "table":
        rows = [
            ((h.published or "")[:10], h.outlet, h.speaker or h.speaker_as_written, h.kind, h.text)
            for h in hits
        ]
        print(_table(("date", "outlet", "speaker", "kind", "quote"), rows, (10, 14, 22, 8, 80)))
    else:
        _write_rows(sys.stdout, [asdict(h) for h in hits], args.format)
    if not hits:
        print("quotetrace: no quote matches", file=sys.stderr)
    return 0 if hits else 1


# --- trace --------------------------------------------------------------------------------------


def add_trace_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", help="a quote (any wording of it), a quote id or a cluster id")
    db_argument(parser)
    parser.add_argument("--format", choices=("table", "json"), default="table")


def run_trace(args: argparse.Namespace) -> int:
    with open_existing(args.db) as store:
        found = store.trace(args.text)
    if found is None:
        print("quotetrace: no stored quote matches", file=sys.stderr)
        return 1
    if args.format == "json":
        print(json.dumps(found.to_dict(), ensure_ascii=False, indent=2))
        return 0
    first = found.first
    articles = len({a.article_id for a in found.appearances})
    print(f"cluster {found.cluster_id}: {len(found.appearances)} quote(s) in {articles} article(s)")
    print(
        f"first appearance: {first.published or 'undated'}  {first.outlet or '-'}  "
        f"{first.url or '-'}  (article {first.article_id})"
    )
    print(f'  "{first.text}" — {first.speaker or first.speaker_as_written or "unattributed"}')
    later = found.appearances[1:]
    if later:
        print("\nlater, in time order:")
        rows = [
            (
                (a.published or "undated")[:10],
                a.outlet,
                a.speaker or a.speaker_as_written,
                a.article_id,
                a.url,
                a.text,
            )
            for a in later
        ]
        headers = ("date", "outlet", "speaker", "article", "url", "quote")
        print(_table(headers, rows, (10, 14, 22, 24, 40, 60)))
    print(f"\nvariants ({len(found.variants)}):")
    for text, n in found.variants:
        print(f'  {n}x "{text}"')
    speakers = ", ".join(f"{name} ({n})" for name, n in found.speakers) or "nobody"
    print(f"\nattributed to: {speakers}")
    if found.conflicting_speakers:
        print("WARNING: attributed to different speakers in different places")
    return 0


# --- export -------------------------------------------------------------------------------------


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=("jsonl", "csv", "parquet", *FORMATS),
        default="jsonl",
        help="jsonl, csv, parquet: every quote; claimreview: schema.org ClaimReview JSON-LD; "
        "annotations: W3C Web Annotations; labelstudio: Label Studio tasks with pre-annotations",
    )
    db_argument(parser)
    parser.add_argument("--output", "-o", help="write here (required for parquet)")
    add_selection_arguments(parser)


def run_export(args: argparse.Namespace) -> int:
    if args.format in FORMATS:
        with open_existing(args.db) as store:
            return write_export(args, store)
    if args.format == "parquet" and not args.output:
        raise StoreError("parquet is binary: give a file with --output")
    with open_existing(args.db) as store:
        rows = store.export()
        if args.format == "parquet":
            n = write_parquet(rows, args.output)
        else:
            out = _output(args.output)
            n = 0
            try:
                writer: csv.DictWriter[str] | None = None
                for row in rows:
                    n += 1
                    if args.format == "jsonl":
                        out.write(json.dumps(row, ensure_ascii=False) + "\n")
                        continue
                    if writer is None:
                        writer = csv.DictWriter(out, fieldnames=list(row))
                        writer.writeheader()
                    writer.writerow(
                        {k: json.dumps(v) if isinstance(v, list) else v for k, v in row.items()}
                    )
            finally:
                if out is not sys.stdout:
                    out.close()
    print(f"quotetrace: exported {n} quote(s)", file=sys.stderr)
    return 0


# --- bench-search and cluster-eval --------------------------------------------------------------


def add_bench_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quotes", type=int, default=1_000_000, help="quotes to generate")
    parser.add_argument("--queries", type=int, default=300, help="queries to time")
    parser.add_argument("--db", help="keep the generated store here (default: a temporary file)")
    parser.add_argument("--seed", type=int, default=1)


def run_bench(args: argparse.Namespace) -> int:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="quotetrace-bench-") as tmp:
        path = args.db or os.path.join(tmp, "bench.db")
        if os.path.exists(path):
            raise StoreError(f"{path} exists; bench-search writes a new store")
        print(f"generating {args.quotes} quotes in {path} ...", file=sys.stderr)
        built = generate_store(path, args.quotes, seed=args.seed)
        print(
            f"generated {built.quotes} quotes in {built.articles} articles "
            f"in {built.seconds:.1f} s ({built.megabytes:.0f} MB)",
            file=sys.stderr,
        )
        timings = time_queries(path, args.queries, seed=args.seed)
    print(format_timings(built, timings))
    return 0


def add_cluster_eval_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path",
        nargs="?",
        default="tests/data/cluster_groups.jsonl",
        help="quote groups, one quote a line (default tests/data/cluster_groups.jsonl)",
    )
    parser.add_argument("--seeds", type=int, default=5, help="insertion orders to average over")
    parser.add_argument("--show", action="store_true", help="list wrong merges and misses")


def run_cluster_eval(args: argparse.Namespace) -> int:
    from quotetrace.store.cluster import evaluate_groups

    if not Path(args.path).is_file():
        raise StoreError(f"no such groups file: {args.path}")
    scores = [evaluate_groups(args.path, seed=seed) for seed in range(args.seeds)]
    first = scores[0]
    print(f"{first.quotes} quotes in {first.groups} groups, {first.gold_pairs} same-group pairs")
    for seed, s in enumerate(scores):
        print(
            f"order {seed}: precision {s.precision:.3f}  recall {s.recall:.3f}  f1 {s.f1:.3f}  "
            f"({s.correct_pairs} of {s.predicted_pairs} merged pairs right)"
        )
    mean_p = sum(s.precision for s in scores) / len(scores)
    mean_r = sum(s.recall for s in scores) / len(scores)
    print(f"mean: precision {mean_p:.3f}  recall {mean_r:.3f}")
    print("recall of variant-to-original pairs (order 0):")
    for variant, found, total in first.by_variant:
        print(f"  {variant:<17} {found}/{total}")
    if args.show:
        for a, b in first.wrong_merges:
            print(f"  wrong: {a[:70]!r} ~ {b[:70]!r}")
        for a, b in first.missed:
            print(f"  missed: {a[:70]!r} ~ {b[:70]!r}")
    return 0


COMMANDS = (
    Command("ingest", "extract articles into the store (also .warc/.warc.gz)", add_ingest_arguments, run_ingest),
    Command("speakers", "everyone quoted in the store, spellings merged", add_speakers_arguments, run_speakers),
    Command("search", "find stored quotes", add_search_arguments, run_search),
    Command("trace", "where a quote first appeared and everywhere it went", add_trace_arguments, run_trace),
    Command("export", "stored quotes with article, speaker and cluster", add_export_arguments, run_export),
    Command("bench-search", "search speed on a generated store", add_bench_arguments, run_bench),
    Command("cluster-eval", "precision and recall of quote clustering", add_cluster_eval_arguments, run_cluster_eval),
)  # fmt: skip
