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
def shared_pipeline() -> Pipeline:
    return Pipeline()


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
