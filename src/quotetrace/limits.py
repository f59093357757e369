"""Every per-article cap in one place: ``Limits``, set on the command line by the
``--max-*`` flags (``quotetrace.cli.args``).

An article over a cap becomes that article's error line, naming the cap and the flag that moves
it; the batch goes on. The defaults (README, "Reliability") keep one article under about a
gigabyte of memory; the soft deadline and the memory cap are checked between stages, between
blocks of a long text and every 64 parsed sentences, so an article can overrun them by one stage.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import psutil

from quotetrace.errors import LimitExceeded as LimitExceeded  # re-exported: its old home

MB = 1024 * 1024  # the memory cap counts in MB of 2**20 bytes, as `quotetrace bench --memory`


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 60_000_000  # bytes read from one file, from stdin, or one JSON line
    decompressed_bytes: int = 60_000_000  # one .gz file, decompressed
    html_bytes: int = 50_000_000  # one HTML page
    # characters of one article's text: spaCy's own default cap (nlp.max_length); about a minute
    # of extraction at the densest (50,000 quote marks in 763,900 characters: 46 s on one core)
    chars: int = 1_000_000
    paragraphs: int = 500_000  # paragraphs of one article
    quote_marks: int = 200_000  # quoted stretches (pairs of marks) in one article
    seconds: float | None = 900.0  # soft wall-time deadline per article; None: none
    memory_mb: int | None = 1000  # resident memory one article's extraction may add; None: none

    def deadline(self) -> Deadline:
        return Deadline(self.seconds, self.memory_mb)


def resident_bytes() -> int:
    """The resident set of this process now. (psutil, not ``resource.getrusage``: that gives only
    the peak, which cannot show one article's growth after a larger article.)"""
    return int(psutil.Process().memory_info().rss)


class Deadline:
    """The per-article guard, made when an article's extraction starts: ``check(stage)`` raises
    LimitExceeded once ``seconds`` have passed, or once the process's resident memory
    (``resident()``, by default ``resident_bytes``) has grown by more than ``memory_mb`` since
    then."""

    def __init__(
        self,
        seconds: float | None,
        memory_mb: int | None = None,
        resident: Callable[[], int] | None = None,
    ) -> None:
        self.seconds = seconds
        self.until = None if seconds is None else time.monotonic() + seconds
        self.memory_mb = memory_mb
        self._resident = resident or resident_bytes
        self.start_bytes = 0 if memory_mb is None else self._resident()

    def check(self, stage: str) -> None:
        if self.until is not None and time.monotonic() > self.until:
            raise LimitExceeded(
                f"took longer than {self.seconds:g} s (stopped at {stage}; --max-seconds)"
            )
        if self.memory_mb is not None:
            grown = self._resident() - self.start_bytes
            if grown > self.memory_mb * MB:
                raise LimitExceeded(
                    f"used more than {self.memory_mb:,} MB of memory ({grown / MB:,.0f} MB more "
                    f"than when it started; stopped at {stage}; --max-memory-mb)"
                )


DEFAULT_LIMITS = Limits()


def check_chars(text: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """LimitExceeded when ``text`` has more characters than ``limits.chars``."""
    if len(text) > limits.chars:
        raise LimitExceeded(
            f"article too long ({len(text):,} characters > {limits.chars:,}; --max-chars)"
        )
