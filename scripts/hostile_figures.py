"""Time and peak memory of every hostile case (tests/hostile/make_corpus.py) at the default caps.

    .venv/bin/python scripts/hostile_figures.py [--only NAME ...] [--keep DIR]

Each case runs in a process of its own, as a user would run it: `quotetrace extract FILE` (WARC
cases: `quotetrace ingest FILE` into a new store), with no flag beyond the defaults. The figures
are those of that whole process, loading the model included: wall seconds, CPU seconds (user and
system) and peak resident memory (the kernel's high-water mark, from `os.wait4`). The outcome is
what the output says, `result` or the first error line, checked against the case's expected one.
The table is what README's Reliability section shows; the last line sums up (exit 1 if a case
did not end as expected).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "hostile"))
from make_corpus import CASES, Case, materialise  # noqa: E402

QUOTETRACE = Path(sys.executable).with_name("quotetrace")


@dataclass
class Figures:
    case: Case
    seconds: float
    cpu: float
    peak_mb: float
    outcome: str


def run(case: Case, folder: Path) -> Figures:
    path = folder / case.name
    out = folder / "out.jsonl"
    if case.via == "ingest":
        store = folder / "store.db"
        store.unlink(missing_ok=True)
        command = [str(QUOTETRACE), "ingest", str(path), "--db", str(store)]
    else:
        command = [str(QUOTETRACE), "extract", str(path), "-o", str(out)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, _, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    stderr = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
    process.communicate()
    return Figures(
        case=case,
        seconds=seconds,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_mb=usage.ru_maxrss / 1024,  # Linux reports kilobytes
        outcome=outcome(case, out, stderr),
    )


def outcome(case: Case, out: Path, stderr: str) -> str:
    """``result``, or the first error: an error line of the output, else the last stderr line."""
    if "Traceback" in stderr:
        return "TRACEBACK"
    if case.via == "extract" and out.exists():
        lines = [json.loads(line) for line in out.read_text("utf-8").splitlines() if line.strip()]
        out.unlink()
        errors = [d["error"] for d in lines if d.get("error")]
        return ("error: " + errors[0]) if errors else "result"
    # ingest: one "quotetrace: ID: reason" line per failed article, then the summary lines
    failed = [
        line.split(": ", 2)[2]
        for line in stderr.splitlines()
        if line.startswith("quotetrace: ") and line.count(": ") >= 2
    ]
    return ("error: " + failed[0]) if failed else "result"


def as_expected(f: Figures) -> bool:
    if f.case.outcome == "ok":
        return f.outcome == "result"
    return f.outcome.startswith("error: ") and f.case.outcome[len("error:") :] in f.outcome


def table(rows: list[Figures]) -> str:
    lines = [
        "| case | input | expected | got | seconds | CPU s | peak MB |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in rows:
        name = os.fsencode(f.case.name).decode("utf-8", "backslashreplace")
        name = name if len(name) < 40 else name[:12] + "…" + name[-8:]
        expected = "result" if f.case.outcome == "ok" else "error: " + f.case.outcome[6:]
        got = "as expected" if as_expected(f) else f.outcome[:70].replace("|", "\\|")
        lines.append(
            f"| `{name}` | {f.case.what} | {expected} | {got} | {f.seconds:.1f} | {f.cpu:.1f} "
            f"| {f.peak_mb:,.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=None, help="case names to run")
    parser.add_argument("--keep", type=Path, default=None, help="make the cases here, keep them")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.keep or Path(temporary)
        materialise(folder)
        chosen = [c for c in CASES if args.only is None or c.name in args.only]
        rows = []
        for case in chosen:
            rows.append(run(case, folder))
            print(f"{case.name[:40]}: {rows[-1].seconds:.1f} s", file=sys.stderr, flush=True)
    print(table(rows))
    slowest = max(rows, key=lambda f: f.seconds)
    largest = max(rows, key=lambda f: f.peak_mb)
    crashed = [f.case.name for f in rows if f.outcome == "TRACEBACK"]
    passed = sum(as_expected(f) for f in rows)
    print(
        f"\n{len(rows)} cases, {passed} as expected; slowest {slowest.case.name} "
        f"{slowest.seconds:.1f} s ({slowest.cpu:.1f} CPU s); largest {largest.case.name} "
        f"{largest.peak_mb:,.0f} MB; tracebacks: {len(crashed)}"
    )
    return 0 if passed == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
