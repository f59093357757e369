"""The hostile corpus (tests/hostile/make_corpus.py): every case gives its expected outcome, a
result or a one-line error with its reason, and a batch of all of them goes to the end with one
line per article, no traceback and every span inside its text."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from quotetrace import runner
from quotetrace.cli import main
from quotetrace.pipeline import Pipeline
from quotetrace.store.inputs import iter_inputs
from quotetrace.store.warc import WarcReport

sys.path.insert(0, str(Path(__file__).parent / "hostile"))
from make_corpus import CASES, FILES, Case, commit, materialise  # noqa: E402

DEADLINE = "120"  # seconds per article in the batch of small cases (each big one: the default)


@pytest.fixture(scope="module")
def shared_pipeline(pipeline: Pipeline) -> Pipeline:
    return pipeline


@pytest.fixture(autouse=True)
def one_model(shared_pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from quotetrace.limits import Limits

    def make(**options: Any) -> Pipeline:
        monkeypatch.setattr(shared_pipeline, "limits", options.get("limits", Limits()))
        return shared_pipeline

    monkeypatch.setattr(runner, "Pipeline", make)
    yield


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small cases; a big one is written by its own test (they are slow)."""
    out = tmp_path_factory.mktemp("hostile")
    materialise(out, small_only=True)
    return out


def cases(via: str) -> list[Any]:
    """The cases read through ``via``; the big ones are marked slow (``make test`` runs them,
    ``make test-fast`` does not)."""
    return [pytest.param(c, marks=pytest.mark.slow) if c.big else c for c in CASES if c.via == via]


def case_path(case: Case, corpus: Path) -> Path:
    if case.big:
        case.make(corpus / case.name)
    return corpus / case.name


def check_spans(doc: dict[str, Any], text: str | None) -> None:
    for quote in doc["quotes"]:
        for start, end in quote["content"]:
            assert 0 <= start <= end
            if text is not None:
                assert end <= len(text)


def outcome(docs: list[dict[str, Any]], case: Case) -> None:
    assert docs, case.name
    errors = [d["error"] for d in docs if d["error"]]
    if case.outcome == "ok":
        assert not errors, (case.name, errors)
    else:
        wanted = case.outcome[len("error:") :]
        assert any(wanted in e for e in errors), (case.name, errors)
        assert all("\n" not in e and "Traceback" not in e for e in errors)


@pytest.mark.parametrize("case", cases("extract"), ids=lambda c: c.name[:30])
def test_each_case(case: Case, corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = case_path(case, corpus)
    main(["extract", str(path), "--include-text"])  # the default caps
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    docs = [json.loads(line) for line in out.splitlines() if line.strip()]
    for doc in docs:
        check_spans(doc, doc.get("text"))
    outcome(docs, case)


@pytest.mark.slow
def test_the_deadline_stops_a_20_mb_text_part_way(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Let in by a raised character cap, the 20 MB text is stopped by the deadline, mid-parse."""
    case = next(c for c in CASES if c.name == "big-20mb.txt")
    path = case_path(case, corpus)
    main(["extract", str(path), "--max-chars", "25000000", "--max-seconds", "5"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    (doc,) = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert "took longer than 5 s (stopped at " in doc["error"]


@pytest.mark.parametrize("case", cases("ingest"), ids=lambda c: c.name)
def test_each_warc_case(case: Case, corpus: Path, shared_pipeline: Pipeline) -> None:
    from quotetrace.output.jsonl import document_to_dict

    items = iter_inputs([str(case_path(case, corpus))], report=WarcReport())
    docs = [document_to_dict(d) for d in shared_pipeline.process_all(items)]
    outcome(docs, case)


def test_one_batch_of_every_small_case_goes_to_the_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    small = materialise(tmp_path / "batch", small_only=True)
    code = main(["extract", str(tmp_path / "batch"), "--max-seconds", DEADLINE])
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in err
    docs = [json.loads(line) for line in out.splitlines() if line.strip()]
    extract_cases = [c for c in small if c.via == "extract"]
    assert len(docs) >= len(extract_cases)
    assert sum(d["error"] is None for d in docs) >= sum(c.outcome == "ok" for c in extract_cases)


def test_the_corpus_is_big_enough() -> None:
    assert len(CASES) >= 45
    assert len({c.name for c in CASES}) == len(CASES)


def test_the_committed_files_are_what_the_generator_makes(tmp_path: Path) -> None:
    names = commit(tmp_path)
    assert len(names) >= 30
    assert sorted(p.name for p in FILES.iterdir()) == sorted(names)
    for name in names:
        assert (FILES / name).read_bytes() == (tmp_path / name).read_bytes(), name
