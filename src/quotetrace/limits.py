"""Every per-article cap in one place: ``Limits``, set on the command line by the
``--max-*`` flags (``quotetrace.cli.args``).

An article over a cap becomes that article's error line, naming the cap and the flag that moves
it; the batch goes on. The defaults (README, "Reliability") keep one article under about a
gigabyte of memory; the soft deadline is checked between stages and between blocks of a long text,
so an article can overrun it by one stage.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from quotetrace.errors import LimitExceeded as LimitExceeded  # re-exported: its old home


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
