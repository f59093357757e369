"""The cue model file (cue_model.py): scoring, a round trip through JSON, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quotetrace.cue_model import BadModel, CueModel


def test_probability_follows_the_weights() -> None:
    model = CueModel({"lemma=fume": 3.0, "lemma=eat": -3.0}, bias=-0.5, threshold=0.5)
    assert model.probability(["lemma=fume"]) > 0.9
    assert model.probability(["lemma=eat"]) < 0.1
    assert model.accepts(["lemma=fume", "unknown-feature"])
    assert not model.accepts(["lemma=eat"])
    # a feature counts once however often it is listed
    assert model.probability(["lemma=fume"] * 5) == model.probability(["lemma=fume"])


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    model = CueModel({"a": 1.25, "b": -0.5}, bias=0.1, threshold=0.4, meta={"examples": 3})
    path = tmp_path / "m.json"
    model.save(path)
    loaded = CueModel.load(path)
    assert loaded.weights == model.weights
    assert (loaded.bias, loaded.threshold) == (0.1, 0.4)
    assert loaded.meta["examples"] == 3


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\xff\xfe\x00binary",
        b"[1, 2]",
        json.dumps({"format": "something-else"}).encode(),
        json.dumps({"format": "quotetrace-cue-model", "version": 99}).encode(),
        json.dumps({"format": "quotetrace-cue-model", "version": 1, "bias": 0}).encode(),
        json.dumps(
            {"format": "quotetrace-cue-model", "version": 1, "bias": "x", "threshold": 0.5,
             "weights": {}}
        ).encode(),
    ],
)  # fmt: skip
def test_bad_files_are_a_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(BadModel):
        CueModel.load(path)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BadModel, match="cannot read"):
        CueModel.load(tmp_path / "nope.json")


def test_saving_where_one_cannot_write_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BadModel, match="cannot write"):
        CueModel({}, 0.0).save(tmp_path / "missing-folder" / "m.json")
