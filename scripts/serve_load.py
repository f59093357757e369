"""A bounded load test of `quotetrace serve` on this machine (issue 12), figures for the README.

    .venv/bin/python scripts/serve_load.py [--requests 200] [--concurrency 200] [--article FILE]

Starts a real `quotetrace serve` on 127.0.0.1 and a free port, sends the hostile requests once
(malformed bodies, wrong content types, deep JSON, broken HTTP framing) and prints each answer's
status and whether it has the one JSON error shape, then `--requests` POSTs of the example
article to /api/extract with `--concurrency` in flight (httpx's async client) and prints
requests, errors and p50/p95 latency; then the hostile requests again and the health check, to
show the server stayed up under and after the load. Then SIGTERM, and how long the server took
to exit. The article: ../shared/examples/lukashenko-apology.txt when present, else the first
bundled Wikinews example. Nothing but loopback addresses is ever sent to.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import tempfile
import time
from pathlib import Path

import httpx

from quotetrace.web.loadtest import abuse, load, start_server

ROOT = Path(__file__).resolve().parents[1]
SHARED_EXAMPLE = ROOT.parent / "shared" / "examples" / "lukashenko-apology.txt"
BUNDLED = ROOT / "src" / "quotetrace" / "examples" / "wikinews.jsonl"


def _article(path: str | None) -> tuple[str, str]:
    if path:
        return path, Path(path).read_text(encoding="utf-8")
    if SHARED_EXAMPLE.is_file():
        return SHARED_EXAMPLE.name, SHARED_EXAMPLE.read_text(encoding="utf-8")
    first = json.loads(BUNDLED.read_text(encoding="utf-8").splitlines()[0])
    return f"{BUNDLED.name} ({first['id']})", str(first["text"])


def _shape(body: str, status: int) -> bool:
    try:
        error = json.loads(body)["error"]
    except (ValueError, KeyError, TypeError):
        return False
    return isinstance(error, dict) and error.get("status") == status and bool(error.get("message"))


def _print_abuse(base: str) -> int:
    bad = 0
    for name, status, body in abuse(base):
        shaped = _shape(body, status)
        bad += status >= 500 or status == 0 or not shaped
        print(f"  {name:28} {status:3}  {'error shape' if shaped else 'NOT the error shape'}")
    return bad


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--article", help="a text file (default: the example article)")
    args = parser.parse_args()
    if not 0 < args.requests <= 2000 or not 0 < args.concurrency <= 500:
        parser.error("--requests must be 1..2000 and --concurrency 1..500 (a bounded test)")
    name, text = _article(args.article)
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "serve.log"
        with start_server(log=log) as (base, proc):
            print(f"server {base} (pid {proc.pid}); article {name}, {len(text):,} characters")
            warm = httpx.post(base + "/api/extract", json={"text": text}, timeout=300)
            print(f"warm-up extraction: {warm.status_code}, {len(warm.json()['quotes'])} quotes")
            print("hostile requests before the load:")
            bad = _print_abuse(base)
            report = load(
                base, {"text": text}, requests=args.requests, concurrency=args.concurrency
            )
            print(
                f"load: {report.requests} requests, {report.concurrency} concurrent: "
                f"{report.ok} ok, {report.errors} errors {report.statuses}; "
                f"p50 {report.percentile(50):.2f} s, p95 {report.percentile(95):.2f} s, "
                f"max {max(report.latencies):.2f} s; {report.seconds:.1f} s in all "
                f"({report.requests / report.seconds:.1f} requests/s)"
            )
            print("hostile requests after the load:")
            bad += _print_abuse(base)
            health = httpx.get(base + "/api/health", timeout=30)
            print(f"health after: {health.status_code} {health.text}")
            start = time.perf_counter()
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
            print(f"SIGTERM: exited in {time.perf_counter() - start:.2f} s ({proc.returncode})")
        return 1 if bad or report.errors or health.status_code != 200 else 0


if __name__ == "__main__":
    sys.exit(main())
