"""WARC input: articles from response records; every skipped record counted, with its reason."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from quotetrace.cli import main
from quotetrace.model import Article, Document, Failure
from quotetrace.store import Store
from quotetrace.store.inputs import iter_inputs
from quotetrace.store.warc import WarcReport, is_warc, iter_warc

PAGE = b"""<html><head><title>Mayor vows to finish bridge</title></head><body><article>
<h1>Mayor vows to finish bridge</h1>
<p>The mayor of Riverton said on Sunday that the city would finish the bridge whatever the cost,
and many people in the city agreed with her plan for the river crossing.</p>
<p>"We will not retreat," Mayor Ann Smith told reporters. "The bridge is our future."</p>
<p>Critics said the plan was far too expensive for a city of its size and would take years.</p>
</article></body></html>"""
TEXT = b'Ann Smith said "the bridge is our future" and left the meeting early on Sunday.'


def write_warc(path: Path, *, gzip: bool = True) -> Path:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))

        def response(
            uri: str, body: bytes, status: str = "200 OK", ctype: str = "text/html"
        ) -> None:
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                uri, "response", payload=io.BytesIO(body), http_headers=headers
            )
            writer.write_record(record)

        request = writer.create_warc_record(
            "https://news.example/a", "request", payload=io.BytesIO(b"GET /a HTTP/1.1\r\n\r\n")
        )
        writer.write_record(request)
        response("https://news.example/a", PAGE, ctype="text/html; charset=utf-8")
        response("https://news.example/gone", b"not here", status="404 Not Found")
        response("https://news.example/logo.png", b"\x89PNG\r\n", ctype="image/png")
        response("https://news.example/huge", b"<html>" + b"x" * 6000 + b"</html>")
        response("https://news.example/t.txt", TEXT, ctype="text/plain")
        response("https://news.example/empty", b"<html><body></body></html>")
    return path


def test_warc_records_become_articles_and_failures(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "crawl.warc.gz")
    report = WarcReport()
    items = list(iter_warc(path, report=report, max_record_bytes=5000))
    articles = [i for i in items if isinstance(i, Article)]
    failures = {i.article_id: i.reason for i in items if isinstance(i, Failure)}
    assert [a.id for a in articles] == ["https://news.example/a", "https://news.example/t.txt"]
    assert "We will not retreat" in articles[0].text
    assert (
        articles[0].url == "https://news.example/a"
        and articles[1].url == "https://news.example/t.txt"
    )
    assert failures["https://news.example/gone"] == "HTTP status 404"
    assert failures["https://news.example/logo.png"] == "content type image/png"
    assert failures["https://news.example/huge"].startswith("record too large")
    assert failures["https://news.example/empty"].startswith("no article")
    assert report.records == 8 and report.articles == 2
    # every record accounted for: used, or skipped with a reason
    assert report.articles + sum(report.skipped.values()) == report.records
    assert report.skipped["request record"] == 1 and report.skipped["warcinfo record"] == 1
    assert "8 WARC record(s), 2 article(s), 6 skipped" in report.summary()


def test_uncompressed_warc(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "crawl.warc", gzip=False)
    assert is_warc(path) and is_warc("X.WARC.GZ") and not is_warc("a.warc.txt")
    assert sum(isinstance(i, Article) for i in iter_warc(path)) == 3  # "huge" is under the cap


def test_a_truncated_warc_reports_the_rest_as_unreadable(tmp_path: Path) -> None:
    whole = write_warc(tmp_path / "whole.warc.gz").read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole[: len(whole) - 200])
    report = WarcReport()
    items = list(iter_warc(cut, report=report))
    assert isinstance(items[-1], Failure) and "unreadable WARC" in items[-1].reason
    assert report.skipped["unreadable rest of file"] == 1


def test_garbage_is_a_failure_not_an_exception(tmp_path: Path) -> None:
    path = tmp_path / "junk.warc.gz"
    path.write_bytes(b"this is not a warc file at all\n" * 10)
    (item,) = list(iter_warc(path))
    assert isinstance(item, Failure)
    (missing,) = list(iter_warc(tmp_path / "missing.warc"))
    assert isinstance(missing, Failure)


def test_the_decompressed_size_cap_stops_the_file(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "crawl.warc.gz")
    report = WarcReport()
    items = list(iter_warc(path, report=report, max_total_bytes=1500))
    assert "size cap" in items[-1].reason  # type: ignore[union-attr]
    assert report.skipped["size cap reached"] == 1
    assert report.records < 8


def _fake_pipeline(
    items: Iterable[Article | Failure], *, jobs: int = 1, **options: object
) -> Iterator[Document]:
    """Stands in for the spaCy pipeline in ``run_ingest``: no quotes, ingest failures kept."""
    for item in items:
        if isinstance(item, Failure):
            yield Document(Article(item.article_id, "", source=item.source), error=item.reason)
        else:
            yield Document(item)


def test_ingest_command_reads_warc_in_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import quotetrace.runner

    monkeypatch.setattr(quotetrace.runner, "run_pipeline", _fake_pipeline)
    folder = tmp_path / "in"
    folder.mkdir()
    write_warc(folder / "crawl.warc.gz")
    (folder / "note.txt").write_text("A plain article about the bridge.", encoding="utf-8")
    db = str(tmp_path / "q.db")
    assert main(["ingest", str(folder), "--db", db, "--no-progress"]) == 1  # some records failed
    err = capsys.readouterr().err
    assert "8 WARC record(s), 3 article(s), 5 skipped" in err
    with Store.open(db) as store:
        assert store.counts()["articles"] == 4
        reasons = {r[0] for r in store.conn.execute("SELECT reason FROM failures")}
        assert "HTTP status 404" in reasons and "content type image/png" in reasons
    assert main(["ingest", str(folder / "*.warc.gz"), "--db", db, "--no-progress"]) == 1
    with Store.open(db) as store:
        assert store.counts()["articles"] == 4 and store.counts()["failures"] == 3


def test_inputs_of_every_kind(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Some text here.", encoding="utf-8")
    write_warc(tmp_path / "b.warc.gz")
    items = list(iter_inputs([str(tmp_path / "a.txt"), str(tmp_path / "*.warc.gz")]))
    assert sum(isinstance(i, Article) for i in items) == 4
    (missing,) = list(iter_inputs([str(tmp_path / "nope" / "*.warc")]))
    assert isinstance(missing, Failure) and missing.reason == "glob matched nothing"
    (empty,) = list(iter_inputs([str(tmp_path / "nope.txt")]))
    assert isinstance(empty, Failure)
