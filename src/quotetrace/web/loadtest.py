"""A bounded load test of a running ``quotetrace serve`` (``scripts/serve_load.py`` prints it).

Only loopback addresses are accepted as targets: this sends hundreds of requests at once.
``start_server`` runs a real ``quotetrace serve`` process on a free loopback port;
``load`` sends ``requests`` POSTs to ``/api/extract`` with at most ``concurrency`` in flight
(httpx's async client) and returns the counts and latencies; ``abuse`` sends the hostile requests
of issue 12 (malformed bodies, wrong content types, deep JSON, a body over the limit, broken HTTP
framing) and returns what came back, so a caller can check the error shape and that the server
stayed up.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from quotetrace.errors import InputError, QuotetraceError


@dataclass
class LoadReport:
    requests: int
    concurrency: int
    ok: int
    errors: int  # any answer other than 200 with JSON, or no answer
    statuses: dict[str, int]  # status code (or the exception's name) -> count
    seconds: float  # wall time of the whole run
    latencies: list[float] = field(repr=False)  # seconds, one per request

    def percentile(self, p: float) -> float:
        """The ``p``-th percentile latency in seconds (nearest rank)."""
        ordered = sorted(self.latencies)
        rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
        return ordered[rank - 1]

    @property
    def median(self) -> float:
        return statistics.median(self.latencies)


def check_loopback(base_url: str) -> None:
    host = urlsplit(base_url).hostname or ""
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise InputError(f"load tests only target this machine (a loopback address), not {host!r}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def start_server(
    *args: str, log: Path, timeout: float = 300.0
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``quotetrace serve`` on 127.0.0.1 and a free port, ready (its health answers) when this
    yields ``(base_url, process)``; stopped with SIGTERM (then SIGKILL) on the way out. Its
    stderr (uvicorn's log) goes to ``log``, a file the caller may read."""
    port = free_port()
    main = "import sys; from quotetrace.cli import main; sys.exit(main())"
    command = [sys.executable, "-c", main, "serve", "--port", str(port), *args]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with open(log, "wb") as sink:
        proc = subprocess.Popen(command, stderr=sink, stdout=subprocess.DEVNULL, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, proc, timeout)
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        if proc.poll() is not None:
            raise QuotetraceError(f"the server exited with {proc.returncode}")
        try:
            if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise QuotetraceError(f"the server did not answer within {timeout:g} s")


async def _load(
    base: str, body: dict[str, Any], requests: int, concurrency: int, timeout: float
) -> LoadReport:
    check_loopback(base)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    ok = 0

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout) as client:

        async def one() -> None:
            nonlocal ok
            async with gate:
                start = time.perf_counter()
                try:
                    response = await client.post("/api/extract", json=body)
                    key = str(response.status_code)
                    if response.status_code == 200 and response.json().get("quotes") is not None:
                        ok += 1
                except (httpx.HTTPError, json.JSONDecodeError) as exc:
                    key = type(exc).__name__
                latencies.append(time.perf_counter() - start)
                statuses[key] = statuses.get(key, 0) + 1

        began = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(requests)))
        seconds = time.perf_counter() - began
    return LoadReport(
        requests, concurrency, ok, requests - ok, dict(sorted(statuses.items())), seconds, latencies
    )


def load(
    base: str,
    body: dict[str, Any],
    *,
    requests: int = 200,
    concurrency: int = 200,
    timeout: float = 900.0,
) -> LoadReport:
    """``requests`` POSTs of ``body`` to ``base``/api/extract, ``concurrency`` at a time."""
    return asyncio.run(_load(base, body, requests, concurrency, timeout))


def raw_http(base: str, data: bytes, timeout: float = 30.0) -> bytes:
    """Send ``data`` as it is on a new connection; everything the server answers until it closes."""
    check_loopback(base)
    parts = urlsplit(base)
    chunks = []
    with socket.create_connection((parts.hostname or "", parts.port or 80), timeout=timeout) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def abuse(base: str, max_body: int = 2 * 1024 * 1024) -> list[tuple[str, int, str]]:
    """The hostile requests; one ``(case, status, body)`` each (status 0: no HTTP answer)."""
    check_loopback(base)
    deep = "[" * 100_000 + "]" * 100_000
    cases: list[tuple[str, dict[str, Any]]] = [
        (
            "malformed JSON",
            {"content": b'{"text": "a', "headers": {"content-type": "application/json"}},
        ),
        (
            "JSON nested 100,000 deep",
            {"content": deep.encode(), "headers": {"content-type": "application/json"}},
        ),
        (
            "text nested in deep JSON",
            {
                "content": ('{"text": ' + deep + "}").encode(),
                "headers": {"content-type": "application/json"},
            },
        ),
        (
            "wrong content type",
            {
                "content": b"text=hello",
                "headers": {"content-type": "application/x-www-form-urlencoded"},
            },
        ),
        ("no content type", {"content": b'{"text": "x"}'}),
        (
            "binary body",
            {"content": bytes(range(256)) * 64, "headers": {"content-type": "application/json"}},
        ),
        ("text is a number", {"json": {"text": 5}}),
        (
            "body over the limit",
            {"content": b"x" * (max_body + 1), "headers": {"content-type": "application/json"}},
        ),
        (
            "lone surrogate",
            {
                "content": b'{"text": "\\ud800 said"}',
                "headers": {"content-type": "application/json"},
            },
        ),
    ]
    out: list[tuple[str, int, str]] = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for name, kwargs in cases:
            try:
                response = client.post("/api/extract", **kwargs)
                out.append((name, response.status_code, response.text[:300]))
            except httpx.HTTPError as exc:
                out.append((name, 0, type(exc).__name__))
    framing = {
        "broken request line": b"GARBAGE\r\n\r\n",
        "bad Content-Length": b"POST /api/extract HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: x\r\n\r\n",
        "header without colon": b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nnocolon\r\n\r\n",
        "two Content-Lengths": b"POST /api/extract HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        "bad chunk size": b"POST /api/extract HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    }
    for name, data in framing.items():
        answer = raw_http(base, data)
        head, _, body = answer.partition(b"\r\n\r\n")
        status_line = head.split(b"\r\n", 1)[0].split()
        status = int(status_line[1]) if len(status_line) > 1 and status_line[1].isdigit() else 0
        out.append((name, status, body.decode("utf-8", "replace")[:300]))
    return out
