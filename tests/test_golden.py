"""Golden snippets: one pattern each, the expected reading in the JSON beside the text.

Every field listed under "expect" must match, in order; a snippet that expects no quotes (scare
quotes, a negated cue) checks that nothing is reported.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quotetrace.model import Article, Quote
from quotetrace.pipeline import Pipeline

GOLDEN = sorted((Path(__file__).parent / "golden").glob("*.json"))


@pytest.fixture(scope="module")
def pipeline(pipeline_all_kinds: Pipeline) -> Pipeline:
    return pipeline_all_kinds  # the snippets cover thoughts and findings too


def reading(text: str, q: Quote) -> dict[str, object]:
    return {
        "type": q.type,
        "text": q.text,
        "speaker": q.speaker.name if q.speaker else None,
        "cue": " ".join(text[s:e] for s, e in q.cue) or None,
        "addressee": q.addressee.name if q.addressee else None,
        "parent": q.parent,
        "kind": q.kind,
        "hedge": q.hedge,
        "occasion": q.occasion.type if q.occasion else None,
        "occasion_with": q.occasion.with_ if q.occasion else None,
        "said_on": q.said_on.date if q.said_on else None,
        "said_on_text": q.said_on.text if q.said_on else None,
    }


@pytest.mark.parametrize("path", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_golden_snippet(path: Path, pipeline: Pipeline) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    doc = pipeline.process(Article(path.stem, case["text"], published=case.get("published")))
    assert doc.error is None
    got = [reading(case["text"], q) for q in doc.quotes]
    assert len(got) == len(case["expect"]), got
    for want, have in zip(case["expect"], got, strict=True):
        assert {k: have[k] for k in want} == want


def test_there_is_a_snippet_per_pattern() -> None:
    names = {p.stem for p in GOLDEN}
    for pattern in (
        "split_quote",
        "nested",
        "paragraph_run",
        "mixed",
        "according_to",
        "guillemets",
    ):
        assert pattern in names
