"""Inputs that used to end a whole batch: each now gives that article's error line (or a result)
and the articles after it are still written (issue 12)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from quotetrace import runner
from quotetrace.cli import main
from quotetrace.ingest import iter_articles
from quotetrace.model import Article, Failure
from quotetrace.pipeline import Pipeline
from quotetrace.safety import check_unicode, path_name, printable

GOOD = {"id": "good", "text": "“The bridge will open in May,” Mayor Anna Berg said on Monday."}


@pytest.fixture(scope="module")
def shared_pipeline(pipeline: Pipeline) -> Pipeline:
    return pipeline


@pytest.fixture(autouse=True)
def one_model(shared_pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(runner, "Pipeline", lambda **options: shared_pipeline)
    yield


def lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def run_extract(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["extract", *argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def jsonl_file(tmp_path: Path, raw_lines: list[str]) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(raw_lines + [json.dumps(GOOD)]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["jsonl", "table", "html"])
def test_lone_surrogates_do_not_end_the_batch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    path = jsonl_file(
        tmp_path,
        [
            r'{"id": "a", "text": "He said \"hi \ud800 there\" today."}',
            r'{"id": "b\udc80", "text": "“Fine \udfff,” she said."}',
            r'{"id": "c", "text": "“Fine,” she said.", "title": "\ud83d"}',
        ],
    )
    out_file = tmp_path / f"out.{fmt}"
    code, _, _ = run_extract(capsys, str(path), "--format", fmt, "-o", str(out_file))
    assert code == 1
    written = out_file.read_text(encoding="utf-8")  # valid UTF-8: no surrogate reached the file
    assert "Bridge will open" in written or "bridge will open" in written
    if fmt == "jsonl":
        docs = lines(written)
        assert [d["id"] for d in docs] == ["a", "b\\udc80", "c", "good"]
        assert "lone surrogate (U+D800) at character 12" in docs[0]["error"]
        assert "lone surrogate (U+DFFF)" in docs[1]["error"]
        assert docs[2]["error"] is None and docs[2]["title"] == "\\ud83d"
        assert docs[3]["error"] is None and docs[3]["quotes"]


def test_python_api_refuses_a_lone_surrogate_with_a_reason() -> None:
    import quotetrace

    doc = quotetrace.extract("“Fine \udfff,” she said.")
    assert doc.error is not None and "lone surrogate" in doc.error
    with pytest.raises(quotetrace.UnreadableArticle):
        check_unicode("a\ud800")
    assert printable("x\ud800y") == "x\\ud800y"


def test_a_surrogate_id_from_the_python_api_still_gives_a_valid_line() -> None:
    from quotetrace.output import jsonl

    doc = next(Pipeline.process_all(Pipeline.__new__(Pipeline), [Failure("id\ud800", "bad")]))
    line = jsonl.dumps(doc)
    line.encode("utf-8")
    assert json.loads(line)["id"] == "id\ud800"


def test_deep_json_and_long_numbers_are_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    long_id = '{"id": ' + "9" * 5000 + ', "text": "x"}'
    wrong = '{"id": ["a"], "text": "“Fine,” she said."}'
    path = jsonl_file(tmp_path, [deep, long_id, wrong])
    code, out, _ = run_extract(capsys, str(path))
    docs = lines(out)
    assert code == 1
    assert [d["id"] for d in docs] == ["in:1", "in:2", "in:3", "good"]
    assert docs[0]["error"] == "line 1: invalid JSON (nested too deep)"
    assert "4300 digits" in docs[1]["error"]
    assert docs[2]["error"] == "line 3: 'id' is a list, not a string"
    assert docs[3]["quotes"]


def test_deep_json_file(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"a": ' * 50_000 + "1" + "}" * 50_000, encoding="utf-8")
    items = list(iter_articles([str(path)]))
    assert items == [Failure("deep", "invalid JSON (nested too deep)", str(path))]


@pytest.mark.skipif(sys.platform != "linux", reason="file names are bytes on Linux")
def test_file_name_that_is_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = os.fsdecode(b"caf\xe9.txt")
    (tmp_path / name).write_text(GOOD["text"], encoding="utf-8")
    out_file = tmp_path / "out.jsonl"
    code, _, _ = run_extract(capsys, str(tmp_path / name), "-o", str(out_file))
    assert code == 0
    (doc,) = lines(out_file.read_text(encoding="utf-8"))
    assert doc["id"] == "caf\\xe9" and doc["quotes"]
    assert path_name(tmp_path / name).endswith("caf\\xe9.txt")
    items = list(iter_articles([str(tmp_path / name)]))
    assert isinstance(items[0], Article) and items[0].source is not None
    items[0].source.encode("utf-8")


def test_search_limit_overflow_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["search", "x", "--limit", "99999999999999999999", "--db", str(tmp_path / "q.db")])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "--limit: must be between 0 and" in err and "Traceback" not in err


def test_api_extract_with_a_surrogate_is_422(shared_pipeline: Pipeline) -> None:
    from fastapi.testclient import TestClient

    from quotetrace.web.app import create_app

    client = TestClient(create_app(None, pipeline=shared_pipeline), raise_server_exceptions=False)
    for body in (
        rb'{"text": "\ud800 hi"}',
        rb'{"html": "<p>\ud800</p>"}',
        rb'{"text": "x", "id": "\udc80"}',
    ):
        reply = client.post(
            "/api/extract", content=body, headers={"content-type": "application/json"}
        )
        assert reply.status_code == 422, body
        assert reply.json()["error"]["status"] == 422


def test_special_files_are_refused_unless_dash(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    (tmp_path / "ok.txt").write_text(GOOD["text"], encoding="utf-8")
    for paths in ([str(tmp_path)], [str(tmp_path / "pipe.txt"), str(tmp_path / "zero.txt")]):
        items = list(iter_articles(paths))
        reasons = {i.article_id: i.reason for i in items if isinstance(i, Failure)}
        assert reasons["pipe"].startswith("a named pipe, not a file: give - ")
        assert reasons["zero"].startswith("a device, not a file")


def test_walks_and_globs_follow_a_link_into_a_seen_folder_once(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "story.txt").write_text(GOOD["text"], encoding="utf-8")
    (tmp_path / "a" / "up").symlink_to("..")  # a loop
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "other.txt").write_text(GOOD["text"], encoding="utf-8")
    (tmp_path / "a" / "link").symlink_to(tmp_path / "elsewhere")  # followed, once
    walked = [i.source for i in iter_articles([str(tmp_path)])]
    assert walked == [str(tmp_path / "a" / "link" / "other.txt"), str(tmp_path / "a" / "story.txt")]
    globbed = [i.source for i in iter_articles([str(tmp_path / "**" / "*.txt")])]
    assert sorted(globbed) == sorted(walked)
    assert [i.source for i in iter_articles([str(tmp_path / "a" / "*.txt")])] == [
        str(tmp_path / "a" / "story.txt")
    ]


def test_an_unreadable_subfolder_is_an_error_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "x.txt").write_text(GOOD["text"], encoding="utf-8")
    (tmp_path / "ok.txt").write_text(GOOD["text"], encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path: Any) -> Any:  # root can read any folder: refuse this one by hand
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    items = list(iter_articles([str(tmp_path)]))
    assert items[0] == Failure(
        "locked", "cannot read folder: permission denied", str(tmp_path / "locked")
    )
    assert isinstance(items[1], Article) and items[1].id == "ok"


def test_stdin_is_read_with_a_cap() -> None:
    import io

    from quotetrace.limits import Limits

    small = Limits(file_bytes=1000)
    text = io.BytesIO(b"plain words " * 10_000)
    (only,) = list(iter_articles(["-"], stdin=text, limits=small))
    assert (
        isinstance(only, Failure)
        and "stdin longer than 1,000 bytes and not JSON lines" in only.reason
    )
    assert text.tell() < 3 * (1 << 20)  # refused without reading to the end
    lines = b"".join(
        json.dumps({"id": f"n{i}", "text": f"“Line {i},” she said."}).encode() + b"\n"
        for i in range(100)
    )
    read = list(iter_articles(["-"], stdin=io.BytesIO(lines), limits=small))
    assert [a.id for a in read] == [f"n{i}" for i in range(100)]  # JSON lines stream on


def test_a_jsonl_line_over_the_cap_is_skipped_unread(tmp_path: Path) -> None:
    from quotetrace.ingest.jsonl import capped_lines, iter_json_lines

    data = b'{"id": "a", "text": "' + b"x" * 5000 + b'"}\n' + json.dumps(GOOD).encode() + b"\n"
    import io

    items = list(iter_json_lines(capped_lines(io.BytesIO(data), 1000), stem="f", source="f"))
    assert items[0] == Failure(
        "f:1", "line 1: longer than 1,000 bytes, not read (--max-bytes)", "f:1"
    )
    assert isinstance(items[1], Article) and items[1].id == "good"


def test_a_page_over_the_full_extraction_size_is_read_by_the_baseline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import quotetrace.ingest.html as html_module

    para = "<p>“We will rebuild the bridge,” Mayor Ana Ortiz said on Tuesday.</p>\n"
    page = "<html><head><title>Bridge &amp; road</title><script>var q = '“no”';</script></head>"
    page += "<body><article>" + "".join(para.replace("bridge", f"bridge {i}") for i in range(40))
    page += "</article></body></html>"
    monkeypatch.setattr(html_module, "MAX_FULL_EXTRACTION_CHARS", 1000)
    article = html_module.article_from_html(page, id="big")
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) == 40 and paragraphs[3].startswith("“We will rebuild the bridge 3,”")
    assert article.title == "Bridge & road" and article.from_html
    assert "no”" not in article.text  # script bodies are not text


def test_limits_turn_an_article_into_its_error_line(
    shared_pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quotetrace.limits import Limits

    two = Article("two", "“One,” she said. “Two,” he said.")
    monkeypatch.setattr(shared_pipeline, "limits", Limits(quote_marks=1))
    doc = shared_pipeline.process(two)
    assert doc.error == ("LimitExceeded: too many quoted stretches (2 > 1; --max-quote-marks)")
    monkeypatch.setattr(shared_pipeline, "limits", Limits(paragraphs=1))
    doc = shared_pipeline.process(Article("paras", "One.\n\nTwo.\n\nThree."))
    assert doc.error is not None and "too many paragraphs (3 > 1; --max-paragraphs)" in doc.error
    monkeypatch.setattr(shared_pipeline, "limits", Limits(seconds=1e-9))
    doc = shared_pipeline.process(two)
    assert doc.error is not None and "took longer than 1e-09 s (stopped at " in doc.error
    monkeypatch.setattr(shared_pipeline, "limits", Limits(chars=10))
    assert "article too long (32 characters > 10; --max-chars)" in str(
        shared_pipeline.process(two).error
    )
    monkeypatch.setattr(shared_pipeline, "limits", Limits())
    assert shared_pipeline.process(two).error is None


def test_limit_flags_reach_the_readers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.txt").write_text("x" * 500, encoding="utf-8")
    code, out, _ = run_extract(capsys, str(tmp_path / "a.txt"), "--max-bytes", "100")
    assert code == 1
    assert lines(out)[0]["error"] == "file too large (0.0 MB > 100 bytes; --max-bytes)"
    with pytest.raises(SystemExit):
        main(["extract", "x.txt", "--max-chars", "-5"])


def test_files_in_folders_take_folder_relative_ids(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "story.txt").write_text(GOOD["text"], encoding="utf-8")
    (tmp_path / "b" / "page.html.gz").write_bytes(b"")
    ids = [i.id if isinstance(i, Article) else i.article_id for i in iter_articles([str(tmp_path)])]
    assert ids == ["a/story", "b/page", "b/story"]
    globbed = iter_articles([str(tmp_path / "**" / "*.txt")])
    assert [i.id for i in globbed if isinstance(i, Article)] == ["a/story", "b/story"]


def test_an_id_given_twice_is_an_error_line_and_the_first_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    first = {"id": "x", "text": "“First,” she said."}
    second = {"id": "x", "text": "“Second,” she said."}
    path.write_text(f"{json.dumps(first)}\n{json.dumps(second)}\n", encoding="utf-8")
    (tmp_path / "x.txt").write_text("“Third,” she said.", encoding="utf-8")
    for _ in range(2):  # the same every run
        items = list(iter_articles([str(path), str(tmp_path / "x.txt")]))
        assert isinstance(items[0], Article) and items[0].text == first["text"]
        assert items[1] == Failure(
            "x", f"duplicate id 'x' (first given by {path}:1): article not read", f"{path}:2"
        )
        assert isinstance(items[2], Failure) and items[2].reason.startswith("duplicate id 'x'")


def test_url_ids_are_reachable_from_the_api(tmp_path: Path, shared_pipeline: Pipeline) -> None:
    from urllib.parse import quote

    from fastapi.testclient import TestClient

    from quotetrace.store import Store
    from quotetrace.web.app import create_app

    url_id = "https://example.com/news/2024/bridge?id=7&x=%2F"
    db = str(tmp_path / "q.db")
    with Store.open(db) as store:
        store.ingest_document(shared_pipeline.process(Article(url_id, GOOD["text"])))
    client = TestClient(create_app(db, pipeline=shared_pipeline))
    reply = client.get("/api/articles/" + quote(url_id, safe=""))
    assert reply.status_code == 200 and reply.json()["id"] == url_id
    assert client.get("/articles/" + quote(url_id, safe="")).status_code == 200
    missing = client.get("/api/articles/" + quote("https://example.com/none", safe=""))
    assert missing.status_code == 404 and missing.json()["error"]["status"] == 404


def test_api_extract_has_a_per_request_deadline(shared_pipeline: Pipeline) -> None:
    from fastapi.testclient import TestClient

    from quotetrace.web.app import create_app

    app = create_app(None, pipeline=shared_pipeline)
    app.state.extractor.seconds = 1e-9
    client = TestClient(app, raise_server_exceptions=False)
    reply = client.post("/api/extract", json={"text": GOOD["text"]})
    assert reply.status_code == 422
    assert reply.json()["error"]["message"].startswith("cannot extract the article: took longer")
    app.state.extractor.seconds = 30
    assert client.post("/api/extract", json={"text": GOOD["text"]}).json()["quotes"]
    deep = client.post(
        "/api/extract",
        content=b'{"text": ' + b"[" * 100_000,
        headers={"content-type": "application/json"},
    )
    assert deep.status_code in (400, 422) and deep.json()["error"]["status"] == deep.status_code
