"""Run the pipeline over a stream of articles, in this process or in worker processes.

Workers build their own ``Pipeline`` in the pool initializer (the model loads once per worker);
results come back in input order. A ``Failure`` from ingest becomes a ``Document`` with ``error``.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Iterable, Iterator, Sequence

from quotetrace.model import Article, Document, Failure
from quotetrace.pipeline import DEFAULT_KINDS, Pipeline

_worker_pipeline: list[Pipeline] = []  # filled in each worker by _init_worker


def _init_worker(topics: bool, kinds: tuple[str, ...]) -> None:
    _worker_pipeline.append(Pipeline(topics=topics, kinds=kinds))


def _work(item: Article | Failure) -> Document:
    return next(_worker_pipeline[0].process_all([item]))


def run_pipeline(
    items: Iterable[Article | Failure],
    *,
    jobs: int = 1,
    pipeline: Pipeline | None = None,
    topics: bool = False,
    kinds: Sequence[str] = DEFAULT_KINDS,
) -> Iterator[Document]:
    """Documents in input order; ``topics`` and ``kinds`` as for ``Pipeline``."""
    if jobs <= 1:
        yield from (pipeline or Pipeline(topics=topics, kinds=kinds)).process_all(items)
        return
    ctx = mp.get_context("spawn")
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(topics, tuple(kinds))) as pool:
        yield from pool.imap(_work, items, chunksize=2)
