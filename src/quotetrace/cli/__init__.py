"""The command line, thin over the library. Only this package prints, reads flags and chooses
exit codes; the library returns values and raises ``quotetrace.errors``.

Exit codes: 0 all articles processed, 1 some articles failed (each has an "error" line) or a
quality floor failed, 2 the command itself could not run (bad arguments, unreadable gold file).

One module per group of commands: ``extract``, ``eval``, ``train`` (train, train-speakers),
``bench`` (bench, bench-html, bench-scaling, bench-spark), ``store`` (ingest, speakers, search,
trace, export, bench-search, cluster-eval), ``export`` (the export formats, labelstudio-gold),
``fetch`` (URL inputs, watch), ``spark`` (spark extract, spark cluster, load) and ``serve``;
``args`` holds the flags several commands share.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from quotetrace.cli import bench, export, extract, fetch, serve, spark, store, train
from quotetrace.cli import eval as eval_command
from quotetrace.cli.args import Command, add_commands
from quotetrace.errors import QuotetraceError

COMMANDS = (
    Command("extract", "extract quotations from articles (txt, html, jsonl, folders, -)", extract.add_arguments, extract.run),
    Command("eval", "score the extractor against annotated gold (FORMAT.md §3)", eval_command.add_arguments, eval_command.run),
    Command("train", "fit a cue model on gold you hold (FORMAT.md §1); use it with --cue-model", train.add_train_arguments, train.run_train),
    Command("train-speakers", "fit the speaker ranker on gold with resolved speaker names (FORMAT.md §1)", train.add_train_speakers_arguments, train.run_train_speakers),
    Command("bench", "throughput and peak memory against the full spaCy pipeline", bench.add_bench_arguments, bench.run_bench),
    Command("bench-html", "HTML ingest: body-text F1 on the article-extraction benchmark", bench.add_bench_html_arguments, bench.run_bench_html),
    Command("bench-scaling", "time against the number of quote marks and the nesting depth", bench.add_bench_scaling_arguments, bench.run_bench_scaling),
    *store.COMMANDS,
    Command("labelstudio-gold", "a Label Studio export back to FORMAT.md gold, for train and eval", export.add_gold_arguments, export.run_gold),
    Command("watch", "keep a store current from feeds and sitemaps (FEEDS.txt: one URL a line)", fetch.add_watch_arguments, fetch.run_watch),
    *spark.COMMANDS,
    Command("serve", "the web page and HTTP API (this machine only by default)", serve.add_serve_arguments, serve.run_serve),
)  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="quotetrace",
        description="Who said what, to whom, when, and through whom, in news articles.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    add_commands(sub, COMMANDS)
    group = sub.add_parser("spark", help="run quotetrace on Apache Spark (quotetrace[spark])")
    spark.add_spark_arguments(group)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except QuotetraceError as exc:
        print(f"quotetrace: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
