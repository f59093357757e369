"""Training a cue model (train.py) on a small made-up gold corpus, then using it on new text.

The corpus teaches one thing the lexicon does not know: "fumed/griped that …" introduces what
someone said, while "ate/painted …" never does. The model must carry that to sentences, names and
contents it was not trained on, and leave the listed cues working.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quotetrace.cli import main
from quotetrace.cue_model import CueModel
from quotetrace.evaluate import parse_gold_doc
from quotetrace.model import Article
from quotetrace.pipeline import Pipeline
from quotetrace.train import Example, TrainingError, best_threshold, train

NAMES = ["Maria Lopez", "Tom Baker", "Aisha Khan", "Peter Novak", "Lena Berg", "Sam Ortiz"]
TOPICS = [
    ("the new bridge", "was a waste of money"),
    ("the council", "had ignored the residents"),
    ("the plan", "would raise rents"),
    ("the budget", "left the schools short"),
    ("the mayor", "broke his promise"),
    ("the contract", "favoured one company"),
]
OPEN_CUES = ["fumed", "griped"]
OTHER_VERBS = [("ate", "the cold soup at noon"), ("painted", "the old fence on Sunday")]


def make_doc(i: int) -> dict[str, object]:
    """Two attributions with open cues and two sentences with verbs that are never cues."""
    parts: list[str] = []
    quotes = []
    for k in range(2):
        name = NAMES[(i + k) % len(NAMES)]
        subject, rest = TOPICS[(i + 2 * k) % len(TOPICS)]
        cue = OPEN_CUES[(i + k) % 2]
        start = sum(len(p) + 1 for p in parts)
        sentence = f"{name} {cue} that {subject} {rest}."
        content_start = start + len(f"{name} {cue} that ")
        content_end = start + len(sentence) - 1
        cue_start = start + len(name) + 1
        quotes.append(
            {
                "type": "indirect",
                "content": [[content_start, content_end]],
                "speaker": [[start, start + len(name)]],
                "cue": [[cue_start, cue_start + len(cue)]],
            }
        )
        parts.append(sentence)
        other = NAMES[(i + k + 3) % len(NAMES)]
        verb, obj = OTHER_VERBS[(i + k) % 2]
        parts.append(f"{other} {verb} {obj}.")
    return {"id": f"doc{i}", "text": " ".join(parts), "quotes": quotes}


@pytest.fixture(scope="module")
def pipe(pipeline: Pipeline) -> Pipeline:
    return pipeline


@pytest.fixture(scope="module")
def model(pipe: Pipeline) -> CueModel:
    golds = [parse_gold_doc(make_doc(i)) for i in range(12)]
    trained, report = train(golds, pipeline=pipe)
    assert report["positive"] > 0 and report["examples"] > report["positive"]
    return trained


def test_the_training_gold_is_well_formed() -> None:
    doc = make_doc(0)
    text = str(doc["text"])
    for q in doc["quotes"]:  # type: ignore[attr-defined]
        ((s, e),) = q["content"]
        assert text[s:e].startswith("the ") and not text[s:e].endswith(".")


def test_learned_cue_is_found_in_new_text(pipe: Pipeline, model: CueModel) -> None:
    text = (
        "Olga Petrova griped that the hospital had closed too early. "
        "Jan Weber painted the garden wall in May."
    )
    without = Pipeline(analyzer=pipe.analyzer).process(Article(id="t", text=text))
    assert not without.quotes  # the lexicon does not know "griped"
    with_model = Pipeline(analyzer=pipe.analyzer, cue_model=model).process(
        Article(id="t", text=text)
    )
    found = {q.text: q for q in with_model.quotes}
    assert "the hospital had closed too early" in found
    q = found["the hospital had closed too early"]
    assert q.speaker is not None and q.speaker.name == "Olga Petrova"
    assert q.evidence.startswith("open-cue:")
    assert not any("garden wall" in t for t in found)


def test_listed_cues_and_direct_quotes_still_work(pipe: Pipeline, model: CueModel) -> None:
    text = (
        '"We will rebuild," Karl Meyer said on Monday. Karl Meyer fumed that the delay cost jobs.'
    )
    doc = Pipeline(analyzer=pipe.analyzer, cue_model=model).process(Article(id="t", text=text))
    texts = [q.text for q in doc.quotes]
    assert "We will rebuild," in texts or "We will rebuild" in texts
    assert "the delay cost jobs" in texts
    for q in doc.quotes:
        for s, e in q.content:
            assert text[s:e] in q.text


def test_no_examples_is_a_clear_error(pipe: Pipeline) -> None:
    empty = parse_gold_doc({"id": "e", "text": "Nothing happens here.", "quotes": []})
    with pytest.raises(TrainingError):
        train([empty], pipeline=pipe)
    with pytest.raises(TrainingError):
        train([], pipeline=pipe)


def test_best_threshold_counts_each_gold_quote_once() -> None:
    examples = [Example(0, ("a",), 0), Example(0, ("b",), 0), Example(0, ("c",), None)]
    # two clauses hit the same gold quote: accepting the second adds a prediction, not a hit
    threshold, f1 = best_threshold([0.9, 0.8, 0.1], examples, n_gold=1)
    assert threshold == pytest.approx(0.85) and f1 == 1.0


def test_train_command_writes_a_model_the_other_commands_use(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(make_doc(i)) for i in range(8)) + "\n")
    model_path = tmp_path / "model.json"
    assert main(["train", str(gold), "-o", str(model_path)]) == 0
    assert CueModel.load(model_path).weights
    article = tmp_path / "a.txt"
    article.write_text("Olga Petrova fumed that the hospital had closed too early.\n")
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(article), "--cue-model", str(model_path), "-o", str(out)]) == 0
    assert "the hospital had closed too early" in out.read_text()


def test_a_bad_model_file_stops_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    article = tmp_path / "a.txt"
    article.write_text("Someone said that it rained.\n")
    assert main(["extract", str(article), "--cue-model", str(bad)]) == 2
    assert "not a quotetrace cue model" in capsys.readouterr().err


def test_an_unwritable_output_fails_before_training(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(make_doc(0)) + "\n")
    assert main(["train", str(gold), "-o", str(tmp_path / "no" / "such" / "m.json")]) == 2
    assert "cannot write the model" in capsys.readouterr().err


def test_too_little_gold_to_cross_validate_is_a_clear_error(pipe: Pipeline) -> None:
    with_quotes = parse_gold_doc(make_doc(0))
    without = parse_gold_doc({"id": "n", "text": "Tom Baker ate the cold soup.", "quotes": []})
    # one fold trains on the document without quotes alone: one class only
    with pytest.raises(TrainingError, match="too little gold"):
        train([with_quotes, without], pipeline=pipe)


def test_a_folder_as_output_fails_before_training(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(make_doc(0)) + "\n")
    assert main(["train", str(gold), "-o", str(tmp_path)]) == 2
    assert "cannot write the model" in capsys.readouterr().err
