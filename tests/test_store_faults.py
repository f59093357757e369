"""Faults in the store (issue 12): disk full, a read-only database file or folder, two writers at
once and a reader during a write. Each leaves a consistent store (``Store.check``) with every
article whole, and the command line reports it in one line (``quotetrace: …``, exit code 2, no
traceback). SIGKILL during ingest is tested in test_store.py, ingest order in test_store_order.py.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from quotetrace.errors import StoreError
from quotetrace.model import Article, Document, Party, Quote
from quotetrace.store import Store, connection
from quotetrace.store.cluster import LiveIndex
from quotetrace.store.write import write_document

QUOTETRACE = str(Path(sys.executable).with_name("quotetrace"))

# statements repeated across articles (clusters) by speakers written in several ways (speakers)
SAYINGS = [
    "We will open the bridge in May, on time and on budget",
    "The harbour will close for the winter after the storm damage",
    "Nobody in this city should have to wait a year for a doctor",
    "The vote on the budget is the most important one of the decade",
    "We have asked the ministry for the full report on the accident",
    "Our teachers deserve a pay rise that keeps up with prices",
    "The new line will carry forty thousand passengers a day",
    "There is no evidence that the water was ever unsafe to drink",
    "I will not stand for election again next year",
    "The talks broke down because the other side walked away",
    "Farmers cannot plan when the rules change every season",
    "This is the largest investment in the region for thirty years",
]
NAMES = ["Anna Berg", "Berg", "Carl Berg", "President Zelenskyy", "Zelensky", "the ministry"]
FILLER = "The council met on Tuesday. Residents asked about parking and the library. " * 3


def make_docs(count: int, *, start: int = 0) -> list[Document]:
    """Articles of four quotes each, drawn from SAYINGS and NAMES, with their spans."""
    docs = []
    for i in range(start, start + count):
        text, quotes = "", []
        for k in range(4):
            saying = SAYINGS[(i * 5 + k * 7) % len(SAYINGS)]
            name = NAMES[(i + k) % len(NAMES)]
            text += FILLER + "“"
            begin = len(text)
            text += saying
            end = len(text)
            text += ",” " + name + " said.\n\n"
            mention = ((end + 3, end + 3 + len(name)),)
            quotes.append(
                Quote(
                    id=f"q{k}",
                    type="direct",
                    content=((begin, end),),
                    text=saying,
                    speaker=Party(mention, name),
                )
            )
        day = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
        article = Article(id=f"story-{i}", text=text, published=day, outlet="Valley Post")
        docs.append(Document(article, quotes=tuple(quotes)))
    return docs


def snapshot(db: str | Path) -> tuple[object, ...]:
    """Everything ingest decides: articles, speakers, each quote's speaker and cluster."""
    with Store.open(db) as store:
        conn = store.conn
        return (
            sorted(conn.execute("SELECT id, fingerprint, n_quotes FROM articles")),
            sorted(conn.execute("SELECT id, key, name FROM speakers")),
            sorted(conn.execute("SELECT id, speaker_id, cluster_id FROM quotes")),
            sorted(conn.execute("SELECT id FROM clusters")),
        )


def ingest_all(db: str | Path, docs: list[Document]) -> None:
    with Store.open(db) as store:
        for doc in docs:
            store.ingest_document(doc)
        store.settle()


def assert_whole(db: str | Path, docs: list[Document], *, extracted: int = 0) -> int:
    """The store is consistent and every stored article has all its quotes (``docs`` stored as
    they are, ``extracted``: articles the command line extracted); returns how many are stored."""
    expected = {doc.article.id: len(doc.quotes) for doc in docs}
    with Store.open(db) as store:
        assert store.check() == []
        rows = store.conn.execute("SELECT id, n_quotes FROM articles").fetchall()
        assert len([r for r in rows if r[0] not in expected]) <= extracted
        for article_id, n_quotes in rows:
            assert n_quotes == expected.get(article_id, n_quotes)
            (stored,) = store.conn.execute(
                "SELECT count(*) FROM quotes WHERE article_id = ?", (article_id,)
            ).fetchone()
            assert stored == n_quotes
    return len(rows)


def run_cli(*args: str, prefix: tuple[str, ...] = (), timeout: float = 300) -> Any:
    return subprocess.run(
        [*prefix, QUOTETRACE, *args], capture_output=True, text=True, timeout=timeout
    )


def assert_one_line_error(result: Any, *words: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("quotetrace: "), result.stderr
    for word in words:
        assert word in lines[0]


def write_jsonl(path: Path, docs: list[Document]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for doc in docs:
            art = doc.article
            row = {"id": art.id, "text": art.text, "published": art.published}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


# --- disk full ----------------------------------------------------------------------------------


def test_disk_full_at_sqlite_page_limit_keeps_every_stored_article_whole(tmp_path: Path) -> None:
    """SQLite's own limit (``PRAGMA max_page_count``) stands in for a full disk: the article that
    does not fit is rolled back whole, the ones before it stay, and a later run completes the
    store exactly as one run on an empty disk would."""
    docs = make_docs(40)
    reference = tmp_path / "reference.db"
    ingest_all(reference, docs)
    db = tmp_path / "full.db"
    with Store.open(db) as store:
        run_id = store.start_run("ingest", ["test"])
        for doc in docs[:5]:
            store.ingest_document(doc, run_id=run_id)
        (pages,) = store.conn.execute("PRAGMA page_count").fetchone()
        store.conn.execute(f"PRAGMA max_page_count = {pages + 8}")
        with pytest.raises(StoreError) as caught:
            for doc in docs[5:]:
                store.ingest_document(doc, run_id=run_id)
        message = str(caught.value)
        assert message.startswith("cannot store article 'story-")
        assert "database or disk is full" in message and "kept" in message
        # the other writes fail the same way, as StoreError (never a bare sqlite3.Error)
        for write in (store.settle, lambda: store.finish_run(run_id, {"new": 5})):
            try:
                write()
            except StoreError as exc:
                assert "full" in str(exc)
    stored = assert_whole(db, docs)
    assert 5 <= stored < len(docs)
    ingest_all(db, docs)  # space again (the limit belonged to that connection)
    assert snapshot(db) == snapshot(reference)


def _small_filesystem() -> str | None:
    """Why a size-limited tmpfs cannot be mounted here (None when it can): it needs an
    unprivileged user and mount namespace (``unshare -rm``)."""
    if shutil.which("unshare") is None:
        return "no unshare"
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k none /mnt"],
        capture_output=True,
        text=True,
    )
    return None if probe.returncode == 0 else f"unshare -rm fails: {probe.stderr.strip()}"


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="tmpfs in a user namespace is Linux only")
def test_disk_full_on_a_small_filesystem_is_one_line_and_recoverable(tmp_path: Path) -> None:
    """A real full disk: the store on a 768 KiB tmpfs (in a user and mount namespace, no root
    needed) runs out of space part way through an ingest (4 of 12 articles stored when this was
    written); the command says so in one line, the store is consistent, and once the
    filesystem is larger the same command completes it."""
    why = _small_filesystem()
    if why is not None:
        pytest.skip(why)
    docs = make_docs(12)
    big = [replace_text(doc, FILLER * 40) for doc in docs]  # about 23 kB of text each
    source = write_jsonl(tmp_path / "articles.jsonl", big)
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    db = mnt / "q.db"
    check = (
        "import json, sys; from quotetrace.store import Store; s = Store.open(sys.argv[1]); "
        "print(json.dumps({'problems': s.check(), 'articles': s.counts()['articles']}))"
    )
    out = tmp_path / "out"
    out.mkdir()
    script = f"""
mount -t tmpfs -o size=768k none {mnt} || exit 99
{QUOTETRACE} ingest {source} --db {db} --no-progress 2> {out}/err1; echo $? > {out}/rc1
{sys.executable} -c "{check}" {db} > {out}/check1
mount -o remount,size=64m {mnt} || exit 98
{QUOTETRACE} ingest {source} --db {db} --no-progress 2> {out}/err2; echo $? > {out}/rc2
{sys.executable} -c "{check}" {db} > {out}/check2
"""
    done = subprocess.run(["unshare", "-rm", "sh", "-c", script], timeout=900)
    assert done.returncode == 0
    first = subprocess.CompletedProcess([], int((out / "rc1").read_text()), "", "")
    first.stderr = (out / "err1").read_text()
    assert_one_line_error(first, "cannot store article", "database or disk is full")
    after_full = json.loads((out / "check1").read_text())
    assert after_full["problems"] == [] and 0 < after_full["articles"] < len(docs)
    assert (out / "rc2").read_text().strip() == "0", (out / "err2").read_text()
    after_more = json.loads((out / "check2").read_text())
    assert after_more == {"problems": [], "articles": len(docs)}


def replace_text(doc: Document, extra: str) -> Document:
    """The document with ``extra`` text after its own (its spans stay where they are)."""
    from dataclasses import replace

    return replace(doc, article=replace(doc.article, text=doc.article.text + extra))


# --- read-only ----------------------------------------------------------------------------------


def _unprivileged(probe_dir: Path) -> tuple[str, ...]:
    """A command prefix under which file permissions hold (root ignores them: as root, drop the
    capabilities that override them with setpriv), or skip the test."""
    if os.geteuid() != 0:
        return ()
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    prefix = ("setpriv", "--bounding-set=-dac_override,-dac_read_search", "--")
    target = probe_dir / "probe"
    target.write_text("x")
    target.chmod(0o444)
    tried = subprocess.run([*prefix, "sh", "-c", f"echo y >> {target}"], capture_output=True)
    target.chmod(0o644)
    target.unlink()
    if tried.returncode == 0:
        pytest.skip("setpriv could not drop the capability to override permissions")
    return prefix


def _stored(tmp_path: Path, folder: str = "store") -> tuple[Path, list[Document]]:
    where = tmp_path / folder
    where.mkdir()
    docs = make_docs(12)
    ingest_all(where / "q.db", docs)
    return where / "q.db", docs


@pytest.mark.slow  # waits on SQLite busy retries (about 3 s)
def test_a_read_only_database_file_refuses_writes_and_still_answers_searches(
    tmp_path: Path,
) -> None:
    db, docs = _stored(tmp_path)
    before = snapshot(db)
    prefix = _unprivileged(tmp_path)
    source = write_jsonl(tmp_path / "more.jsonl", make_docs(3, start=100))
    db.chmod(0o444)
    try:
        result = run_cli("ingest", str(source), "--db", str(db), "--no-progress", prefix=prefix)
        assert_one_line_error(result, "cannot write to", "is read-only")
        found = run_cli("search", "bridge", "--db", str(db), "--format", "jsonl", prefix=prefix)
        assert found.returncode == 0, found.stderr
        assert len(found.stdout.splitlines()) > 0
        traced = run_cli("trace", SAYINGS[0], "--db", str(db), prefix=prefix)
        assert traced.returncode == 0, traced.stderr
    finally:
        db.chmod(0o644)
    # SQLite made the -wal and -shm files for those readers with the file's mode: read-only.
    # A writer after them is told which files stop it, not just "readonly database".
    sides = [Path(f"{db}-wal"), Path(f"{db}-shm")]
    if all(side.exists() for side in sides):
        result = run_cli("ingest", str(source), "--db", str(db), "--no-progress", prefix=prefix)
        assert_one_line_error(result, "q.db-wal and ", "q.db-shm are read-only", "make them")
        for side in sides:
            side.chmod(0o644)
    assert snapshot(db) == before
    assert assert_whole(db, docs) == len(docs)
    result = run_cli("ingest", str(source), "--db", str(db), "--no-progress", prefix=prefix)
    assert result.returncode == 0, result.stderr
    assert assert_whole(db, docs, extracted=3) == len(docs) + 3


def test_a_read_only_folder_refuses_writes_and_still_answers_searches(tmp_path: Path) -> None:
    """In a folder it cannot write, SQLite cannot make the -wal and -shm files: the store opens
    read-only (immutable: no writer can be at work there), searches work, writes and new stores
    are refused with the reason."""
    db, docs = _stored(tmp_path)
    before = snapshot(db)
    prefix = _unprivileged(tmp_path)
    source = write_jsonl(tmp_path / "more.jsonl", make_docs(3, start=100))
    folder = db.parent
    files = sorted(p.name for p in folder.iterdir())
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP)
    try:
        result = run_cli("ingest", str(source), "--db", str(db), "--no-progress", prefix=prefix)
        assert_one_line_error(result, "cannot write to", "is not writable")
        found = run_cli("search", "bridge", "--db", str(db), "--format", "jsonl", prefix=prefix)
        assert found.returncode == 0, found.stderr
        assert len(found.stdout.splitlines()) > 0
        speakers = run_cli("speakers", "--db", str(db), "--format", "jsonl", prefix=prefix)
        assert speakers.returncode == 0, speakers.stderr
        assert "Anna Berg" in speakers.stdout
        fresh = folder / "new.db"
        made = run_cli("ingest", str(source), "--db", str(fresh), "--no-progress", prefix=prefix)
        assert_one_line_error(made, "cannot create", "is not writable")
        assert sorted(p.name for p in folder.iterdir()) == files  # nothing left behind
    finally:
        folder.chmod(0o755)
    assert snapshot(db) == before
    assert assert_whole(db, docs) == len(docs)


# --- two writers --------------------------------------------------------------------------------


def _writer(db: str, docs: list[Document], go: Any, results: Any) -> None:
    go.wait()
    try:
        with Store.open(db) as store:
            run_id = store.start_run("ingest", [])
            outcomes = [store.ingest_document(doc, run_id=run_id) for doc in docs]
            store.settle()
            store.finish_run(run_id, {})
        results.put(("done", outcomes.count("new"), outcomes.count("unchanged")))
    except Exception as exc:  # noqa: BLE001  (reported to the parent, which fails the test)
        results.put(("error", f"{type(exc).__name__}: {exc}", 0))


@pytest.fixture
def fork() -> Iterator[Any]:
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("needs fork")
    import datasketch  # noqa: F401  (loaded once, before forking)

    yield multiprocessing.get_context("fork")


def test_two_writers_at_once_both_finish_and_lose_nothing(tmp_path: Path, fork: Any) -> None:
    """Two processes ingest overlapping halves (in opposite orders) into one new store at the same
    moment: each waits for the other's transactions, both finish, and the store holds exactly
    what one process ingesting everything gives."""
    docs = make_docs(36)
    reference = tmp_path / "one-writer.db"
    ingest_all(reference, docs)
    expected = snapshot(reference)
    for round_no, (first, second) in enumerate(
        [(docs[:24], docs[12:][::-1]), (docs[::2] + docs[1::4], docs[1::2] + docs[::4])]
    ):
        db = str(tmp_path / f"two-writers-{round_no}.db")
        go, results = fork.Event(), fork.Queue()
        procs = [
            fork.Process(target=_writer, args=(db, part, go, results)) for part in (first, second)
        ]
        for proc in procs:
            proc.start()
        go.set()
        for proc in procs:
            proc.join(timeout=300)
        reports = [results.get(timeout=10) for _ in procs]
        assert all(kind == "done" for kind, _, _ in reports), reports
        new = sum(n for _, n, _ in reports)
        assert new == len(docs)  # every article stored once: by one writer, unchanged for the other
        assert snapshot(db) == expected
        assert assert_whole(db, docs) == len(docs)


def _opener(db: str, go: Any, results: Any) -> None:
    go.wait()
    try:
        with Store.open(db) as store:
            store.start_run("open", [])
        results.put("ok")
    except Exception as exc:  # noqa: BLE001
        results.put(f"{type(exc).__name__}: {exc}")


def test_processes_opening_a_new_store_at_once_all_succeed(tmp_path: Path, fork: Any) -> None:
    """Switching a new database to WAL takes a lock SQLite's busy handler does not wait for:
    several processes creating one store at the same moment used to fail now and then with
    'database is locked' (4 of 120 opens in one trial)."""
    outcomes: list[str] = []
    for round_no in range(10):
        db = str(tmp_path / f"new-{round_no}.db")
        go, results = fork.Event(), fork.Queue()
        procs = [fork.Process(target=_opener, args=(db, go, results)) for _ in range(6)]
        for proc in procs:
            proc.start()
        go.set()
        for proc in procs:
            proc.join(timeout=120)
        outcomes += [results.get(timeout=10) for _ in procs]
    assert outcomes == ["ok"] * 60, [o for o in outcomes if o != "ok"]


def test_a_writer_locked_out_past_the_busy_timeout_fails_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = make_docs(4)
    db = tmp_path / "q.db"
    ingest_all(db, docs[:2])
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process's long write transaction
    monkeypatch.setattr(connection, "BUSY_TIMEOUT", 0.2)
    try:
        with (
            Store.open(db) as store,
            pytest.raises(StoreError, match="database is locked .*held the write lock"),
        ):
            store.ingest_document(docs[2])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with Store.open(db) as store:
        assert store.ingest_document(docs[2]) == "new"
    assert assert_whole(db, docs) == 3


@pytest.mark.slow
def test_two_ingest_commands_at_once(tmp_path: Path) -> None:
    """The same through the command line: two `quotetrace ingest` runs into one store at once."""
    docs = make_docs(10)
    a = write_jsonl(tmp_path / "a.jsonl", docs[:6])
    b = write_jsonl(tmp_path / "b.jsonl", docs[3:][::-1])
    both = write_jsonl(tmp_path / "both.jsonl", docs)
    db = str(tmp_path / "q.db")
    procs = [
        subprocess.Popen(
            [QUOTETRACE, "ingest", str(source), "--db", db, "--no-progress"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for source in (a, b)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        assert "Traceback" not in err
    reference = str(tmp_path / "one.db")
    alone = run_cli("ingest", str(both), "--db", reference, "--no-progress", timeout=600)
    assert alone.returncode == 0, alone.stderr
    assert snapshot(db) == snapshot(reference)
    with Store.open(db) as store:
        assert store.check() == [] and store.counts()["articles"] == len(docs)


# --- a reader during a write --------------------------------------------------------------------


def test_a_reader_during_a_write_sees_the_last_commit_and_does_not_wait(tmp_path: Path) -> None:
    docs = make_docs(12)
    db = tmp_path / "q.db"
    ingest_all(db, docs[:10])
    before = snapshot(db)
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("PRAGMA foreign_keys = ON")
    writer.execute("BEGIN IMMEDIATE")
    for doc in docs[10:]:  # written, not yet committed
        write_document(writer, LiveIndex(), doc, None)
    try:
        with Store.open(db) as reader:
            assert reader.counts()["articles"] == 10
            assert reader.document(docs[10].article.id) is None
            assert reader.search("bridge") and reader.trace(SAYINGS[0]) is not None
            assert reader.speakers() and len(list(reader.export())) == 40
        assert snapshot(db) == before
        # another process too: the command answers at once (the write lock is no read lock)
        found = run_cli("search", "bridge", "--db", str(db), "--format", "jsonl", timeout=120)
        assert found.returncode == 0, found.stderr
        assert {json.loads(line)["article_id"] for line in found.stdout.splitlines()} <= {
            doc.article.id for doc in docs[:10]
        }
        # a reader part way through an export keeps its snapshot while the writer commits
        with Store.open(db) as reader:
            rows = reader.export()
            first = next(rows)
            writer.execute("COMMIT")
            seen = [first, *rows]
            assert len(seen) == sum(len(doc.quotes) for doc in docs[:10])
            assert reader.counts()["articles"] == 12
    finally:
        if writer.in_transaction:
            writer.execute("ROLLBACK")
        writer.close()
    assert assert_whole(db, docs) == 12
