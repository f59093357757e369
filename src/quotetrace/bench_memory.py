"""Peak memory by article size (issue 12): one article of about 10 kB, 100 kB, 1 MB and 10 MB of
news text, each extracted in a fresh process, so that each peak is that article's own.

``size_class_texts`` builds the articles from real texts (the bench corpus, whole paragraphs, in
order, repeated if needed); ``memory_by_size`` measures them. Each figure: the process's peak
resident set after the model is loaded and one small article extracted (``baseline_mb``), its
peak after the sized article (``peak_mb``), and the difference: what that article cost. The soft
deadline is off for these runs and the character cap raised to the text, so that every size
finishes.
"""

from __future__ import annotations

import multiprocessing as mp
import resource
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from queue import Empty
from typing import Any

from quotetrace.errors import QuotetraceError

SIZE_CLASSES = (10_000, 100_000, 1_000_000, 10_000_000)
_WARM_UP = "“We will rebuild the bridge by May,” Mayor Ana Ortiz said on Tuesday."


@dataclass(frozen=True)
class MemoryRow:
    chars: int
    quotes: int
    error: str | None
    seconds: float
    baseline_mb: float  # peak RSS after loading the model and one small article
    peak_mb: float  # peak RSS after the sized article

    @property
    def article_mb(self) -> float:
        return self.peak_mb - self.baseline_mb


def size_class_texts(texts: Sequence[str], sizes: Sequence[int] = SIZE_CLASSES) -> list[str]:
    """For each size, the first paragraphs of ``texts`` (in order, repeated as needed) up to
    that many characters."""
    paragraphs = [p for text in texts for p in text.split("\n\n") if p.strip()]
    if not paragraphs:
        raise ValueError("no text to build articles from")
    out = []
    for size in sizes:
        parts: list[str] = []
        length = 0
        i = 0
        while length < size:
            para = paragraphs[i % len(paragraphs)]
            parts.append(para)
            length += len(para) + 2
            i += 1
        out.append("\n\n".join(parts)[:size])
    return out


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _measure(text: str, queue: Any) -> None:
    from quotetrace.limits import Limits
    from quotetrace.model import Article
    from quotetrace.pipeline import Pipeline

    pipeline = Pipeline(limits=Limits(seconds=None, chars=max(len(text), Limits.chars)))
    pipeline.process(Article(id="warm-up", text=_WARM_UP))
    baseline = _peak_mb()
    start = time.perf_counter()
    doc = pipeline.process(Article(id=f"size-{len(text)}", text=text))
    seconds = time.perf_counter() - start
    row = MemoryRow(len(text), len(doc.quotes), doc.error, seconds, baseline, _peak_mb())
    queue.put(asdict(row))


def measure_one(text: str) -> MemoryRow:
    """Extract ``text`` in a fresh (spawned) process; its memory and time."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_measure, args=(text, queue))
    proc.start()
    result: dict[str, Any] = {}
    try:
        while True:
            try:
                result = queue.get(timeout=1.0)
                break
            except Empty:
                if not proc.is_alive():  # killed (out of memory?) before it could answer
                    raise QuotetraceError(
                        f"the measuring process ended with {proc.exitcode} "
                        f"({len(text):,} characters)"
                    ) from None
    finally:
        proc.join()
    return MemoryRow(**result)


def memory_by_size(texts: Sequence[str], sizes: Sequence[int] = SIZE_CLASSES) -> list[MemoryRow]:
    """One row per size class, each measured in its own process."""
    return [measure_one(text) for text in size_class_texts(texts, sizes)]
