"""``quotetrace bench-scaling``: how extraction time grows with the number of quote marks and the
depth of nesting, on generated worst cases (every quote in one paragraph; quotes nested N deep).

For each size it prints the characters, the quotes found, the seconds, and the growth exponent
against the size before it (time ∝ size^k: k ≈ 1 is linear, 2 quadratic). Before issue 12 the
mark pairing, nesting and date look-ups were quadratic or cubic: 8,000 marks took 34 s and 50,000
did not finish in 300 s.
"""

from __future__ import annotations

import argparse
import math
import time

DEFAULT_MARKS = "1000,2000,5000,10000,20000,50000"
DEFAULT_NESTING = "10,100,1000,5000,10000"


def marks_text(marks: int) -> str:
    """``marks`` quotation marks: short cued quotes, all in one paragraph with no full stop."""
    return "".join(f"“Word {i} is fine,” he said, " for i in range(marks // 2)) + "and left.\n"


def nested_text(depth: int) -> str:
    """One quote holding a quote holding a quote …, ``depth`` levels, double and single marks."""
    opens = "".join(("“" if i % 2 == 0 else "‘") + f"Name{i} said " for i in range(depth))
    closes = "".join(("”" if i % 2 == 0 else "’") for i in reversed(range(depth)))
    return "Anna Berg said " + opens + "yes." + closes + " on Monday.\n"


def _sizes(value: str) -> list[int]:
    try:
        sizes = [int(v) for v in value.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma list of numbers: {value!r}") from None
    if not sizes or any(s <= 0 for s in sizes):
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sizes


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--marks", type=_sizes, default=_sizes(DEFAULT_MARKS), metavar="N,N,…")
    parser.add_argument("--nesting", type=_sizes, default=_sizes(DEFAULT_NESTING), metavar="N,N,…")


def measure(kind: str, sizes: list[int]) -> list[tuple[int, int, int, float]]:
    """(size, characters, quotes, seconds) for each size, on one shared pipeline."""
    from quotetrace.model import Article
    from quotetrace.pipeline import default_pipeline

    pipeline = default_pipeline()
    pipeline.process(Article("warm-up", "“Fine,” she said."))
    make = marks_text if kind == "marks" else nested_text
    rows = []
    for size in sizes:
        text = make(size)
        start = time.perf_counter()
        doc = pipeline.process(Article(f"{kind}-{size}", text))
        seconds = time.perf_counter() - start
        if doc.error:
            raise RuntimeError(f"{kind} {size}: {doc.error}")
        rows.append((size, len(text), len(doc.quotes), seconds))
    return rows


def run(args: argparse.Namespace) -> int:
    for kind, sizes, label in (
        ("marks", args.marks, "quote marks"),
        ("nesting", args.nesting, "nesting levels"),
    ):
        print(f"{label:>14}  {'chars':>9}  {'quotes':>7}  {'seconds':>8}  growth k")
        previous: tuple[int, float] | None = None
        for size, chars, quotes, seconds in measure(kind, sizes):
            growth = ""
            if previous is not None and seconds > 0 and previous[1] > 0:
                growth = f"{math.log(seconds / previous[1]) / math.log(size / previous[0]):.2f}"
            print(f"{size:>14,}  {chars:>9,}  {quotes:>7,}  {seconds:>8.2f}  {growth}", flush=True)
            previous = (size, seconds)
        print()
    return 0
