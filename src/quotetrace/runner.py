"""Run the pipeline over a stream of articles, in this process or in worker processes.

Workers build their own ``Pipeline`` in the pool initializer (the model loads once per worker);
results come back in input order. A ``Failure`` from ingest becomes a ``Document`` with ``error``.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Iterable, Iterator

from quotetrace.limits import DEFAULT_LIMITS, Limits
from quotetrace.model import Article, Document, Failure
from quotetrace.options import PipelineOptions
from quotetrace.pipeline import Pipeline

_worker_pipeline: list[Pipeline] = []  # filled in each worker by _init_worker
DEFAULT_OPTIONS = PipelineOptions()


def _make_pipeline(options: PipelineOptions, limits: Limits = DEFAULT_LIMITS) -> Pipeline:
    return Pipeline(
        topics=options.topics,
        kinds=options.kinds,
        join_turns=options.join_turns,
        cue_model=options.load_cue_model(),
        speaker_ranker=options.load_speaker_ranker(),
        limits=limits,
    )


def _init_worker(options: PipelineOptions, limits: Limits = DEFAULT_LIMITS) -> None:
    _worker_pipeline.append(_make_pipeline(options, limits))


def _work(item: Article | Failure) -> Document:
    return next(_worker_pipeline[0].process_all([item]))


def run_pipeline(
    items: Iterable[Article | Failure],
    *,
    jobs: int = 1,
    pipeline: Pipeline | None = None,
    options: PipelineOptions = DEFAULT_OPTIONS,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[Document]:
    """Documents in input order, extracted with ``options`` and ``limits`` (or by ``pipeline``,
    when given, in this process)."""
    options.check()  # a bad model file is the command's error, before any work starts
    if jobs <= 1:
        own = pipeline or _make_pipeline(options, limits)
        yield from own.process_all(items)
        return
    ctx = mp.get_context("spawn")
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(options, limits)) as pool:
        yield from pool.imap(_work, items, chunksize=2)
