"""The per-article memory cap (issue 12, item 8): an article whose extraction would add more than
``Limits.memory_mb`` (``--max-memory-mb``) to the process's resident memory becomes its error
line, and the articles after it are still written."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from quotetrace import limits
from quotetrace.bench_memory import size_class_texts
from quotetrace.cli.args import limits_from_args
from quotetrace.cli.extract import add_arguments
from quotetrace.errors import LimitExceeded
from quotetrace.limits import MB, Deadline, Limits
from quotetrace.model import Article
from quotetrace.pipeline import MEMORY_ERROR, Pipeline

EXAMPLES = (
    Path(__file__).resolve().parents[1] / "src" / "quotetrace" / "examples" / "wikinews.jsonl"
)
SMALL = "“The bridge will open in May,” Mayor Anna Berg said on Monday."


def texts() -> list[str]:
    lines = EXAMPLES.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines]


def test_the_cap_stops_an_article_that_grows_past_it_in_a_real_process(tmp_path: Path) -> None:
    """A fresh ``quotetrace extract`` process (so that the memory is this batch's own): a
    300,000-character article of real news text adds about 15 MB while it is extracted, so a
    3 MB cap stops it; the small article after it is written with its quote."""
    (big,) = size_class_texts(texts(), [300_000])
    (tmp_path / "1-big.txt").write_text(big, encoding="utf-8")
    (tmp_path / "2-small.txt").write_text(SMALL, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from quotetrace.cli import main; sys.exit(main())"]
        + ["extract", str(tmp_path / "1-big.txt"), str(tmp_path / "2-small.txt")]
        + ["--max-memory-mb", "3", "--no-progress"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in done.stderr
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert first["id"] == "1-big" and first["quotes"] == []
    assert first["error"].startswith("LimitExceeded: used more than 3 MB of memory (")
    assert first["error"].endswith("; --max-memory-mb)")
    assert second["id"] == "2-small" and second["error"] is None
    assert [q["text"] for q in second["quotes"]] == ["The bridge will open in May,"]
    assert done.returncode == 1  # one article could not be processed


class Growing:
    """A resident-memory reading that grows by ``step`` MB at every call."""

    def __init__(self, step: float) -> None:
        self.step = step
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return int(200 * MB + self.calls * self.step * MB)


def test_the_guard_names_the_cap_the_growth_and_the_stage() -> None:
    guard = Deadline(None, 10, resident=Growing(4))
    guard.check("parse")  # 4 MB more than at the start
    guard.check("detection")  # 8 MB
    with pytest.raises(LimitExceeded) as caught:
        guard.check("speakers")  # 12 MB
    assert str(caught.value) == (
        "used more than 10 MB of memory (12 MB more than when it started; stopped at speakers; "
        "--max-memory-mb)"
    )
    reading = Growing(1000)
    unlimited = Deadline(None, None, resident=reading)
    unlimited.check("parse")
    assert reading.calls == 0  # no cap: memory is never read


@pytest.fixture
def growing_memory(monkeypatch: pytest.MonkeyPatch) -> Iterator[Growing]:
    reading = Growing(1)
    monkeypatch.setattr(limits, "resident_bytes", reading)
    yield reading


def test_the_pipeline_checks_memory_at_its_stages_and_goes_on(
    pipeline: Pipeline, growing_memory: Growing, monkeypatch: pytest.MonkeyPatch
) -> None:
    article = Article("a", SMALL)
    monkeypatch.setattr(pipeline, "limits", Limits(memory_mb=2))
    doc = pipeline.process(article)
    assert doc.error is not None and doc.error.startswith(
        "LimitExceeded: used more than 2 MB of memory (3 MB more than when it started; stopped at "
    )
    assert not doc.quotes
    monkeypatch.setattr(pipeline, "limits", Limits(memory_mb=None))
    calls = growing_memory.calls
    assert pipeline.process(article).quotes
    assert growing_memory.calls == calls  # no cap: memory is not even read


def test_a_refused_allocation_is_that_articles_error_line(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline._extract

    def out_of_memory(*args: object, **kwargs: object) -> object:
        raise MemoryError

    monkeypatch.setattr(pipeline, "_extract", out_of_memory)
    doc = pipeline.process(Article("a", SMALL))
    assert doc.error == MEMORY_ERROR and doc.error.startswith("LimitExceeded: out of memory")
    monkeypatch.setattr(pipeline, "_extract", real)
    assert pipeline.process(Article("b", SMALL)).quotes


def test_the_flag_sets_the_cap_and_zero_means_none() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert Limits().memory_mb == 1000
    assert limits_from_args(parser.parse_args(["x.txt"])).memory_mb == 1000
    assert limits_from_args(parser.parse_args(["x.txt", "--max-memory-mb", "64"])).memory_mb == 64
    assert limits_from_args(parser.parse_args(["x.txt", "--max-memory-mb", "0"])).memory_mb is None
    assert Limits(memory_mb=64).deadline().memory_mb == 64
