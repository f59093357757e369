"""Small parses for the detector unit tests (tests/test_detect_*.py).

The tests build an ``Analysis`` the way the pipeline does (``Pipeline.analyse``: only sentences
with a quote mark, a cue word of a wanted kind, "according to" or a closing colon are parsed), or
with every sentence parsed, and hand it to one detector.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from quotetrace.detect.analysis import Analysis
from quotetrace.model import Span
from quotetrace.pipeline import Pipeline


def analyse(
    pipeline: Pipeline,
    text: str,
    *,
    boilerplate: tuple[Span, ...] = (),
    every_sentence: bool = False,
) -> Analysis:
    """The analysis of ``text``; ``every_sentence``: parse every sentence, not only those the
    pipeline selects (a cue of a kind it does not want, a sentence with no cue at all)."""
    analysis = pipeline.analyse(text, boilerplate)
    if every_sentence:
        analysis = replace(analysis, parsed=tuple(pipeline.parse_all(text)))
    return analysis


def texts(text: str, spans: Iterable[Span]) -> list[str]:
    """What each span slices out of ``text``."""
    return [text[start:end] for start, end in spans]
