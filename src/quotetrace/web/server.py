"""Running the app under uvicorn: the JSON error shape for malformed HTTP, and a prompt SIGTERM.

uvicorn answers a request it cannot parse (broken framing, a bad header line, an invalid
Content-Length) itself, before the app sees anything, with a plain-text 400. ``JsonH11Protocol``
is uvicorn's own h11 protocol with that one answer written in the app's error shape.

On SIGTERM or Ctrl-C uvicorn stops accepting connections and waits for the requests in flight.
``serve_app`` also tells the app's extractor to stop: an extraction in progress stops at its next
stage boundary (its request answers 503), requests still waiting for the pipeline give up, so the
server exits within about one stage of work instead of after the slowest extraction; a second
signal, or ``GRACE_SECONDS``, ends whatever is left.
"""

from __future__ import annotations

import json
import threading
from types import FrameType
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

GRACE_SECONDS = 10  # after SIGTERM, requests still running after this are cancelled

MALFORMED_BODY = json.dumps(
    {"error": {"status": 400, "message": "invalid HTTP request", "detail": None}}
).encode()


class JsonH11Protocol(H11Protocol):
    """uvicorn's h11 protocol; a request that h11 cannot parse gets the app's JSON error shape."""

    def send_400_response(self, msg: str) -> None:
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(MALFORMED_BODY)).encode()),
            (b"connection", b"close"),
            (b"x-content-type-options", b"nosniff"),
        ]
        try:
            self.transport.write(self.conn.send(h11.Response(status_code=400, headers=headers)))
            self.transport.write(self.conn.send(h11.Data(data=MALFORMED_BODY)) or b"")
            self.transport.write(self.conn.send(h11.EndOfMessage()) or b"")
        except h11.LocalProtocolError:  # no response can be sent in this state: just close
            pass
        self.transport.close()


class _Server(uvicorn.Server):
    """uvicorn's server; the first exit signal also sets ``stopping`` (the extractor's event)."""

    def __init__(self, config: uvicorn.Config, stopping: threading.Event) -> None:
        super().__init__(config)
        self.stopping = stopping

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self.stopping.set()
        super().handle_exit(sig, frame)


def serve_app(app: Any, *, host: str, port: int, log_level: str = "info") -> None:
    """Serve ``app`` (from ``create_app``) until SIGTERM or Ctrl-C."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        http=JsonH11Protocol,
        timeout_graceful_shutdown=GRACE_SECONDS,
    )
    _Server(config, app.state.extractor.stopping).run()
