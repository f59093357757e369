"""``quotetrace serve``: the web page and HTTP API. FastAPI and uvicorn load only when it runs."""

from __future__ import annotations

import argparse
import ipaddress
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from quotetrace.cli.args import add_pipeline_arguments, pipeline_options
from quotetrace.errors import InputError

if TYPE_CHECKING:
    from quotetrace.pipeline import Pipeline


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="FILE", help="a quotetrace store, for search and trace")
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)"
    )
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument(
        "--examples",
        action="store_true",
        help="first add the bundled example articles to the store (--db, else a temporary one)",
    )
    parser.add_argument(
        "--allow-fetch",
        action="store_true",
        help="let the page fetch articles by URL ('Add by URL'; off by default). Private, "
        "loopback and link-local addresses are refused after DNS resolution",
    )
    parser.add_argument(
        "--fetch-allow",
        action="append",
        default=[],
        metavar="NETWORK",
        help="with --allow-fetch: a private network to let through after all, e.g. 10.1.0.0/16 "
        "for an intranet (repeatable)",
    )
    parser.add_argument(
        "--fetch-max-mb", type=float, default=5.0, help="largest page 'Add by URL' reads (MB)"
    )
    parser.add_argument(
        "--fetch-timeout", type=float, default=15.0, help="seconds 'Add by URL' waits for a server"
    )
    add_pipeline_arguments(parser)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _load_examples(db: str, pipeline: Pipeline) -> None:
    from quotetrace.ingest import iter_jsonl
    from quotetrace.store import Store

    examples = Path(__file__).resolve().parents[1] / "examples" / "wikinews.jsonl"
    with Store.open(db) as store:
        for item in pipeline.process_all(iter_jsonl(examples)):
            store.ingest_document(item)


def run_serve(args: argparse.Namespace) -> int:
    from quotetrace.web.app import LOOPBACK_HOSTS, create_app
    from quotetrace.web.follow import FetchSettings
    from quotetrace.web.server import serve_app

    if args.db is not None and not args.examples and not Path(args.db).is_file():
        raise InputError(f"no such store: {args.db}")
    if not 0 < args.port < 65536:
        raise InputError(f"bad port: {args.port}")
    if args.fetch_allow and not args.allow_fetch:
        raise InputError("--fetch-allow needs --allow-fetch")
    if args.fetch_max_mb <= 0 or args.fetch_timeout <= 0:
        raise InputError("--fetch-max-mb and --fetch-timeout must be positive")
    for network in args.fetch_allow:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError as exc:
            raise InputError(f"--fetch-allow: {exc}") from exc
    options = pipeline_options(args)
    options.check()  # a bad model file stops here, before the server starts
    loopback = _is_loopback(args.host)
    if not loopback:
        print(
            f"quotetrace: serving on {args.host}, reachable from other machines; "
            "the API has no authentication",
            file=sys.stderr,
        )
    with tempfile.TemporaryDirectory(prefix="quotetrace-") as scratch:
        pipeline = None
        db = args.db
        if args.examples:
            db = db or str(Path(scratch) / "examples.db")
            pipeline = options.pipeline()
            _load_examples(db, pipeline)
            print(f"quotetrace: the bundled examples are in the store {db}", file=sys.stderr)
        # On this machine only, refuse other Host names too (DNS rebinding).
        allowed = (*LOOPBACK_HOSTS, args.host) if loopback else None
        fetch = FetchSettings(
            allowed=args.allow_fetch,
            max_bytes=int(args.fetch_max_mb * 1_000_000),
            timeout=args.fetch_timeout,
            allow_networks=tuple(args.fetch_allow),
        )
        app = create_app(db, pipeline=pipeline, allowed_hosts=allowed, fetch=fetch, options=options)
        serve_app(app, host=args.host, port=args.port)
    return 0
