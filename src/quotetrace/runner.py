"""Run the pipeline over a stream of articles, in this process or in worker processes.

Workers build their own ``Pipeline`` in the pool initializer (the model loads once per worker);
results come back in input order. A ``Failure`` from ingest becomes a ``Document`` with ``error``.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Iterable, Iterator, Sequence

from quotetrace.attribute.ranker import load_ranker_option
from quotetrace.cue_model import CueModel
from quotetrace.kinds import DEFAULT_KINDS
from quotetrace.limits import DEFAULT_LIMITS, Limits
from quotetrace.model import Article, Document, Failure
from quotetrace.pipeline import Pipeline

_worker_pipeline: list[Pipeline] = []  # filled in each worker by _init_worker


def _make_pipeline(
    topics: bool,
    kinds: Sequence[str],
    join_turns: bool,
    cue_model: str | None,
    speaker_ranker: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Pipeline:
    model = CueModel.load(cue_model) if cue_model else None
    return Pipeline(
        topics=topics,
        kinds=kinds,
        join_turns=join_turns,
        cue_model=model,
        speaker_ranker=load_ranker_option(speaker_ranker),
        limits=limits,
    )


def _init_worker(
    topics: bool,
    kinds: tuple[str, ...],
    join_turns: bool,
    cue_model: str | None,
    speaker_ranker: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> None:
    _worker_pipeline.append(
        _make_pipeline(topics, kinds, join_turns, cue_model, speaker_ranker, limits)
    )


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
    cue_model: str | None = None,
    speaker_ranker: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[Document]:
    """Documents in input order; ``topics``, ``kinds``, ``join_turns`` and ``limits`` as for
    ``Pipeline``; ``cue_model`` is the path of a trained cue model (``quotetrace train``)."""
    if cue_model:
        CueModel.load(cue_model)  # a bad file is the command's error, before any work starts
    load_ranker_option(speaker_ranker)
    if jobs <= 1:
        own = pipeline or _make_pipeline(
            topics, kinds, join_turns, cue_model, speaker_ranker, limits
        )
        yield from own.process_all(items)
        return
    ctx = mp.get_context("spawn")
    options = (topics, tuple(kinds), join_turns, cue_model, speaker_ranker, limits)
    with ctx.Pool(jobs, initializer=_init_worker, initargs=options) as pool:
        yield from pool.imap(_work, items, chunksize=2)
