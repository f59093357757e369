"""Byte-for-byte comparison of extraction output before and after a change.

    python scripts/compare_outputs.py write DIR     # run extract on the reference inputs into DIR
    python scripts/compare_outputs.py compare A B   # report where two such folders differ

The reference inputs are the Wikinews articles, PolNeAR dev (default kinds and `--kinds all`)
and the example article, all read from ../shared (never copied here). A refactor that claims
"no change in output" shows `identical` on every row; exit code 1 when any file differs.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

# name -> (input, extra extract flags)
RUNS: dict[str, tuple[Path, list[str]]] = {
    "wikinews": (SHARED / "data/wikinews/articles.jsonl", []),
    "polnear-dev": (SHARED / "data/polnear/dev.jsonl", []),
    "polnear-dev-all": (SHARED / "data/polnear/dev.jsonl", ["--kinds", "all"]),
    "example": (SHARED / "examples/lukashenko-apology.txt", []),
}


def write(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    quotetrace = Path(sys.executable).with_name("quotetrace")
    for name, (source, flags) in RUNS.items():
        if not source.exists():
            print(f"{name}: skipped, {source} is absent")
            continue
        out = folder / f"{name}.jsonl"
        command = [str(quotetrace), "extract", str(source), "--no-progress", "-o", str(out), *flags]
        subprocess.run(command, check=True)
        print(f"{name}: {sum(1 for _ in out.open(encoding='utf-8'))} lines -> {out}")
    return 0


def _first_difference(a: Path, b: Path) -> str:
    lines_a = a.read_text(encoding="utf-8").splitlines()
    lines_b = b.read_text(encoding="utf-8").splitlines()
    for number, (line_a, line_b) in enumerate(zip(lines_a, lines_b), start=1):
        if line_a != line_b:
            article = json.loads(line_a).get("id", "?")
            return f"line {number} (article {article})"
    return f"line counts {len(lines_a)} vs {len(lines_b)}"


def compare(before: Path, after: Path) -> int:
    differ = 0
    for name in RUNS:
        a, b = before / f"{name}.jsonl", after / f"{name}.jsonl"
        if not a.exists() or not b.exists():
            print(f"{name:18} missing in {'before' if not a.exists() else 'after'}")
            differ += 1
            continue
        digest_a = hashlib.sha256(a.read_bytes()).hexdigest()[:12]
        digest_b = hashlib.sha256(b.read_bytes()).hexdigest()[:12]
        if digest_a == digest_b:
            print(f"{name:18} identical  sha256 {digest_a}  {a.stat().st_size:,} bytes")
        else:
            differ += 1
            print(f"{name:18} DIFFERENT  {digest_a} vs {digest_b}: first at {_first_difference(a, b)}")
    return 1 if differ else 0


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "write":
        return write(Path(argv[1]))
    if len(argv) == 3 and argv[0] == "compare":
        return compare(Path(argv[1]), Path(argv[2]))
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
