"""atheris harness: search and trace queries (any string, any filters) on a small real store."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import atheris
from common import expected, main, pipeline

with atheris.instrument_imports(include=["quotetrace"]):
    from quotetrace.ingest import iter_jsonl
    from quotetrace.kinds import ALL_KINDS
    from quotetrace.store import Store

EXAMPLES = Path(__file__).resolve().parents[1] / "src" / "quotetrace" / "examples" / "wikinews.jsonl"
SORTS = ("relevance", "newest", "oldest")


def _store() -> Store:
    path = os.path.join(tempfile.mkdtemp(prefix="quotetrace-fuzz-search-"), "q.db")
    store = Store.open(path)
    for doc in pipeline().process_all(iter_jsonl(EXAMPLES)):
        store.ingest_document(doc)
    store.settle()
    return store


STORE = _store()


def _maybe(fdp: atheris.FuzzedDataProvider, size: int) -> str | None:
    return fdp.ConsumeUnicode(size) if fdp.ConsumeBool() else None


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    speaker, outlet = _maybe(fdp, 40), _maybe(fdp, 20)
    since, until = _maybe(fdp, 12), _maybe(fdp, 12)
    kinds = [k for k in ALL_KINDS if fdp.ConsumeBool()] or None
    sort = SORTS[fdp.ConsumeIntInRange(0, len(SORTS) - 1)]
    limit = fdp.ConsumeIntInRange(1, 500)
    offset = fdp.ConsumeIntInRange(0, 100_000)
    query = fdp.ConsumeUnicode(fdp.remaining_bytes())
    hits = expected(
        lambda: STORE.search(
            query,
            speaker=speaker,
            outlet=outlet,
            since=since,
            until=until,
            kinds=kinds,
            sort=sort,  # type: ignore[arg-type]
            limit=limit,
            offset=offset,
        )
    )
    if hits is not None:
        assert len(hits) <= limit
    found = expected(lambda: STORE.trace(query))
    if found is not None:
        assert found.appearances


if __name__ == "__main__":
    main(test_one_input)
