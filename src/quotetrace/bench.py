"""Throughput benchmark: documents/s, characters/s and peak memory on the Wikinews texts, for
quotetrace (one process and ``--jobs N``) beside the full en_core_web_sm pipeline, same texts,
same run. Each measurement runs in a fresh process so that peak memory is its own.
"""

from __future__ import annotations

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
    if mode in ("spacy-full", "spacy-full-numpy-blas"):
        import spacy
        from threadpoolctl import threadpool_limits

        from quotetrace.nlp import MODEL_PACKAGE, load_on_numpy_blas

        if mode == "spacy-full":  # spaCy as it comes: thinc's BLIS
            nlp = spacy.load(MODEL_PACKAGE)
        else:  # the same BLAS set-up as quotetrace's own (nlp.SpacyAnalyzer)
            nlp = load_on_numpy_blas(MODEL_PACKAGE)
            threadpool_limits(limits=1, user_api="blas")
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
