"""The Spark commands: ``spark extract``, ``spark cluster``, ``load`` and ``bench-spark``.

Each is an ``add_*_arguments(parser)`` and ``run_*(args) -> exit code`` pair; ``COMMANDS``
(top level) and ``SPARK_COMMANDS`` (under ``quotetrace spark``) list them for ``quotetrace.cli``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from quotetrace.cli.args import Command, add_commands, add_pipeline_arguments, pipeline_options
from quotetrace.cli.bench import add_bench_spark_arguments, run_bench_spark
from quotetrace.errors import InputError
from quotetrace.store.files import DEFAULT_DB, open_existing


def _master_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--master",
        help="Spark master URL: local[N], spark://HOST:7077, yarn, k8s://... (default: what "
        "spark-submit set, else local[*])",
    )
    parser.add_argument(
        "--conf",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a Spark setting, e.g. spark.executor.memory=4g (repeatable)",
    )


def _conf(values: list[str]) -> dict[str, str]:
    conf = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--conf {item!r}: expected KEY=VALUE")
        conf[key.strip()] = value
    return conf


# --- spark extract ------------------------------------------------------------------------------


def add_extract_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="INPUT",
        help="files, folders, globs, .jsonl(.gz), .txt, .html, .warc(.gz); or s3://, hdfs://, "
        "file:// URIs",
    )
    parser.add_argument("--out", required=True, help="output folder or URI for the datasets")
    _master_argument(parser)
    parser.add_argument(
        "--batch-size", type=int, default=32, help="articles per Arrow batch (default 32)"
    )
    add_pipeline_arguments(parser, speaker_ranker=False)


def run_extract(args: argparse.Namespace) -> int:
    from quotetrace.spark.extract import run_extract as extract
    from quotetrace.spark.session import get_session

    options = pipeline_options(args)
    options.check()  # a bad model stops the command before Spark starts
    spark = get_session(args.master, "quotetrace extract", conf=_conf(args.conf))
    try:
        summary = extract(spark, args.paths, args.out, options, batch_size=args.batch_size)
    finally:
        spark.stop()
    print(
        f"quotetrace: {summary.files} file(s), {summary.articles} article(s), "
        f"{summary.quotes} quote(s), {summary.errors} error(s) -> {args.out} "
        f"(months: {', '.join(summary.months) or '-'})",
        file=sys.stderr,
    )
    return 1 if summary.errors else 0


# --- spark cluster ------------------------------------------------------------------------------


def add_cluster_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--in", dest="folder", required=True, help="the --out folder of `quotetrace spark extract`"
    )
    _master_argument(parser)
    parser.add_argument(
        "--compare-db",
        metavar="FILE",
        help="a store (quotetrace ingest/load of the same articles): report how far the clusters "
        "agree with its clusters",
    )


def run_cluster(args: argparse.Namespace) -> int:
    from quotetrace.spark.cluster import agreement
    from quotetrace.spark.cluster import run_cluster as cluster
    from quotetrace.spark.session import get_session

    spark = get_session(args.master, "quotetrace cluster", conf=_conf(args.conf))
    try:
        summary = cluster(spark, args.folder)
        ours: dict[Any, str] = {}
        if args.compare_db:
            base = args.folder.rstrip("/")
            found = (
                spark.read.parquet(base + "/quotes")
                .selectExpr("quote_id", "article_id", "text", "content[0][0] AS start")
                .join(spark.read.parquet(base + "/quote_clusters"), "quote_id")
                .collect()
            )
            # quotes are matched by place and words: ids differ when the store holds other kinds
            ours = {(r["article_id"], r["start"], r["text"]): r["cluster_id"] for r in found}
    finally:
        spark.stop()
    print(
        f"quotetrace: {summary.quotes} quote(s), {summary.candidate_pairs} candidate pair(s), "
        f"{summary.verified_pairs} verified, {summary.clusters} cluster(s) "
        f"({summary.multi} of 2+ quotes, {summary.conflicting} credited to different speakers) "
        f"-> {args.folder.rstrip('/')}/clusters",
        file=sys.stderr,
    )
    if args.compare_db:
        with open_existing(args.compare_db) as store:
            theirs = {
                (article, start, text): cluster
                for article, start, text, cluster in store.conn.execute(
                    "SELECT q.article_id, s.start, q.text, q.cluster_id FROM quotes q "
                    "JOIN quote_spans s ON s.quote_pk = q.pk AND s.role = 'content' AND s.seq = 0"
                )
            }
        found = agreement(ours, theirs)
        print(
            f"agreement with {args.compare_db}: {found.quotes} quotes in both "
            f"({found.only_spark} only here, {found.only_store} only in the store); "
            f"pairs: store {found.store_pairs}, spark {found.spark_pairs}, both {found.both_pairs} "
            f"(precision {found.precision:.3f}, recall {found.recall:.3f}); "
            f"store clusters of 2+ reproduced exactly: {found.same_clusters}/{found.store_clusters}; "
            f"same cluster id: {found.same_id}/{found.quotes}",
        )
    return 0


# --- load ---------------------------------------------------------------------------------------


def add_load_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folder", metavar="DIR", help="the --out folder of `quotetrace spark extract`"
    )
    parser.add_argument("--db", default=DEFAULT_DB, help=f"the store (default {DEFAULT_DB})")
    parser.add_argument(
        "--force", action="store_true", help="replace the quotes of unchanged articles too"
    )
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)


def run_load(args: argparse.Namespace) -> int:
    from quotetrace.progress import progress
    from quotetrace.spark.load import load
    from quotetrace.store import Store

    show = args.progress if args.progress is not None else sys.stderr.isatty()
    tally = load(
        args.folder,
        args.db,
        force=args.force,
        progress=lambda items: progress(items, enabled=show, desc="load"),
    )
    with Store.open(args.db) as store:
        counts = store.counts()
    print(
        f"quotetrace: {tally['new']} new, {tally['replaced']} replaced, "
        f"{tally['re-extracted']} re-extracted, {tally['unchanged']} unchanged, "
        f"{tally['failed']} error row(s), {tally['damaged']} damaged -> {args.db} "
        f"({counts['articles']} articles, {counts['quotes']} quotes, "
        f"{counts['speakers']} speakers, {counts['clusters']} clusters)",
        file=sys.stderr,
    )
    return 1 if tally["damaged"] else 0


SPARK_COMMANDS = (
    Command("extract", "extract quotations from many files on Spark, to Parquet datasets", add_extract_arguments, run_extract),
    Command("cluster", "cluster the quotes of a spark extract output across articles, in Spark", add_cluster_arguments, run_cluster),
)  # fmt: skip
COMMANDS = (
    Command("load", "load the Parquet output of `spark extract` into the store (idempotent)", add_load_arguments, run_load),
    Command("bench-spark", "docs/s and chars/s of spark extract (1 and 2 cores) beside extract", add_bench_spark_arguments, run_bench_spark),
)  # fmt: skip


def add_spark_arguments(parser: argparse.ArgumentParser) -> None:
    """``quotetrace spark``: a group of its own (spark extract, spark cluster)."""
    add_commands(parser.add_subparsers(dest="spark_command", required=True), SPARK_COMMANDS)
