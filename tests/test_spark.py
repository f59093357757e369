"""The Spark job (quotetrace[spark]): local mode, and a standalone master with one worker started
here with PySpark's own sbin script, so the job crosses process boundaries and ships the package.

Outputs are compared quote for quote with `quotetrace extract` on the same files; a rerun must
change nothing; a Python worker that dies mid-job (the KILL_ONCE hook) must leave the same output.
Select them with `pytest -m spark`; `make test` runs them (it installs PySpark and a Java runtime).
"""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from quotetrace.cli import main
from quotetrace.kinds import DEFAULT_KINDS, filter_kinds
from quotetrace.model import Article, Document, Party, Quote
from quotetrace.output.jsonl import document_to_dict
from quotetrace.pipeline import Pipeline
from quotetrace.spark import rows

pyspark = pytest.importorskip("pyspark", reason="the quotetrace[spark] extra is not installed")
pytestmark = [
    pytest.mark.spark,
    pytest.mark.slow,  # JVMs, a standalone cluster: minutes
    pytest.mark.skipif(
        shutil.which("java") is None, reason="no Java runtime (make test installs one)"
    ),
]

EXAMPLES = (
    Path(__file__).resolve().parents[1] / "src" / "quotetrace" / "examples" / "wikinews.jsonl"
)
TEXT = (
    "Harbour City, 4 March 2024 — “We will reopen the ferry terminal by June,” Mayor Ana Ortiz "
    "said on Tuesday. She told reporters that the repairs would cost $4 million.\n\n"
    "The union disagreed. “Nobody has asked the workers,” said Paul Berg, its president."
)
HTML = (
    "<html><head><title>Council votes</title>"
    '<meta property="article:published_time" content="2024-05-02T10:00:00Z"></head><body>'
    "<article><h1>Council votes on the budget</h1><p>The council voted 7 to 2 on Monday.</p>"
    "<p>“This budget protects the libraries,” councillor Mei Chen said after the vote. "
    "Opponents said the plan would raise fees for parking.</p></article></body></html>"
)
# the ferry quote again, credited to someone else: one cluster, conflicting speakers
ECHO = {
    "id": "echo-1",
    "published": "2024-03-09",
    "text": "Officials repeated the promise. “We will reopen the ferry terminal by June,” Governor "
    "Tom Reyes said on Friday, and he added that the state would pay half of the repairs.",
}
PAGE = (
    b"<html><head><title>Storm</title></head><body><article><h1>Storm hits coast</h1>"
    b"<p>\xe2\x80\x9cThe water rose faster than anyone expected,\xe2\x80\x9d fire chief Hannah "
    b"Birch said on Sunday, adding that two roads remain closed.</p></article></body></html>"
)


def _write_warc(path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for uri, body, status, ctype in (
            ("https://news.example/storm", PAGE, "200 OK", "text/html; charset=utf-8"),
            ("https://news.example/gone", b"not here", "404 Not Found", "text/html"),
            ("https://news.example/logo.png", b"\x89PNG\r\n", "200 OK", "image/png"),
        ):
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    uri, "response", payload=io.BytesIO(body), http_headers=headers
                )
            )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, pipeline: Pipeline) -> dict[str, Any]:
    """Inputs of every kind, and what `quotetrace extract` (and, for the WARC, the ingest readers
    with the same pipeline) makes of them."""
    root = tmp_path_factory.mktemp("spark-corpus")
    news = root / "news"
    (news / "more").mkdir(parents=True)
    lines = EXAMPLES.read_text(encoding="utf-8").splitlines()
    (news / "feed.jsonl.gz").write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    bad = json.dumps({"id": "no-text", "title": "empty"}) + "\n{not json\n"
    (news / "bad.jsonl").write_text(bad + json.dumps({"id": "ok-1", "text": TEXT}) + "\n")
    (news / "ferry.txt").write_text(TEXT, encoding="utf-8")
    (news / "echo.jsonl").write_text(json.dumps(ECHO) + "\n", encoding="utf-8")
    (news / "more" / "council.html").write_text(HTML, encoding="utf-8")
    crawl = root / "crawl"
    crawl.mkdir()
    _write_warc(crawl / "crawl.warc.gz")

    reference = root / "reference.jsonl"
    assert main(["extract", str(news), "-o", str(reference)]) == 1  # the bad lines fail
    docs = [json.loads(line) for line in reference.read_text(encoding="utf-8").splitlines()]
    from quotetrace.store.inputs import iter_inputs

    for item in pipeline.process_all(iter_inputs([str(crawl)])):
        docs.append(document_to_dict(filter_kinds(item, DEFAULT_KINDS)))
    return {"inputs": [str(news), str(crawl)], "docs": docs, "root": root}


def _snapshot(out: Path) -> dict[str, list[dict[str, Any]]]:
    """Every dataset's rows, in a fixed order."""
    snap = {}
    for name in ("articles", "quotes", "errors"):
        table = rows.read_dataset(str(out), name).to_pylist()
        snap[name] = sorted(table, key=lambda r: json.dumps(r, sort_keys=True, default=str))
    return snap


_ADDED = ("quote_id", "index", "parent_id", "article_id", "published", "published_date",
          "outlet", "url", "input_file", "input_record", "month")  # fmt: skip


def _assert_same_as_reference(out: Path, docs: list[dict[str, Any]]) -> None:
    snap = _snapshot(out)
    by_article: dict[str, list[dict[str, Any]]] = {}
    for quote in snap["quotes"]:
        by_article.setdefault(quote["article_id"], []).append(quote)
    good = [d for d in docs if d["error"] is None]
    assert sorted(a["article_id"] for a in snap["articles"]) == sorted(d["id"] for d in good)
    assert sorted((e["article_id"], e["reason"]) for e in snap["errors"]) == sorted(
        (d["id"], d["error"]) for d in docs if d["error"] is not None
    )
    total = 0
    for doc in good:
        got = sorted(by_article.get(doc["id"], []), key=lambda q: q["index"])
        assert [{k: v for k, v in q.items() if k not in _ADDED} for q in got] == doc["quotes"]
        total += len(got)
    assert total == len(snap["quotes"]) > 10
    for article in snap["articles"]:
        expected = next(d for d in good if d["id"] == article["article_id"])
        assert article["entities"] == expected["entities"]
        assert article["findings"] == expected["findings"]
        for quote in by_article.get(article["article_id"], []):
            for start, end in quote["content"]:
                assert article["text"][start:end] in quote["text"]


def _extract(inputs: list[str], out: Path, master: str) -> int:
    return main(["spark", "extract", *inputs, "--out", str(out), "--master", master,
                 "--conf", "spark.ui.enabled=false", "--batch-size", "2"])  # fmt: skip


@pytest.fixture(scope="module")
def local_out(corpus: dict[str, Any]) -> Path:
    out = corpus["root"] / "local-out"
    assert _extract(corpus["inputs"], out, "local[2]") == 1  # the bad lines are error rows
    return out


def test_local_mode_matches_extract_and_a_rerun_changes_nothing(
    corpus: dict[str, Any], local_out: Path
) -> None:
    out = local_out
    _assert_same_as_reference(out, corpus["docs"])
    months = sorted(p.name for p in (out / "articles").iterdir() if p.name.startswith("month="))
    expected = {rows.month_of(d["published"])[1] for d in corpus["docs"] if d["error"] is None}
    assert months == [f"month={m}" for m in sorted(expected)] and len(months) >= 3
    first = _snapshot(out)
    assert _extract(corpus["inputs"], out, "local[2]") == 1
    assert _snapshot(out) == first  # same rows, none twice


@pytest.fixture(scope="module")
def ingested(corpus: dict[str, Any]) -> Path:
    """The same inputs through `quotetrace ingest` (the single-machine store)."""
    db = corpus["root"] / "ingested.db"
    assert main(["ingest", *corpus["inputs"], "--db", str(db)]) == 1  # the bad lines
    return db


def test_load_fills_the_store_and_twice_changes_nothing(local_out: Path, tmp_path: Path) -> None:
    from quotetrace.store import Store

    db = tmp_path / "loaded.db"
    assert main(["load", str(local_out), "--db", str(db)]) == 0
    parquet = rows.read_dataset(str(local_out), "quotes").to_pylist()
    expected = sorted(
        (q["quote_id"], q["article_id"], q["type"], q["kind"], q["text"],
         min(s for s, _ in q["content"]), max(e for _, e in q["content"]),
         (q["speaker"] or {}).get("name"), q["parent_id"], q["confidence"])
        for q in parquet
    )  # fmt: skip
    errors = sorted(
        (e["article_id"], e["reason"])
        for e in rows.read_dataset(str(local_out), "errors").to_pylist()
    )

    def contents(path: Path) -> dict[str, Any]:
        with Store.open(path) as store:
            conn = store.conn
            return {
                "quotes": sorted(conn.execute(
                    "SELECT id, article_id, type, kind, text, start, end, speaker_name, parent_id, "
                    "confidence FROM quotes"
                )),
                "articles": conn.execute("SELECT count(*) FROM articles").fetchone()[0],
                "failures": sorted(conn.execute("SELECT article_id, reason FROM failures")),
                "clusters": sorted(conn.execute("SELECT id, cluster_id FROM quotes")),
                "speakers": sorted(conn.execute("SELECT id, name FROM speakers")),
            }  # fmt: skip

    loaded = contents(db)
    assert loaded["quotes"] == expected and len(expected) > 10
    assert loaded["failures"] == errors and loaded["articles"] == len(
        rows.read_dataset(str(local_out), "articles")
    )
    assert main(["load", str(local_out), "--db", str(db)]) == 0
    assert contents(db) == loaded
    with Store.open(db) as store:
        assert store.search("ferry terminal")
        trace = store.trace("We will reopen the ferry terminal by June")
    assert trace is not None and trace.conflicting_speakers


def test_spark_clusters_agree_with_the_store(
    local_out: Path, ingested: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from quotetrace.store import Store

    args = ["spark", "cluster", "--in", str(local_out), "--master", "local[2]",
            "--conf", "spark.ui.enabled=false", "--compare-db", str(ingested)]  # fmt: skip
    assert main(args) == 0
    report = capsys.readouterr().out
    import pyarrow.parquet as pq

    clusters = pq.read_table(local_out / "clusters").to_pylist()
    assigned = pq.read_table(local_out / "quote_clusters").to_pylist()
    ours = {r["quote_id"]: r["cluster_id"] for r in assigned}
    # the same clusters as the store that `quotetrace ingest` filled from the same files
    assert "precision 1.000, recall 1.000" in report, report
    db = tmp_path / "loaded.db"  # loaded in the same order: the very same cluster ids
    assert main(["load", str(local_out), "--db", str(db)]) == 0
    with Store.open(db) as store:
        assert dict(store.conn.execute("SELECT id, cluster_id FROM quotes")) == ours
    ferry = [c for c in clusters if "ferry terminal" in c["first_text"]]
    assert len(ferry) == 1 and ferry[0]["size"] == 3 and ferry[0]["conflicting_speakers"]
    assert ferry[0]["first_article_id"] == "echo-1"  # the only dated one: undated ones go last
    assert {s["name"] for s in ferry[0]["speakers"]} == {"Ana Ortiz", "Tom Reyes"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def standalone(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A master and one worker (1 core), started with PySpark's sbin/spark-daemon.sh (what
    start-master.sh and start-worker.sh run; the PyPI package ships only that script)."""
    home = Path(pyspark.__file__).parent
    daemon = home / "sbin" / "spark-daemon.sh"
    port = _free_port()
    env = {
        **os.environ,
        "SPARK_HOME": str(home),
        "SPARK_LOG_DIR": str(tmp_path / "logs"),
        "SPARK_PID_DIR": str(tmp_path / "pids"),
        "SPARK_IDENT_STRING": f"quotetrace-test-{port}",
        "SPARK_LOCAL_IP": "127.0.0.1",
    }
    master = f"spark://127.0.0.1:{port}"
    work = tmp_path / "work"
    daemons = [
        ("org.apache.spark.deploy.master.Master",
         ["--host", "127.0.0.1", "--port", str(port), "--webui-port", str(_free_port())]),
        ("org.apache.spark.deploy.worker.Worker",
         ["--cores", "1", "--memory", "2g", "--work-dir", str(work),
          "--webui-port", str(_free_port()), master]),
    ]  # fmt: skip
    started = []
    try:
        for cls, args in daemons:
            subprocess.run(["bash", str(daemon), "start", cls, "1", *args], env=env, check=True)
            started.append(cls)
        master_log = next((tmp_path / "logs").glob("*Master*.out"))
        deadline = time.monotonic() + 120
        while "Registering worker" not in master_log.read_text(errors="replace"):
            assert time.monotonic() < deadline, "the worker never registered with the master"
            time.sleep(0.5)
        yield {"master": master, "work": work}
    finally:
        for cls in reversed(started):
            subprocess.run(["bash", str(daemon), "stop", cls, "1"], env=env, check=False)


def test_standalone_cluster_with_a_killed_worker_gives_the_same_output(
    corpus: dict[str, Any],
    standalone: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from quotetrace.spark.session import KILL_ONCE_ENV

    marker = tmp_path / "killed"
    monkeypatch.setenv(KILL_ONCE_ENV, str(marker))
    out = tmp_path / "out"
    assert _extract(corpus["inputs"], out, standalone["master"]) == 1
    assert marker.exists()  # a Python worker did exit mid-job; Spark retried its task
    _assert_same_as_reference(out, corpus["docs"])
    shipped = list(standalone["work"].glob("app-*/*/quotetrace.zip"))
    assert shipped, "the package was not shipped to the executor"


# --- without Spark --------------------------------------------------------------------------------


def test_rows_give_back_the_document() -> None:
    text = "“We will rebuild the bridge,” Mayor Ana Ortiz said on Tuesday."
    article = Article(id="a1", text=text, published="2021-03-05", title="Bridge")
    speaker = Party(((30, 44),), "Ana Ortiz", "e1")
    quotes = (
        Quote("q1", "direct", ((1, 28),), text[1:28], cue=((45, 49),), speaker=speaker),
        Quote("q2", "direct", ((4, 11),), text[4:11], parent="q1", confidence=0.25),
    )
    doc = Document(article, quotes)
    row = rows.document_row(doc)
    assert row["month"] == "2021-03" and row["published_date"] == "2021-03-05"
    assert row["quotes"][1]["parent_id"] == row["quotes"][0]["quote_id"]
    back = rows.document_from_rows(row, list(reversed(row["quotes"])))
    assert back.quotes == doc.quotes and back.article.fingerprint == article.fingerprint
    row["quotes"][0]["index"] = 1
    row["quotes"][1]["index"] = 0
    with pytest.raises(ValueError, match="do not match their ids"):
        rows.document_from_rows(row, row["quotes"])
    with pytest.raises(ValueError, match="fingerprint"):
        rows.document_from_rows({**row, "text": text + " More."}, row["quotes"])


def test_inputs_are_listed_one_file_a_task(tmp_path: Path) -> None:
    from quotetrace.spark.extract import list_inputs

    (tmp_path / "a" / ".hidden").mkdir(parents=True)
    for name in ("a/x.jsonl", "a/y.txt", "a/z.warc.gz", "a/.hidden/h.txt", "a/skip.png"):
        (tmp_path / name).write_text("x")
    files, failures = list_inputs(
        [str(tmp_path / "a"), f"file://{tmp_path}/a/y.txt", str(tmp_path / "nope"), "/no/*.txt"]
    )
    names = [Path(f.replace("\0", "/")).name for f in files]  # folder\0relative entries
    assert names == ["x.jsonl", "y.txt", "z.warc.gz", "y.txt"]
    assert [f.reason for f in failures] == ["no such file or directory", "glob matched nothing"]


def test_an_empty_dataset_reads_as_an_empty_table(tmp_path: Path) -> None:
    table = rows.read_dataset(str(tmp_path), "errors")
    assert table.num_rows == 0 and table.schema.names == rows.ERRORS.names


def test_a_uri_folder_is_listed_with_its_scheme(tmp_path: Path) -> None:
    from quotetrace.spark.extract import remote_files

    (tmp_path / "d" / ".h").mkdir(parents=True)
    for name in ("d/b.jsonl", "d/a.warc.gz", "d/.h/c.txt", "d/x.png"):
        (tmp_path / name).write_text("x")
    assert remote_files(f"file://{tmp_path}/d/") == [
        f"file://{tmp_path}/d/a.warc.gz",
        f"file://{tmp_path}/d/b.jsonl",
    ]
