"""Ingest order does not change speakers or clusters (issue 12): the same articles stored in two
orders give the same speakers, names and clusters, because ``Store.settle`` recomputes them over
the whole store in a fixed order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quotetrace.ingest import iter_jsonl
from quotetrace.model import Article, Document
from quotetrace.pipeline import Pipeline
from quotetrace.store import Store

DATA = Path(__file__).parent / "data"
EXAMPLES = Path(__file__).parent.parent / "src" / "quotetrace" / "examples" / "wikinews.jsonl"

# a surname-only speaker with two full names of that surname (filed to one of them or to
# neither depending on which came first, before settling), and one statement repeated in parts
BERGS = [
    ("berg-1", "2024-01-01", "“We will open the bridge in May, on time and on budget,” Berg said."),
    ("berg-2", "2024-01-02", "“We are ready for the vote,” Anna Berg said on Tuesday."),
    ("berg-3", "2024-01-03", "“The harbour will close,” Carl Berg said."),
    ("berg-4", "2024-01-04", "He said: “We will open the bridge in May.” Berg left."),
    ("berg-5", "2024-01-05", "“On time and on budget,” she repeated, as Berg said."),
]


@pytest.fixture(scope="module")
def documents(pipeline: Pipeline) -> list[Document]:
    items = [
        *iter_jsonl(DATA / "web-articles.jsonl"),
        *iter_jsonl(DATA / "wikinews-headlines.jsonl"),
    ]
    items += list(iter_jsonl(EXAMPLES))
    items += [Article(i, text, published=day) for i, day, text in BERGS]
    docs = list(pipeline.process_all(items))
    assert sum(len(d.quotes) for d in docs) > 50
    return docs


def snapshot(db: str) -> tuple[object, ...]:
    with Store.open(db) as store:
        conn = store.conn
        speakers = sorted(conn.execute("SELECT id, key, name FROM speakers").fetchall())
        per_quote = sorted(conn.execute("SELECT id, speaker_id, cluster_id FROM quotes").fetchall())
        clusters = sorted(r[0] for r in conn.execute("SELECT id FROM clusters"))
    return speakers, per_quote, clusters


@pytest.mark.parametrize("runs", [1, 3])
def test_two_orders_give_the_same_speakers_and_clusters(
    documents: list[Document], tmp_path: Path, runs: int
) -> None:
    orders = [documents, list(reversed(documents)), documents[1::2] + documents[::2]]
    snapshots = []
    for n, order in enumerate(orders):
        db = str(tmp_path / f"order{n}.db")
        size = -(-len(order) // runs)
        for start in range(0, len(order), size):  # one or several ingest runs
            with Store.open(db) as store:
                for doc in order[start : start + size]:
                    store.ingest_document(doc)
                store.settle()
        snapshots.append(snapshot(db))
    assert snapshots[0] == snapshots[1] == snapshots[2]
    speakers = {name for _, _, name in snapshots[0][0]}
    assert {"Anna Berg", "Carl Berg", "Berg"} <= speakers  # "Berg" alone: two Bergs, no guess


def test_settle_changes_nothing_when_run_twice(documents: list[Document], tmp_path: Path) -> None:
    db = str(tmp_path / "q.db")
    with Store.open(db) as store:
        for doc in documents:
            store.ingest_document(doc)
        store.settle()
    first = snapshot(db)
    with Store.open(db) as store:
        store.settle()
    assert snapshot(db) == first
    assert json.dumps(first)  # plain values only
