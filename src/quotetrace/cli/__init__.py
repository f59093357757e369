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
from quotetrace.errors import QuotetraceError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="quotetrace",
        description="Who said what, to whom, when, and through whom, in news articles.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    ex = sub.add_parser(
        "extract", help="extract quotations from articles (txt, html, jsonl, folders, -)"
    )
    extract.add_arguments(ex)
    ex.set_defaults(func=extract.run)

    ev = sub.add_parser("eval", help="score the extractor against annotated gold (FORMAT.md §3)")
    eval_command.add_arguments(ev)
    ev.set_defaults(func=eval_command.run)

    tr = sub.add_parser(
        "train", help="fit a cue model on gold you hold (FORMAT.md §1); use it with --cue-model"
    )
    train.add_train_arguments(tr)
    tr.set_defaults(func=train.run_train)

    ts = sub.add_parser(
        "train-speakers",
        help="fit the speaker ranker on gold with resolved speaker names (FORMAT.md §1)",
    )
    train.add_train_speakers_arguments(ts)
    ts.set_defaults(func=train.run_train_speakers)

    be = sub.add_parser("bench", help="throughput and peak memory against the full spaCy pipeline")
    bench.add_bench_arguments(be)
    be.set_defaults(func=bench.run_bench)

    bh = sub.add_parser(
        "bench-html", help="HTML ingest: body-text F1 on the article-extraction benchmark"
    )
    bench.add_bench_html_arguments(bh)
    bh.set_defaults(func=bench.run_bench_html)

    bs = sub.add_parser(
        "bench-scaling", help="time against the number of quote marks and the nesting depth"
    )
    bench.add_bench_scaling_arguments(bs)
    bs.set_defaults(func=bench.run_bench_scaling)

    store.add_commands(sub)

    lg = sub.add_parser(
        "labelstudio-gold",
        help="a Label Studio export back to FORMAT.md gold, for train and eval",
    )
    export.add_gold_arguments(lg)
    lg.set_defaults(func=export.run_gold)

    wa = sub.add_parser(
        "watch", help="keep a store current from feeds and sitemaps (FEEDS.txt: one URL a line)"
    )
    fetch.add_watch_arguments(wa)
    wa.set_defaults(func=fetch.run_watch)

    spark.add_commands(sub)

    sv = sub.add_parser("serve", help="the web page and HTTP API (this machine only by default)")
    serve.add_serve_arguments(sv)
    sv.set_defaults(func=serve.run_serve)
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
