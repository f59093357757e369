"""The command line (cli.py), run in process: output lines, exit codes, no tracebacks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from quotetrace import runner
from quotetrace.cli import main
from quotetrace.pipeline import Pipeline

GOOD = "“The bridge will open in May,” Mayor Anna Berg said on Monday.\n"
LATIN1 = '"The café is closed," José Müller said.\n'
KINDS_TEXT = (
    "Anna Berg believes that the bridge will fail.\n"
    "A new study found that the bridge was unsafe.\n"
    "“We will fix it,” Carl Dahl said.\n"
)


@pytest.fixture(scope="module")
def shared_pipeline(pipeline_all_kinds: Pipeline) -> Pipeline:
    # every kind is analysed; the CLI's --kinds filter decides what is written
    return pipeline_all_kinds


@pytest.fixture(autouse=True)
def one_model(shared_pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every command builds a Pipeline; reuse the session's so the model loads once."""
    monkeypatch.setattr(runner, "Pipeline", lambda **options: shared_pipeline)
    yield


@pytest.fixture
def mixed_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a_good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "b_empty.txt").write_bytes(b"")
    (folder / "c_binary.txt").write_bytes(b"\x00\x01\x02\xff\xfe\x00binary\x00\x00\x89PNG")
    (folder / "d_latin1.txt").write_bytes(LATIN1.encode("latin-1"))
    (folder / "e_broken.html").write_text(
        "<html><body><div><script>var a = '<p>';</script><p>  </p></div", encoding="utf-8"
    )
    return folder


def lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def assert_no_traceback(err: str) -> None:
    assert "Traceback" not in err
    assert 'File "' not in err


def test_extract_folder_with_bad_files(
    mixed_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["extract", str(mixed_folder)])
    out, err = capsys.readouterr()
    assert code == 1
    assert_no_traceback(err)
    docs = lines(out)
    assert [d["id"] for d in docs] == ["a_good", "b_empty", "c_binary", "d_latin1", "e_broken"]
    errors = {d["id"]: d["error"] for d in docs}
    assert errors["a_good"] is None
    assert errors["d_latin1"] is None
    for bad in ("b_empty", "c_binary", "e_broken"):
        assert isinstance(errors[bad], str) and errors[bad]
        assert "\n" not in errors[bad]
        assert "Traceback" not in errors[bad]
    assert "empty" in errors["b_empty"]
    assert "binary" in errors["c_binary"]
    good = docs[0]["quotes"]
    assert [q["text"] for q in good] == ["The bridge will open in May,"]
    latin = docs[3]["quotes"]
    assert latin and latin[0]["text"] == "The café is closed,"
    assert "3 article(s)" in err


def test_extract_good_files_only_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = tmp_path / "one.txt"
    second = tmp_path / "two.txt"
    first.write_text(GOOD, encoding="utf-8")
    second.write_text("Carl Dahl told reporters that the costs had doubled.\n", encoding="utf-8")
    code = main(["extract", str(second), str(first)])
    out, err = capsys.readouterr()
    assert code == 0
    assert err == ""
    docs = lines(out)
    assert [d["id"] for d in docs] == ["two", "one"]
    assert all(d["error"] is None for d in docs)
    assert "text" not in docs[0]


def test_extract_include_text_and_output_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "one.txt"
    src.write_text(GOOD, encoding="utf-8")
    dest = tmp_path / "out.jsonl"
    code = main(["extract", str(src), "--include-text", "-o", str(dest)])
    out, _ = capsys.readouterr()
    assert code == 0 and out == ""
    (doc,) = lines(dest.read_text(encoding="utf-8"))
    assert doc["text"] == GOOD
    for q in doc["quotes"]:
        assert " ".join(doc["text"][s:e] for s, e in q["content"]) == q["text"]


def test_extract_jsonl_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "batch.jsonl"
    rows = [
        {"id": "x1", "text": GOOD},
        {"id": "x2", "text": ""},
        {"id": "x3", "text": "No quotes."},
    ]
    src.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    code = main(["extract", str(src)])
    out, err = capsys.readouterr()
    assert code == 1
    assert_no_traceback(err)
    docs = lines(out)
    assert [d["id"] for d in docs] == ["x1", "x2", "x3"]
    assert [d["error"] is None for d in docs] == [True, False, True]


def test_extract_missing_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    code = main(["extract", str(tmp_path / "nope.txt"), str(good)])
    out, err = capsys.readouterr()
    assert code == 1
    assert_no_traceback(err)
    docs = lines(out)
    assert [d["id"] for d in docs] == ["nope", "good"]
    assert docs[0]["error"] == "no such file or directory"
    assert docs[1]["error"] is None


def test_extract_table_format(mixed_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["extract", str(mixed_folder), "--format", "table"])
    out, err = capsys.readouterr()
    assert code == 1
    assert_no_traceback(err)
    assert "== a_good  [a_good]" in out
    assert "Anna Berg" in out
    assert "error: " in out
    assert not out.lstrip().startswith("{")


def test_extract_html_format(mixed_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["extract", str(mixed_folder), "--format", "html"])
    out, err = capsys.readouterr()
    assert code == 1
    assert_no_traceback(err)
    assert out.startswith("<!doctype html>")
    assert out.count("<article>") == 5
    assert "<script" not in out.lower()


def test_kinds_all_keeps_thought_and_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "kinds.txt"
    src.write_text(KINDS_TEXT, encoding="utf-8")
    assert main(["extract", str(src)]) == 0
    default = lines(capsys.readouterr().out)[0]["quotes"]
    assert main(["extract", str(src), "--kinds", "all"]) == 0
    everything = lines(capsys.readouterr().out)[0]["quotes"]
    assert main(["extract", str(src), "--kinds", "thought"]) == 0
    thoughts = lines(capsys.readouterr().out)[0]["quotes"]

    assert {q["kind"] for q in default} <= {"speech", "writing"}
    assert "We will fix it," in [q["text"] for q in default]
    assert {"thought", "finding"} <= {q["kind"] for q in everything}
    assert len(everything) > len(default)
    assert thoughts and {q["kind"] for q in thoughts} == {"thought"}
    ids = {q["id"] for q in default}
    assert all(q["parent"] is None or q["parent"] in ids for q in default)


def test_unknown_kind_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["extract", str(tmp_path), "--kinds", "gossip"])
    assert exc.value.code == 2
    assert "unknown kind" in capsys.readouterr().err


# --- eval ----------------------------------------------------------------------------------------

EVAL_TEXT = (
    "“We will open the bridge in May,” Mayor Anna Berg said. "
    "Carl Dahl told reporters that the costs had doubled."
)


def _span(piece: str, text: str = EVAL_TEXT) -> list[int]:
    start = text.index(piece)
    return [start, start + len(piece)]


def gold_file(tmp_path: Path) -> Path:
    gold = {
        "id": "g1",
        "source": "handmade",
        "text": EVAL_TEXT,
        "quotes": [
            {
                "type": "direct",
                "content": [_span("We will open the bridge in May,")],
                "speaker": [_span("Mayor Anna Berg")],
                "speaker_name": "Anna Berg",
                "cue": [_span("said")],
                "addressee": [],
            },
            {
                "type": "indirect",
                "content": [_span("the costs had doubled")],
                "speaker": [_span("Carl Dahl")],
                "speaker_name": "Carl Dahl",
                "cue": [_span("told")],
                "addressee": [_span("reporters")],
            },
        ],
    }
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(gold, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def pred_quote(qid: str, piece: str, speaker: str, name: str, type_: str) -> dict[str, Any]:
    return {
        "id": qid,
        "type": type_,
        "content": [_span(piece)],
        "text": piece,
        "cue": [],
        "speaker": {"mention": [_span(speaker)], "name": name, "entity": None},
        "addressee": None,
        "parent": None,
    }


def pred_file(tmp_path: Path, *, perfect: bool) -> Path:
    quotes = [
        pred_quote("q1", "We will open the bridge in May,", "Anna Berg", "Anna Berg", "direct")
    ]
    if perfect:
        quotes.append(
            pred_quote("q2", "the costs had doubled", "Carl Dahl", "Carl Dahl", "indirect")
        )
    path = tmp_path / ("perfect.jsonl" if perfect else "partial.jsonl")
    doc = {"id": "g1", "quotes": quotes, "entities": [], "error": None}
    path.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def test_eval_with_matching_predictions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["eval", str(gold_file(tmp_path)), "--pred", str(pred_file(tmp_path, perfect=True))]
    )
    out, err = capsys.readouterr()
    assert code == 0
    assert_no_traceback(err)
    assert "F1" in out
    assert "100" in out


def test_eval_json_scores(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pred = pred_file(tmp_path, perfect=True)
    code = main(["eval", str(gold_file(tmp_path)), "--pred", str(pred), "--json"])
    out, _ = capsys.readouterr()
    assert code == 0
    scores = json.loads(out)
    assert scores["overlap"]["quotes"]["f1"] == 1.0


def test_eval_floor_fails_on_imperfect_predictions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pred = pred_file(tmp_path, perfect=False)
    code = main(["eval", str(gold_file(tmp_path)), "--pred", str(pred), "--min-f1", "0.99"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "F1" in out
    assert "floor failed" in err
    assert_no_traceback(err)


def test_eval_floor_passes_when_met(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pred = pred_file(tmp_path, perfect=False)
    code = main(["eval", str(gold_file(tmp_path)), "--pred", str(pred), "--min-f1", "0.5"])
    capsys.readouterr()
    assert code == 0


def test_eval_extracts_when_no_predictions_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["eval", str(gold_file(tmp_path))])
    out, err = capsys.readouterr()
    assert code == 0
    assert "F1" in out
    assert_no_traceback(err)


def test_eval_missing_gold_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["eval", str(tmp_path / "missing.jsonl")])
    _, err = capsys.readouterr()
    assert code == 2
    assert "error" in err
    assert_no_traceback(err)
