"""Attribution context on the example article (read from ../shared, skipped when absent), and
date resolution on its own. Golden snippets in tests/golden cover each kind and occasion pattern."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quotetrace.context import DATE_PHRASE, resolve_date
from quotetrace.ingest import read_text_file
from quotetrace.pipeline import Pipeline

EXAMPLE = Path(__file__).parent.parent.parent / "shared" / "examples" / "lukashenko-apology.txt"


@pytest.mark.parametrize(
    ("phrase", "published", "expected"),
    [
        ("on January 5", "2025-01-06T13:22:00+01:00", "2025-01-05"),
        ("on Dec. 30", "2025-01-02", "2024-12-30"),  # no year: the most recent past one
        ("on 3 March 2019", None, "2019-03-03"),
        ("on Monday", "2021-03-05", "2021-03-01"),
        ("on Friday", "2021-03-05", "2021-03-05"),
        ("on January 5", None, None),  # no year anywhere
    ],
)
def test_resolve_date(phrase: str, published: str | None, expected: str | None) -> None:
    match = DATE_PHRASE.search(phrase)
    assert match is not None
    assert resolve_date(match, published) == expected


@pytest.mark.skipif(not EXAMPLE.exists(), reason="the example article lives in ../shared")
def test_example_occasions_and_dates(pipeline: Pipeline) -> None:
    article = read_text_file(EXAMPLE)
    doc = pipeline.process(article)
    by_speaker: dict[str, list] = {}
    for q in doc.quotes:
        if q.speaker and q.speaker.name:
            by_speaker.setdefault(q.speaker.name.split()[-1], []).append(q)
    direct_z = [q for q in by_speaker["Zelenskyy"] if q.type == "direct"]
    assert direct_z
    for q in direct_z:
        assert q.occasion is not None and q.occasion.type == "interview"
        assert q.occasion.with_ == "Lex Fridman"
        assert q.said_on is not None and q.said_on.date == "2025-01-05"
    direct_l = [q for q in by_speaker["Lukashenko"] if q.type == "direct"]
    assert direct_l
    for q in direct_l:
        assert q.occasion is not None and q.occasion.type == "phone call"
        assert q.said_on is not None and q.said_on.date is None
        assert re.search(r"days after the first missile strikes", q.said_on.text)
