"""Fixtures shared by every test module.

Loading en_core_web_sm is the slowest thing a test does, so the model loads once per test session:
``analyzer`` holds it, and every pipeline a test needs is built on it (``pipeline`` and
``pipeline_all_kinds`` are built once; ``make_pipeline(**options)`` builds another with other
options, cheaply). The session pipelines are shared by every module: a test that changes one (its
``limits``, say) does it with ``monkeypatch.setattr`` so that the change is undone after the test.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from quotetrace.kinds import ALL_KINDS
from quotetrace.nlp import SpacyAnalyzer
from quotetrace.pipeline import Pipeline


@pytest.fixture(scope="session")
def analyzer() -> SpacyAnalyzer:
    """The spaCy model, loaded once for the whole session."""
    return SpacyAnalyzer()


@pytest.fixture(scope="session")
def make_pipeline(analyzer: SpacyAnalyzer) -> Callable[..., Pipeline]:
    """``make_pipeline(**options)``: a new ``Pipeline(**options)`` on the session's model."""

    def make(**options: Any) -> Pipeline:
        options.setdefault("analyzer", analyzer)
        return Pipeline(**options)

    return make


@pytest.fixture(scope="session")
def pipeline(make_pipeline: Callable[..., Pipeline]) -> Pipeline:
    """The default pipeline (``Pipeline()``), shared by the whole session."""
    return make_pipeline()


@pytest.fixture(scope="session")
def pipeline_all_kinds(make_pipeline: Callable[..., Pipeline]) -> Pipeline:
    """``Pipeline(kinds=ALL_KINDS)``: thoughts, findings and perceptions too."""
    return make_pipeline(kinds=ALL_KINDS)
