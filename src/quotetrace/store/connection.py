"""The open store: one SQLite connection (WAL mode), its write transactions, and the ``Store``
methods, each a call into write.py (runs, failures, articles), read.py (search, trace, speakers,
export, articles back) or settle.py.

One writer at a time is the expected use; a second writer waits for the lock (busy timeout) and the
in-memory LSH index is rebuilt when another connection has changed the database.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from quotetrace.errors import StoreError
from quotetrace.model import Document
from quotetrace.store import read, write
from quotetrace.store.cluster import LiveIndex, Trace
from quotetrace.store.read import SpeakerSummary
from quotetrace.store.schema import MIGRATIONS, Migration, applied, migrate
from quotetrace.store.search import SearchHit, Sort
from quotetrace.store.write import IngestOutcome

BUSY_TIMEOUT = 30.0  # seconds a writer waits for another writer's lock


def connect(path: str) -> tuple[sqlite3.Connection, str | None]:
    """A connection to the store at ``path`` (":memory:" works), created and migrated when
    needed, in autocommit mode (transactions are explicit), WAL journal, foreign keys on; and why
    the store is read-only for this process (None when it is writable).

    A store in a folder this process cannot write is opened read-only and immutable when no
    write-ahead log is beside it: SQLite cannot make the ``-shm`` file it needs there, and no
    writer can be at work in such a folder. Its search, trace and export work; writes are refused.
    """
    if path == ":memory:":
        return _open(path, path, wal=False), None
    parent = Path(path).parent
    if not parent.is_dir():
        raise StoreError(f"cannot open {path}: folder {parent} does not exist")
    read_only = read_only_reason(path)
    if read_only is None:
        return _open(path, path, wal=True), None
    if not Path(path).is_file():
        raise StoreError(f"cannot create {path}: {read_only}")
    try:
        if not os.access(parent, os.W_OK) and not Path(f"{path}-wal").exists():
            uri = f"{Path(path).resolve().as_uri()}?mode=ro&immutable=1"
            return _open(uri, path, wal=False, uri=True, migrate_to=None), read_only
        return _open(path, path, wal=True), read_only
    except StoreError as exc:
        raise StoreError(f"{exc} ({read_only})") from exc


def read_only_reason(path: str) -> str | None:
    """Why this process cannot write the store at ``path`` (None when it can): a read-only file,
    a folder where SQLite cannot make its ``-wal`` and ``-shm`` files (or the new database), or
    a ``-wal``/``-shm`` left read-only by a process that read the store without write access."""
    parent = Path(path).parent
    if Path(path).exists() and not os.access(path, os.W_OK):
        return f"the file {path} is read-only"
    if not os.access(parent, os.W_OK | os.X_OK):
        name = Path(path).name
        return f"the folder {parent} is not writable (SQLite keeps {name}-wal and -shm beside it)"
    stuck = [side for side in (f"{path}-wal", f"{path}-shm") if not _writable(side)]
    if stuck:
        return (
            f"{' and '.join(stuck)} {'is' if len(stuck) == 1 else 'are'} read-only (left by a "
            "process that read the store without write access: make them writable)"
        )
    return None


def _writable(path: str) -> bool:
    return not Path(path).exists() or os.access(path, os.W_OK)


def _open(
    target: str,
    path: str,
    *,
    wal: bool,
    uri: bool = False,
    migrate_to: tuple[Migration, ...] | None = MIGRATIONS,
) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(target, isolation_level=None, timeout=BUSY_TIMEOUT, uri=uri)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open {path}: {explain(exc)}") from exc
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        if wal:
            _use_wal(conn, path)
        conn.execute("PRAGMA synchronous = NORMAL")
        if migrate_to is not None:
            migrate(conn, migrate_to)
        else:
            done = applied(conn)
            unknown = [name for name in done if name not in {m.name for m in MIGRATIONS}]
            if unknown:
                raise StoreError(f"database has migrations this version does not know: {unknown}")
            pending = [m.name for m in MIGRATIONS if m.name not in done]
            if pending:
                raise StoreError(f"cannot open {path}: it is read-only and needs {pending}")
    except sqlite3.Error as exc:
        conn.close()
        raise StoreError(f"cannot open {path}: {explain(exc)}") from exc
    except StoreError:
        conn.close()
        raise
    return conn


def _use_wal(conn: sqlite3.Connection, path: str) -> None:
    """Switch to WAL mode. The switch of a new database takes a lock without SQLite's busy
    handler: when another process opens the same new store at that moment, try again."""
    deadline = time.monotonic() + BUSY_TIMEOUT
    mode: object = None  # set before the loop's only way out (mypy: possibly-undefined)
    while True:
        try:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            break
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    if str(mode).lower() != "wal":
        raise StoreError(f"cannot switch {path} to WAL mode (got {mode})")


def explain(exc: sqlite3.Error) -> str:
    """SQLite's message, with what it means for the store when that is not plain."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code == sqlite3.SQLITE_FULL:
        return f"{exc} (what was stored before is kept: free space and run it again)"
    if code == sqlite3.SQLITE_BUSY:
        return f"{exc} (another process held the write lock for over {BUSY_TIMEOUT:g} s)"
    return str(exc)


class Store:
    """An open quote database. Use as a context manager or call ``close``."""

    def __init__(self, conn: sqlite3.Connection, path: str, read_only: str | None = None) -> None:
        self.conn = conn
        self.path = path
        self.read_only = read_only  # why this process cannot write it, or None
        self._live = LiveIndex()

    # -- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Store:
        """Open (creating and migrating when needed) the store at ``path``; ":memory:" works."""
        where = str(path)
        conn, read_only = connect(where)
        return cls(conn, where, read_only)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self, what: str) -> Iterator[sqlite3.Connection]:
        """One write transaction; rolled back (and the LSH index dropped) on any error. A
        database error (disk full, read-only, locked past the busy timeout) becomes a StoreError
        that starts with ``what``; the rows written before this transaction stay."""
        if self.read_only is not None:
            raise StoreError(f"cannot write to {self.path}: {self.read_only}")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write to {self.path}: {explain(exc)}") from exc
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                with suppress(sqlite3.Error):  # the first error is the one to report
                    self.conn.execute("ROLLBACK")
            self._live.drop()
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"{what}: {explain(exc)}") from exc
            raise

    @contextmanager
    def _read(self, what: str) -> Iterator[sqlite3.Connection]:
        """A database error while reading becomes a StoreError that starts with ``what``."""
        try:
            yield self.conn
        except sqlite3.Error as exc:
            raise StoreError(f"{what}: {explain(exc)}") from exc

    # -- runs and failures --------------------------------------------------------------------

    def start_run(self, command: str, inputs: Sequence[str]) -> int:
        with self._write("cannot record the run") as conn:
            return write.start_run(conn, command, inputs)

    def finish_run(self, run_id: int, tally: dict[str, int]) -> None:
        with self._write("cannot record the end of the run") as conn:
            write.finish_run(conn, run_id, tally)

    def record_failure(
        self, article_id: str, reason: str, source: str | None = None, *, run_id: int | None = None
    ) -> None:
        """Note an article that could not be ingested; the same failure again is counted."""
        with self._write(f"cannot record the failure of article {article_id!r}") as conn:
            write.record_failure(conn, article_id, reason, source, run_id)

    # -- ingest -------------------------------------------------------------------------------

    def fingerprints(self) -> dict[str, str]:
        """Every stored article id with its fingerprint (to skip unchanged input early)."""
        with self._read(f"cannot read {self.path}") as conn:
            return read.fingerprints(conn)

    def has_article(self, article_id: str, fingerprint: str) -> bool:
        """Whether this exact article (same id and content) is stored already."""
        with self._read(f"cannot read {self.path}") as conn:
            return read.has_article(conn, article_id, fingerprint)

    def ingest_document(
        self, doc: Document, *, run_id: int | None = None, force: bool = False
    ) -> IngestOutcome:
        """Store one extracted article in one transaction. StoreError if the database fails.
        ``force``: replace the stored quotes of an unchanged article too (after an extractor
        upgrade, or with a cue model); the old ones go only when the new ones are written."""
        if doc.error is not None:
            self.record_failure(doc.article.id, doc.error, doc.article.source, run_id=run_id)
            return "failed"
        with self._write(f"cannot store article {doc.article.id!r}") as conn:
            return write.write_document(conn, self._live, doc, run_id, force)

    def settle(self) -> None:
        """Speakers and clusters recomputed over the whole store in a fixed order, so that they
        do not depend on the order articles came in (store/settle.py); one transaction."""
        from quotetrace.store.settle import settle

        with self._write("cannot settle speakers and clusters") as conn:
            settle(conn)

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
        with self._read("search failed") as conn:
            return read.search(
                conn,
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
        with self._read("trace failed") as conn:
            return read.trace(conn, text)

    def speakers(self) -> list[SpeakerSummary]:
        """Every speaker with its quote and article counts and the names it was written as."""
        with self._read(f"cannot read the speakers of {self.path}") as conn:
            return read.speakers(conn)

    def export(self) -> Iterator[dict[str, Any]]:
        """One dict per quote, with its article, speaker and cluster, in publication order."""
        with self._read(f"cannot export {self.path}") as conn:
            yield from read.export(conn)

    def document(self, article_id: str) -> tuple[Document, dict[str, str]] | None:
        """The stored article as a ``Document`` (without findings: those are the caller's), and
        its quotes' local → store ids; None when it is not stored."""
        with self._read(f"cannot read article {article_id!r}") as conn:
            return read.document(conn, article_id)

    def article(self, article_id: str) -> dict[str, Any] | None:
        """One stored article with its quotes (spans, speaker, cluster), or None."""
        with self._read(f"cannot read article {article_id!r}") as conn:
            return read.article_summary(conn, article_id)

    def counts(self) -> dict[str, int]:
        """Rows per table (the data tables, then ``runs``)."""
        with self._read(f"cannot count the rows of {self.path}") as conn:
            return read.counts(conn)

    def check(self) -> list[str]:
        """Consistency problems (empty when the database is consistent)."""
        with self._read(f"cannot check {self.path}") as conn:
            return read.check(conn)
