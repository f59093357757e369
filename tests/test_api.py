"""The public Python surface is small, explicit and pinned here."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import quotetrace
from quotetrace import errors, limits, model, pipeline

EXPECTED = [
    "Article",
    "Document",
    "Entity",
    "EvaluationError",
    "Failure",
    "Finding",
    "InputError",
    "LimitExceeded",
    "Limits",
    "Occasion",
    "Party",
    "Pipeline",
    "Quote",
    "QuotetraceError",
    "SaidOn",
    "StoreError",
    "UnreadableArticle",
    "__version__",
    "extract",
]


def test_all_is_pinned() -> None:
    assert quotetrace.__all__ == EXPECTED
    assert len(quotetrace.__all__) == len(set(quotetrace.__all__))


def test_every_exported_name_exists() -> None:
    for name in quotetrace.__all__:
        assert hasattr(quotetrace, name), name


def test_exports_are_the_library_objects() -> None:
    assert quotetrace.extract is pipeline.extract
    assert quotetrace.Pipeline is pipeline.Pipeline
    for name in ("Article", "Document", "Entity", "Failure", "Finding", "Occasion", "Party"):
        assert getattr(quotetrace, name) is getattr(model, name)
    assert quotetrace.Quote is model.Quote
    assert quotetrace.SaidOn is model.SaidOn
    assert quotetrace.Limits is limits.Limits
    assert quotetrace.LimitExceeded is limits.LimitExceeded
    for name in (
        "QuotetraceError",
        "InputError",
        "UnreadableArticle",
        "EvaluationError",
        "StoreError",
    ):
        assert getattr(quotetrace, name) is getattr(errors, name)


def test_version() -> None:
    """The version is written once, in pyproject.toml, and read from the installed metadata."""
    pyproject = Path(__file__).parents[1] / "pyproject.toml"
    declared = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
    assert quotetrace.__version__ == declared == metadata.version("quotetrace")


def test_exception_tree() -> None:
    assert issubclass(quotetrace.InputError, quotetrace.QuotetraceError)
    assert issubclass(quotetrace.UnreadableArticle, quotetrace.InputError)
    assert issubclass(quotetrace.EvaluationError, quotetrace.QuotetraceError)
    assert issubclass(quotetrace.StoreError, quotetrace.QuotetraceError)


def test_import_does_not_load_the_model() -> None:
    code = "import sys, quotetrace; print('spacy' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_extract_one_direct_quote() -> None:
    text = "“We will win,” she said."
    doc = quotetrace.extract(text)
    assert isinstance(doc, quotetrace.Document)
    assert doc.error is None
    assert len(doc.quotes) == 1
    (q,) = doc.quotes
    assert isinstance(q, quotetrace.Quote)
    assert q.type == "direct"
    assert [text[s:e] for s, e in q.cue] == ["said"]
    assert q.text.startswith("We will win")
    assert q.speaker is not None
    assert [text[s:e] for s, e in q.speaker.mention] == ["she"]


def test_extract_takes_metadata() -> None:
    doc = quotetrace.extract("“Fine,” he said.", id="a1", title="T", published="2024-01-02")
    assert doc.article.id == "a1"
    assert doc.article.title == "T"
    assert doc.article.published == "2024-01-02"


def test_extract_empty_text_reports_an_error() -> None:
    doc = quotetrace.extract("")
    assert doc.error == "empty article"
    assert doc.quotes == ()
