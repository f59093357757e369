"""The open store: one SQLite connection (WAL mode), its write transactions, and the ``Store``
methods, each a call into write.py (runs, failures, articles), read.py (search, trace, speakers,
export, articles back) or settle.py.

One writer at a time is the expected use; a second writer waits for the lock (busy timeout) and the
in-memory LSH index is rebuilt when another connection has changed the database.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from quotetrace.errors import StoreError
from quotetrace.model import Document
from quotetrace.store import read, write
from quotetrace.store.cluster import LiveIndex, Trace
from quotetrace.store.read import SpeakerSummary
from quotetrace.store.schema import migrate
from quotetrace.store.search import SearchHit, Sort
from quotetrace.store.write import IngestOutcome

BUSY_TIMEOUT = 30.0  # seconds a writer waits for another writer's lock


def connect(path: str) -> sqlite3.Connection:
    """A connection to the store at ``path`` (":memory:" works), created and migrated when
    needed, in autocommit mode (transactions are explicit), WAL journal, foreign keys on."""
    if path != ":memory:":
        parent = Path(path).parent
        if not parent.is_dir():
            raise StoreError(f"cannot open {path}: folder {parent} does not exist")
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT)
        conn.execute("PRAGMA foreign_keys = ON")
        if path != ":memory:":
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(f"cannot switch {path} to WAL mode (got {mode})")
        conn.execute("PRAGMA synchronous = NORMAL")
        migrate(conn)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open {path}: {exc}") from exc
    return conn


class Store:
    """An open quote database. Use as a context manager or call ``close``."""

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self.conn = conn
        self.path = path
        self._live = LiveIndex()

    # -- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Store:
        """Open (creating and migrating when needed) the store at ``path``; ":memory:" works."""
        where = str(path)
        return cls(connect(where), where)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; rolled back (and the LSH index dropped) on any error."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write to {self.path}: {exc}") from exc
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            self._live.drop()
            raise

    # -- runs and failures --------------------------------------------------------------------

    def start_run(self, command: str, inputs: Sequence[str]) -> int:
        with self._write() as conn:
            return write.start_run(conn, command, inputs)

    def finish_run(self, run_id: int, tally: dict[str, int]) -> None:
        with self._write() as conn:
            write.finish_run(conn, run_id, tally)

    def record_failure(
        self, article_id: str, reason: str, source: str | None = None, *, run_id: int | None = None
    ) -> None:
        """Note an article that could not be ingested; the same failure again is counted."""
        with self._write() as conn:
            write.record_failure(conn, article_id, reason, source, run_id)

    # -- ingest -------------------------------------------------------------------------------

    def fingerprints(self) -> dict[str, str]:
        """Every stored article id with its fingerprint (to skip unchanged input early)."""
        return read.fingerprints(self.conn)

    def has_article(self, article_id: str, fingerprint: str) -> bool:
        """Whether this exact article (same id and content) is stored already."""
        return read.has_article(self.conn, article_id, fingerprint)

    def ingest_document(
        self, doc: Document, *, run_id: int | None = None, force: bool = False
    ) -> IngestOutcome:
        """Store one extracted article in one transaction. StoreError if the database fails.
        ``force``: replace the stored quotes of an unchanged article too (after an extractor
        upgrade, or with a cue model); the old ones go only when the new ones are written."""
        if doc.error is not None:
            self.record_failure(doc.article.id, doc.error, doc.article.source, run_id=run_id)
            return "failed"
        try:
            with self._write() as conn:
                return write.write_document(conn, self._live, doc, run_id, force)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot store article {doc.article.id!r}: {exc}") from exc

    def settle(self) -> None:
        """Speakers and clusters recomputed over the whole store in a fixed order, so that they
        do not depend on the order articles came in (store/settle.py); one transaction."""
        from quotetrace.store.settle import settle

        try:
            with self._write() as conn:
                settle(conn)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot settle speakers and clusters: {exc}") from exc

    # -- queries ------------------------------------------------------------------------------

    def search(
        self,
        text: str,
        *,
        speaker: str | None = None,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        kinds: Sequence[str] | None = None,
        occasion: str | None = None,
        said_since: str | None = None,
        sort: Sort = "relevance",
        limit: int = 50,
        offset: int = 0,
    ) -> list[SearchHit]:
        """Quotes matching ``text`` (any string; see search.py) and the filters."""
        return read.search(
            self.conn,
            text,
            speaker=speaker,
            outlet=outlet,
            since=since,
            until=until,
            kinds=kinds,
            occasion=occasion,
            said_since=said_since,
            sort=sort,
            limit=limit,
            offset=offset,
        )

    def trace(self, text: str) -> Trace | None:
        """The cluster of the quote best matching ``text`` (or a quote or cluster id)."""
        return read.trace(self.conn, text)

    def speakers(self) -> list[SpeakerSummary]:
        """Every speaker with its quote and article counts and the names it was written as."""
        return read.speakers(self.conn)

    def export(self) -> Iterator[dict[str, Any]]:
        """One dict per quote, with its article, speaker and cluster, in publication order."""
        return read.export(self.conn)

    def document(self, article_id: str) -> tuple[Document, dict[str, str]] | None:
        """The stored article as a ``Document`` (without findings: those are the caller's), and
        its quotes' local → store ids; None when it is not stored."""
        return read.document(self.conn, article_id)

    def article(self, article_id: str) -> dict[str, Any] | None:
        """One stored article with its quotes (spans, speaker, cluster), or None."""
        return read.article_summary(self.conn, article_id)

    def counts(self) -> dict[str, int]:
        """Rows per table (the data tables, then ``runs``)."""
        return read.counts(self.conn)

    def check(self) -> list[str]:
        """Consistency problems (empty when the database is consistent)."""
        return read.check(self.conn)
