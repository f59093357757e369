"""``quotetrace bench-spark``: what Spark costs per article.

The Wikinews articles are repeated (ids made unique) to a few thousand and split into files; the
same articles go through ``spark extract`` in local mode with 1 and with 2 cores, and through one
in-process ``Pipeline`` (model load excluded, as ``bench``), in the same run. Spark times are the
whole job after the session is up: listing, Python workers building their pipelines, extraction,
Arrow transfer and the Parquet writes. Peak memory is sampled from /proc over the job: the JVM
(driver and executor are one process in local mode) plus its Python workers.
"""

from __future__ import annotations

import json
import os
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
