"""Memory by article size (quotetrace bench --memory): the sized articles and one measurement."""

from __future__ import annotations

import json
from pathlib import Path

from quotetrace.bench_memory import SIZE_CLASSES, measure_one, size_class_texts

EXAMPLES = (
    Path(__file__).resolve().parents[1] / "src" / "quotetrace" / "examples" / "wikinews.jsonl"
)
TEXTS = [json.loads(line)["text"] for line in EXAMPLES.read_text(encoding="utf-8").splitlines()]


def test_size_classes_are_real_text_of_each_size() -> None:
    articles = size_class_texts(TEXTS, SIZE_CLASSES)
    assert [len(a) for a in articles] == list(SIZE_CLASSES)
    first = TEXTS[0].split("\n\n")[0]
    assert all(a.startswith(first) for a in articles)
    assert articles[1].startswith(articles[0][: len(articles[0]) - 200])


def test_one_measurement_in_its_own_process() -> None:
    (text,) = size_class_texts(TEXTS, [10_000])
    row = measure_one(text)
    assert row.chars == 10_000 and row.error is None and row.quotes > 0
    assert row.baseline_mb > 50  # the model is loaded
    assert row.peak_mb >= row.baseline_mb and row.article_mb >= 0
