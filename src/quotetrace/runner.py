"""Run the pipeline over a stream of articles, in this process or in worker processes.

Workers build their own ``Pipeline`` in the pool initializer (the model loads once per worker);
results come back in input order. A ``Failure`` from ingest becomes a ``Document`` with ``error``.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Iterable, Iterator, Sequence

from quotetrace.kinds import DEFAULT_KINDS
from quotetrace.model import Article, Document, Failure
from quotetrace.pipeline import Pipeline

_worker_pipeline: list[Pipeline] = []  # filled in each worker by _init_worker


def _init_worker(topics: bool, kinds: tuple[str, ...], join_turns: bool) -> None:
    _worker_pipeline.append(Pipeline(topics=topics, kinds=kinds, join_turns=join_turns))


def _work(item: Article | Failure) -> Document:
    return next(_worker_pipeline[0].process_all([item]))


def run_pipeline(
    items: Iterable[Article | Failure],
    *,
    jobs: int = 1,
    pipeline: Pipeline | None = None,
    topics: bool = False,
    kinds: Sequence[str] = DEFAULT_KINDS,
    join_turns: bool = False,
) -> Iterator[Document]:
    """Documents in input order; ``topics``, ``kinds`` and ``join_turns`` as for ``Pipeline``."""
    if jobs <= 1:
        own = pipeline or Pipeline(topics=topics, kinds=kinds, join_turns=join_turns)
        yield from own.process_all(items)
        return
    ctx = mp.get_context("spawn")
    options = (topics, tuple(kinds), join_turns)
    with ctx.Pool(jobs, initializer=_init_worker, initargs=options) as pool:
        yield from pool.imap(_work, items, chunksize=2)
