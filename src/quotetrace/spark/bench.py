"""``quotetrace bench-spark``: what Spark costs per article.

The Wikinews articles are repeated (ids made unique) to a few thousand and split into files; the
same articles go through ``spark extract`` in local mode with 1 and with 2 cores, and through one
in-process ``Pipeline`` (model load excluded, as ``bench``), in the same run. Spark times are the
whole job after the session is up: listing, Python workers building their pipelines, extraction,
Arrow transfer and the Parquet writes. Peak memory is sampled from /proc over the job: the JVM
(driver and executor are one process in local mode) plus its Python workers.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

DEFAULT_CORPUS = Path("../shared/data/wikinews/articles.jsonl")


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


class MemorySampler:
    """Peak summed RSS of this process's descendants (the JVM and its Python workers)."""

    def __init__(self, interval: float = 0.25) -> None:
        self.interval = interval
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            tree = _children()
            todo, total = list(tree.get(os.getpid(), [])), 0
            while todo:
                pid = todo.pop()
                total += _rss_kb(pid)
                todo += tree.get(pid, [])
            self.peak_kb = max(self.peak_kb, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def make_corpus(source: Path, articles: int, files: int, folder: Path) -> tuple[int, int]:
    """``articles`` articles from ``source`` repeated, in ``files`` JSONL files; (articles, chars)."""
    base = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line]
    if not base:
        raise ValueError(f"{source} holds no articles")
    handles = [open(folder / f"part-{i:03d}.jsonl", "w", encoding="utf-8") for i in range(files)]  # noqa: SIM115
    chars = 0
    try:
        for n in range(articles):
            obj = dict(base[n % len(base)])
            obj["id"] = f"{obj.get('id', n)}#{n // len(base)}"
            chars += len(obj.get("text") or "")
            handles[n % files].write(json.dumps(obj, ensure_ascii=False) + "\n")
    finally:
        for handle in handles:
            handle.close()
    return articles, chars


def single_process(folder: Path) -> dict[str, Any]:
    from quotetrace.ingest import iter_articles
    from quotetrace.pipeline import Pipeline

    items = list(iter_articles([str(folder)]))
    pipeline = Pipeline()
    start = time.perf_counter()
    quotes = sum(len(doc.quotes) for doc in pipeline.process_all(items))
    import resource

    return {
        "seconds": time.perf_counter() - start,
        "quotes": quotes,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def spark_run(folder: Path, out: Path, cores: int) -> dict[str, Any]:
    from quotetrace.options import PipelineOptions
    from quotetrace.spark.extract import run_extract
    from quotetrace.spark.session import get_session

    spark = get_session(
        f"local[{cores}]", "quotetrace bench-spark", conf={"spark.ui.enabled": "false"}
    )
    try:
        with MemorySampler() as memory:
            start = time.perf_counter()
            summary = run_extract(spark, [str(folder)], str(out), PipelineOptions())
            seconds = time.perf_counter() - start
    finally:
        spark.stop()
    return {"seconds": seconds, "quotes": summary.quotes, "peak_mb": memory.peak_kb / 1024}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="JSONL articles")
    parser.add_argument(
        "--articles", type=int, default=2000, help="repeat the corpus to this many (default 2000)"
    )
    parser.add_argument("--files", type=int, default=8, help="input files (Spark tasks)")
    parser.add_argument("--cores", default="1,2", help="local cores to measure (default 1,2)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")


def run(args: argparse.Namespace) -> int:
    from quotetrace.errors import InputError

    if not args.corpus.is_file():
        raise InputError(f"no corpus at {args.corpus} (give --corpus FILE.jsonl)")
    folder = Path(tempfile.mkdtemp(prefix="quotetrace-bench-spark-"))
    try:
        inputs = folder / "in"
        inputs.mkdir()
        articles, chars = make_corpus(args.corpus, args.articles, args.files, inputs)
        results = []
        for cores in [int(c) for c in str(args.cores).split(",") if c.strip()]:
            found = spark_run(inputs, folder / f"out-{cores}", cores)
            results.append({"run": f"spark local[{cores}]", "cores": cores, **found})
        found = single_process(inputs)
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
