"""Every per-article cap in one place: ``Limits``, with the flags that set it on the command line.

An article over a cap becomes that article's error line, naming the cap and the flag that moves
it; the batch goes on. The defaults (README, "Reliability") keep one article under about a
gigabyte of memory; the soft deadline is checked between stages and between blocks of a long text,
so an article can overrun it by one stage.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, fields

from quotetrace.errors import UnreadableArticle


class LimitExceeded(UnreadableArticle):
    """An article is over one of the ``Limits``."""


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 60_000_000  # bytes read from one file, from stdin, or one JSON line
    decompressed_bytes: int = 60_000_000  # one .gz file, decompressed
    html_bytes: int = 50_000_000  # one HTML page
    chars: int = 25_000_000  # characters of one article's text
    paragraphs: int = 500_000  # paragraphs of one article
    quote_marks: int = 200_000  # quoted stretches (pairs of marks) in one article
    seconds: float | None = 900.0  # soft wall-time deadline per article; None: none

    def deadline(self) -> Deadline:
        return Deadline(self.seconds)


class Deadline:
    """A soft deadline: ``check()`` raises LimitExceeded once ``seconds`` have passed."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.until = None if seconds is None else time.monotonic() + seconds

    def check(self, stage: str) -> None:
        if self.until is not None and time.monotonic() > self.until:
            raise LimitExceeded(
                f"took longer than {self.seconds:g} s (stopped at {stage}; --max-seconds)"
            )


DEFAULT_LIMITS = Limits()


def check_chars(text: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """LimitExceeded when ``text`` has more characters than ``limits.chars``."""
    if len(text) > limits.chars:
        raise LimitExceeded(
            f"article too long ({len(text):,} characters > {limits.chars:,}; --max-chars)"
        )


_FLAGS = {
    "file_bytes": ("--max-bytes", "bytes read from one file, stdin or JSON line"),
    "decompressed_bytes": ("--max-decompressed-bytes", "bytes of one .gz file, decompressed"),
    "html_bytes": ("--max-html-bytes", "bytes of one HTML page"),
    "chars": ("--max-chars", "characters of one article"),
    "paragraphs": ("--max-paragraphs", "paragraphs of one article"),
    "quote_marks": ("--max-quote-marks", "quoted stretches in one article"),
    "seconds": ("--max-seconds", "soft time limit per article in seconds (0: none)"),
}


def _positive(kind: type) -> object:
    def parse(value: str) -> int | float:
        try:
            number = kind(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {value[:20]!r}") from None
        if number < 0 or number > 10**15:
            raise argparse.ArgumentTypeError(f"out of range: {value[:20]!r}")
        return number

    return parse


def add_limit_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("limits per article (README: Reliability)")
    for field in fields(Limits):
        flag, text = _FLAGS[field.name]
        default = getattr(DEFAULT_LIMITS, field.name)
        kind = float if field.name == "seconds" else int
        group.add_argument(
            flag,
            dest=f"limit_{field.name}",
            type=_positive(kind),  # type: ignore[arg-type]
            default=None,
            metavar="N",
            help=f"{text} (default {default:,})",
        )


def limits_from_args(args: argparse.Namespace) -> Limits:
    values: dict[str, object] = {}
    for field in fields(Limits):
        given = getattr(args, f"limit_{field.name}", None)
        if given is not None:
            values[field.name] = (given or None) if field.name == "seconds" else given
    return Limits(**values)  # type: ignore[arg-type]
