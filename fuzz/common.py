"""Shared by the atheris harnesses (one per entry point; ``make fuzz`` runs them all).

A crash is any exception that is not one of quotetrace's own errors (``QuotetraceError``: a
clear message the CLI prints as an error line), or a broken invariant of a result: every span
inside its text and slicing it exactly (a quote's ``text`` is its spans' text), an error that is
an ``internal error`` (a bug caught by the per-article guard), an output line that is not valid
JSON. Only quotetrace's own modules are instrumented for coverage (spaCy, lxml and trafilatura
are not), so the fuzzer steers by quotetrace's branches.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import atheris

with atheris.instrument_imports(include=["quotetrace"]):
    from quotetrace.errors import QuotetraceError
    from quotetrace.model import Document
    from quotetrace.output.jsonl import dumps
    from quotetrace.pipeline import Pipeline

_pipeline: list[Pipeline] = []


def pipeline() -> Pipeline:
    if not _pipeline:
        _pipeline.append(Pipeline())
    return _pipeline[0]


def check_document(doc: Document) -> None:
    """The invariants of one extraction result."""
    text = doc.article.text
    if doc.error is not None:
        assert not doc.error.startswith("internal error"), doc.error
        return
    for quote in doc.quotes:
        spans = [*quote.content, *quote.cue]
        for party in (quote.speaker, quote.addressee):
            if party is not None:
                spans += party.mention
        for start, end in spans:
            assert 0 <= start <= end <= len(text), (quote.id, start, end, len(text))
        assert quote.text == " ".join(text[s:e] for s, e in quote.content), quote.id
    for entity in doc.entities:
        for start, end in entity.mentions:
            assert 0 <= start <= end <= len(text), (entity.id, start, end)
    line = dumps(doc, include_text=True)
    assert "\n" not in line
    assert json.loads(line)["id"] == doc.article.id


def expected(call: Callable[[], Any]) -> Any:
    """``call()``, with quotetrace's own errors (a clean refusal) turned into None."""
    try:
        return call()
    except QuotetraceError:
        return None


def main(test_one_input: Callable[[bytes], None]) -> None:
    pipeline()  # the model loads before the clock of the first input starts
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
