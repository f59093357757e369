"""Throughput benchmark: documents/s, characters/s and peak memory on the Wikinews texts, for
quotetrace (one process and ``--jobs N``) beside the full en_core_web_sm pipeline, same texts,
same run. Each measurement runs in a fresh process so that peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import time
from pathlib import Path
from typing import Any

DEFAULT_CORPUS = Path("../shared/data/wikinews/articles.jsonl")


def load_texts(path: Path, limit: int | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                obj = json.loads(line)
                rows.append(
                    {
                        "id": obj.get("id", str(len(rows))),
                        "text": obj["text"],
                        "title": obj.get("title"),
                    }
                )
            if limit and len(rows) >= limit:
                break
    return rows


def _measure(mode: str, rows: list[dict[str, Any]], jobs: int, queue: Any) -> None:
    from quotetrace.model import Article

    start_load = time.perf_counter()
    if mode == "spacy-full":
        import spacy

        from quotetrace.nlp import MODEL_PACKAGE

        nlp = spacy.load(MODEL_PACKAGE)
        loaded = time.perf_counter()
        quotes = sum(len(d) for d in nlp.pipe((r["text"] for r in rows), batch_size=16))
    else:
        from quotetrace.runner import run_pipeline

        articles = [Article(id=r["id"], text=r["text"], title=r.get("title")) for r in rows]
        if jobs <= 1:
            from quotetrace.pipeline import Pipeline

            pipeline = Pipeline()
            loaded = time.perf_counter()
            quotes = sum(len(d.quotes) for d in run_pipeline(articles, pipeline=pipeline))
        else:
            loaded = time.perf_counter()  # workers load their model inside the timed run
            quotes = sum(len(d.quotes) for d in run_pipeline(articles, jobs=jobs))
    seconds = time.perf_counter() - loaded
    peak_kb = (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    )
    queue.put({"mode": mode, "jobs": jobs, "seconds": seconds, "load_seconds": loaded - start_load,
               "units": quotes, "peak_mb": peak_kb / 1024})  # fmt: skip


def measure(mode: str, rows: list[dict[str, Any]], jobs: int = 1) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_measure, args=(mode, rows, jobs, queue))
    proc.start()
    result: dict[str, Any] = queue.get()
    proc.join()
    chars = sum(len(r["text"]) for r in rows)
    result["docs_per_s"] = len(rows) / result["seconds"]
    result["chars_per_s"] = chars / result["seconds"]
    return result


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="JSONL with a text field"
    )
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    parser.add_argument("--jobs", "-j", type=int, default=2, help="workers for the parallel run")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def run(args: argparse.Namespace) -> int:
    if not args.corpus.exists():
        print(f"quotetrace bench: corpus not found: {args.corpus}")
        return 2
    rows = load_texts(args.corpus, args.limit)
    results = [measure("spacy-full", rows), measure("quotetrace", rows, 1)]
    if args.jobs > 1:
        results.append(measure("quotetrace", rows, args.jobs))
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
        name = r["mode"] + (f" --jobs {r['jobs']}" if r["mode"] != "spacy-full" else "")
        print(f"{name:<24}{r['docs_per_s']:>9.1f}{r['chars_per_s']:>12,.0f}{r['seconds']:>9.1f}"
              f"{r['peak_mb']:>9.0f}{r['speedup_vs_spacy_full']:>9.2f}x")  # fmt: skip
    print("(model load time excluded from the one-process runs; --jobs includes worker start-up)")
    return 0
