"""The Spark commands: ``spark extract``, ``spark cluster``, ``load`` and ``bench-spark``.

Each is an ``add_arguments(parser)`` and ``run(args) -> exit code`` pair; ``add_commands`` wires
them into cli.py's subparsers. Only this module of the spark package prints.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from quotetrace.options import PipelineOptions, add_pipeline_arguments


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
            raise argparse.ArgumentTypeError(f"--conf {item!r}: expected KEY=VALUE")
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
    add_pipeline_arguments(parser)


def run_extract(args: argparse.Namespace) -> int:
    from quotetrace.spark.extract import run_extract as extract
    from quotetrace.spark.session import get_session

    options = PipelineOptions.from_args(args)
    options.load_cue_model()  # a bad model stops the command before Spark starts
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


def add_commands(sub: Any) -> None:
    spark = sub.add_parser("spark", help="run quotetrace on Apache Spark (quotetrace[spark])")
    spark_sub = spark.add_subparsers(dest="spark_command", required=True)
    ex = spark_sub.add_parser(
        "extract", help="extract quotations from many files on Spark, to Parquet datasets"
    )
    add_extract_arguments(ex)
    ex.set_defaults(func=run_extract)
