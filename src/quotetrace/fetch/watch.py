"""Keeping a store current from the web: URL inputs beside local paths, one ``watch`` round, the
feed list file and the one-line summary of what was fetched. The command line is
``quotetrace.cli.fetch``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from quotetrace.errors import InputError
from quotetrace.fetch.sources import WebSource, is_url, remember
from quotetrace.model import Article, Failure


def read_inputs(
    paths: Sequence[str],
    source: WebSource | None,
    local: Callable[[Sequence[str]], Iterator[Article | Failure]],
) -> Iterator[Article | Failure]:
    """Local paths through ``local`` and URLs through ``source``, in the order given."""
    for raw in paths:
        if is_url(raw):
            if source is None:
                raise InputError("URLs need a fetcher")  # a bug in the caller
            yield from source.articles([raw])
        else:
            yield from local([raw])


def web_summary(tally: Counter[str]) -> str:
    keys = ("feeds read", "feeds failed", "fetched", "unchanged", "failed", "unreadable")
    parts = [f"{tally[k]} {k}" for k in keys]
    if tally["feeds unchanged"]:
        parts.insert(1, f"{tally['feeds unchanged']} feeds unchanged")
    for extra in ("disallowed", "backing off"):
        if tally[extra]:
            parts.append(f"{tally[extra]} {extra}")
    return "web: " + ", ".join(parts)


def read_feed_list(path: str) -> list[str]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the feed list {path}: {exc}") from exc
    feeds = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    bad = [f for f in feeds if not is_url(f)]
    if bad:
        raise InputError(f"{path}: not http(s) URLs: {', '.join(bad[:3])}")
    return feeds


def watch_round(
    store: Any,
    source: WebSource,
    feeds: Sequence[str],
    pipeline: Any,
) -> Counter[str]:
    """One round: read every feed, fetch new or changed articles, store them. Returns the
    store outcomes (new, replaced, failed, ...) merged with the source's web tally."""
    tally: Counter[str] = Counter()
    run_id = store.start_run("watch", list(feeds))
    entries = source.feed_entries(feeds)
    for doc in pipeline.process_all(source.articles(entries)):
        outcome = store.ingest_document(doc, run_id=run_id)
        tally[outcome] += 1
        if outcome != "failed":
            for record in source.stored_ok(doc.article.id):
                remember(store.conn, record)
    for record in source.flush():
        remember(store.conn, record)
    store.finish_run(run_id, dict(tally))
    tally.update({f"web {k}": v for k, v in source.tally.items()})
    return tally
