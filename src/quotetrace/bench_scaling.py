"""``quotetrace bench-scaling``: how extraction time grows with the number of quote marks and the
depth of nesting, on generated worst cases (every quote in one paragraph; quotes nested N deep).

For each size it prints the characters, the quotes found, the seconds, the CPU seconds of this
process (what the work cost, less the share of a machine that others are also using), and the
growth exponent of the seconds against the size before it (time ∝ size^k: k ≈ 1 is linear, 2
quadratic). Before issue 12 the
mark pairing, nesting and date look-ups were quadratic or cubic: 8,000 marks took 34 s and 50,000
did not finish in 300 s.
"""

from __future__ import annotations

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


def measure(kind: str, sizes: list[int]) -> list[tuple[int, int, int, float, float]]:
    """(size, characters, quotes, seconds, CPU seconds) for each size, on one shared pipeline."""
    from quotetrace.model import Article
    from quotetrace.pipeline import default_pipeline

    pipeline = default_pipeline()
    pipeline.process(Article("warm-up", "“Fine,” she said."))
    make = marks_text if kind == "marks" else nested_text
    rows = []
    for size in sizes:
        text = make(size)
        start, cpu = time.perf_counter(), time.process_time()
        doc = pipeline.process(Article(f"{kind}-{size}", text))
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        if doc.error:
            raise RuntimeError(f"{kind} {size}: {doc.error}")
        rows.append((size, len(text), len(doc.quotes), seconds, cpu))
    return rows
