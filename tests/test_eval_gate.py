"""Quality gate: the extractor scored against the development data, with floors that only go up.

Runs when ../shared/data is present (skips otherwise). The corpus fingerprints are pinned so that a
changed gold file cannot silently move the figures; raise a floor in eval_floors.json when a change
improves a figure, never lower one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from quotetrace.evaluate import EvalResult, load_gold, score_documents
from quotetrace.kinds import ALL_KINDS, DEFAULT_KINDS
from quotetrace.model import Article
from quotetrace.output.jsonl import document_to_dict
from quotetrace.pipeline import Pipeline
from quotetrace.train import train

pytestmark = pytest.mark.slow  # minutes: three corpora extracted and a cue model trained

HERE = Path(__file__).parent
SHARED = HERE.parent.parent / "shared"
FLOORS = json.loads((HERE / "eval_floors.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pipelines(pipeline: Pipeline, pipeline_all_kinds: Pipeline) -> dict[tuple[str, ...], Pipeline]:
    """The session's pipeline for each set of kinds the floors are measured with."""
    return {DEFAULT_KINDS: pipeline, ALL_KINDS: pipeline_all_kinds}


def _score(pipeline: Pipeline, gold_path: Path, kinds: tuple[str, ...]) -> EvalResult:
    gold = load_gold(gold_path)
    preds: dict[str, Any] = {}
    for g in gold:
        doc = pipeline.process(Article(id=g.id, text=g.text, title=g.title, published=g.published))
        preds[g.id] = document_to_dict(doc)
    return score_documents(gold, preds, kinds=kinds)


def _fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


@pytest.mark.parametrize("corpus", sorted(FLOORS))
def test_floors(
    pipelines: dict[tuple[str, ...], Pipeline], make_pipeline: Callable[..., Pipeline], corpus: str
) -> None:
    spec = FLOORS[corpus]
    path = SHARED / spec["path"]
    if not path.exists():
        pytest.skip(f"{path} is not here (development data lives in ../shared)")
    assert _fingerprint(path) == spec["fingerprint"], f"{path} changed: re-measure and re-pin"
    kinds = ALL_KINDS if spec["kinds"] == "all" else DEFAULT_KINDS
    if "train" in spec:
        pipeline = _learned_pipeline(spec, kinds, make_pipeline)
    else:
        pipeline = pipelines[kinds]
    result = _score(pipeline, path, kinds).to_dict()
    got = {
        "overlap_f1": result["overlap"]["quotes"]["f1"],
        "speaker_accuracy": result["overlap"]["fields"]["speaker"]["accuracy"],
    }
    for name, floor in spec["floors"].items():
        value = got.get(name)
        if value is None:
            value = _lookup(result, name)
        assert value is not None and value + 1e-9 >= floor, f"{corpus} {name}: {value} < {floor}"


def _learned_pipeline(
    spec: dict[str, Any], kinds: tuple[str, ...], make_pipeline: Callable[..., Pipeline]
) -> Pipeline:
    """A cue model trained on the first ``train_docs`` training documents (``quotetrace train``),
    then the pipeline that uses it."""
    train_path = SHARED / spec["train"]
    assert _fingerprint(train_path) == spec["train_fingerprint"], f"{train_path} changed"
    trainer = make_pipeline(kinds=ALL_KINDS, topics=True)
    model, _ = train(load_gold(train_path)[: spec["train_docs"]], pipeline=trainer)
    return make_pipeline(
        kinds=kinds,
        join_turns=spec.get("join_turns", False),
        cue_model=model,
    )


def _lookup(result: dict[str, Any], dotted: str) -> float | None:
    node: Any = result
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return float(node) if isinstance(node, int | float) else None
