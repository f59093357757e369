"""The benchmark commands: ``bench`` (throughput against the full spaCy pipeline), ``bench-html``
(HTML ingest body-text F1), ``bench-scaling`` (time against quote marks and nesting depth) and
``bench-spark`` (what Spark costs per article). The measuring is in ``quotetrace.bench``,
``bench_html``, ``bench_scaling`` and ``spark.bench``; here are the flags and the tables."""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import tempfile
from pathlib import Path

from quotetrace import bench, bench_html, bench_scaling
from quotetrace.bench_memory import memory_by_size
from quotetrace.spark import bench as spark_bench

# --- bench --------------------------------------------------------------------------------------


def add_bench_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--corpus", type=Path, default=bench.DEFAULT_CORPUS, help="JSONL with a text field"
    )
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    parser.add_argument("--jobs", "-j", type=int, default=2, help="workers for the parallel run")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--memory",
        action="store_true",
        help="instead: peak memory by article size (10 kB, 100 kB, 1 MB, 10 MB of the corpus's "
        "text), each in a fresh process",
    )


def run_bench(args: argparse.Namespace) -> int:
    if not args.corpus.exists():
        print(f"quotetrace bench: corpus not found: {args.corpus}")
        return 2
    rows = bench.load_texts(args.corpus, args.limit)
    if args.memory:
        memory = memory_by_size([r["text"] for r in rows])
        print(f"{'characters':>12}{'quotes':>8}{'seconds':>9}{'base MB':>9}{'peak MB':>9}{'article MB':>11}")  # fmt: skip
        for m in memory:
            print(f"{m.chars:>12,}{m.quotes:>8}{m.seconds:>9.1f}{m.baseline_mb:>9.0f}{m.peak_mb:>9.0f}"
                  f"{m.article_mb:>11.0f}" + (f"  {m.error}" if m.error else ""))  # fmt: skip
        return 0
    results = [
        bench.measure("spacy-full", rows),
        bench.measure("spacy-full-numpy-blas", rows),
        bench.measure("quotetrace", rows, 1),
    ]
    if args.jobs > 1:
        results.append(bench.measure("quotetrace", rows, args.jobs))
    base = results[0]["seconds"]
    for r in results:
        r["speedup_vs_spacy_full"] = base / r["seconds"]
    if args.json:
        print(
            json.dumps(
                {"docs": len(rows), "chars": sum(len(r["text"]) for r in rows), "results": results},
                indent=2,
            )
        )
        return 0
    print(
        f"{len(rows)} documents, {sum(len(r['text']) for r in rows):,} characters ({args.corpus})"
    )
    print(f"{'run':<24}{'docs/s':>9}{'chars/s':>12}{'seconds':>9}{'peak MB':>9}{'speed-up':>10}")
    for r in results:
        name = r["mode"] + (f" --jobs {r['jobs']}" if r["mode"] == "quotetrace" else "")
        print(f"{name:<24}{r['docs_per_s']:>9.1f}{r['chars_per_s']:>12,.0f}{r['seconds']:>9.1f}"
              f"{r['peak_mb']:>9.0f}{r['speedup_vs_spacy_full']:>9.2f}x")  # fmt: skip
    print("(model load time excluded from the one-process runs; --jobs includes worker start-up;")
    print(" speed-up against spaCy as it comes; spacy-full-numpy-blas: the same pipeline on the")
    print(" BLAS set-up quotetrace uses, NumPy's OpenBLAS on one thread instead of thinc's BLIS)")
    return 0


# --- bench-html ---------------------------------------------------------------------------------


def add_bench_html_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folder",
        nargs="?",
        type=Path,
        default=bench_html.DEFAULT_FOLDER,
        help=f"benchmark folder with html/ and ground-truth.json (default: {bench_html.DEFAULT_FOLDER})",
    )
    parser.add_argument("--limit", type=int, default=None, help="score only the first N pages")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")


def run_bench_html(args: argparse.Namespace) -> int:
    folder: Path = args.folder
    if not (folder / "ground-truth.json").is_file():
        print(f"error: {folder}/ground-truth.json not found", file=sys.stderr)
        return 2
    result = bench_html.score_html_benchmark(folder, args.limit)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(
        f"{result['pages']} pages, {len(result['failures'])} failed, "
        f"{result['pages_per_second']:.1f} pages/s"
    )
    for name, figures in (
        ("tokens macro", result["tokens"]["macro"]),
        ("tokens micro", result["tokens"]["micro"]),
        ("shingles (benchmark)", result["shingles"]),
    ):
        print(
            f"{name:<22} precision={figures['precision']:.3f}  "
            f"recall={figures['recall']:.3f}  F1={figures['f1']:.3f}"
        )
    for key, reason in result["failures"].items():
        print(f"failed {key}: {reason}")
    return 0


# --- bench-scaling ------------------------------------------------------------------------------


def _sizes(value: str) -> list[int]:
    try:
        sizes = [int(v) for v in value.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma list of numbers: {value!r}") from None
    if not sizes or any(s <= 0 for s in sizes):
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sizes


def add_bench_scaling_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--marks", type=_sizes, default=_sizes(bench_scaling.DEFAULT_MARKS), metavar="N,N,…"
    )
    parser.add_argument(
        "--nesting", type=_sizes, default=_sizes(bench_scaling.DEFAULT_NESTING), metavar="N,N,…"
    )


def run_bench_scaling(args: argparse.Namespace) -> int:
    for kind, sizes, label in (
        ("marks", args.marks, "quote marks"),
        ("nesting", args.nesting, "nesting levels"),
    ):
        print(f"{label:>14}  {'chars':>9}  {'quotes':>7}  {'seconds':>8}  {'CPU s':>8}  growth k")
        previous: tuple[int, float] | None = None
        for size, chars, quotes, seconds, cpu in bench_scaling.measure(kind, sizes):
            growth = ""
            if previous is not None and seconds > 0 and previous[1] > 0:
                growth = f"{math.log(seconds / previous[1]) / math.log(size / previous[0]):.2f}"
            print(f"{size:>14,}  {chars:>9,}  {quotes:>7,}  {seconds:>8.2f}  {cpu:>8.2f}  {growth}",
                  flush=True)  # fmt: skip
            previous = (size, seconds)
        print()
    return 0


# --- bench-spark --------------------------------------------------------------------------------


def add_bench_spark_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--corpus", type=Path, default=spark_bench.DEFAULT_CORPUS, help="JSONL articles"
    )
    parser.add_argument(
        "--articles", type=int, default=2000, help="repeat the corpus to this many (default 2000)"
    )
    parser.add_argument("--files", type=int, default=8, help="input files (Spark tasks)")
    parser.add_argument("--cores", default="1,2", help="local cores to measure (default 1,2)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")


def run_bench_spark(args: argparse.Namespace) -> int:
    from quotetrace.errors import InputError

    if not args.corpus.is_file():
        raise InputError(f"no corpus at {args.corpus} (give --corpus FILE.jsonl)")
    folder = Path(tempfile.mkdtemp(prefix="quotetrace-bench-spark-"))
    try:
        inputs = folder / "in"
        inputs.mkdir()
        articles, chars = spark_bench.make_corpus(args.corpus, args.articles, args.files, inputs)
        results = []
        for cores in [int(c) for c in str(args.cores).split(",") if c.strip()]:
            found = spark_bench.spark_run(inputs, folder / f"out-{cores}", cores)
            results.append({"run": f"spark local[{cores}]", "cores": cores, **found})
        found = spark_bench.single_process(inputs)
        results.insert(0, {"run": "extract, one process", "cores": 1, **found})
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for row in results:
        row["docs_per_s"] = articles / row["seconds"]
        row["chars_per_s"] = chars / row["seconds"]
        row["docs_per_core_s"] = row["docs_per_s"] / row["cores"]
    if args.json:
        print(json.dumps({"articles": articles, "chars": chars, "runs": results}, indent=2))
        return 0
    print(f"{articles} articles, {chars:,} characters, {args.files} files")
    print(f"{'run':<22} {'s':>8} {'docs/s':>8} {'chars/s':>10} {'docs/s/core':>12} {'peak MB':>8}")
    for row in results:
        print(
            f"{row['run']:<22} {row['seconds']:>8.1f} {row['docs_per_s']:>8.2f} "
            f"{row['chars_per_s']:>10,.0f} {row['docs_per_core_s']:>12.2f} {row['peak_mb']:>8.0f}"
        )
    return 0
