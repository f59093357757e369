"""bench.py: the throughput benchmark runs every mode in a process of its own on the same texts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quotetrace.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "src" / "quotetrace" / "examples"


@pytest.mark.slow
def test_bench_measures_spacy_both_ways_and_quotetrace(capsys: pytest.CaptureFixture[str]) -> None:
    corpus = EXAMPLES / "wikinews.jsonl"
    assert main(["bench", "--corpus", str(corpus), "--limit", "2", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    modes = [(r["mode"], r["jobs"]) for r in report["results"]]
    assert modes[:3] == [("spacy-full", 1), ("spacy-full-numpy-blas", 1), ("quotetrace", 1)]
    assert report["docs"] == 2
    for result in report["results"]:
        assert result["seconds"] > 0 and result["peak_mb"] > 50
        assert result["speedup_vs_spacy_full"] > 0
    assert report["results"][0]["speedup_vs_spacy_full"] == 1.0
