"""The fetching side of the command line: the fetch flags of ``extract`` and ``ingest`` (URL
inputs, ``--feed``), and ``watch``. Nothing is fetched unless one of these commands is given a URL
or a feed."""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable

from quotetrace.cli.args import kinds_argument, pipeline_options
from quotetrace.errors import InputError, QuotetraceError, StoreError
from quotetrace.fetch.client import DEFAULT_USER_AGENT, Fetcher, FetchPolicy
from quotetrace.fetch.sources import Backoff, FeedState, WebSource, load_pages
from quotetrace.fetch.watch import read_feed_list, watch_round, web_summary
from quotetrace.store.files import DEFAULT_DB

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?\s*$", re.IGNORECASE)
_UNIT = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


def duration(value: str) -> float:
    """Seconds in '90', '30s', '15m', '1h', '1d'."""
    match = _DURATION.match(value)
    if not match:
        raise argparse.ArgumentTypeError(f"not a duration: {value!r} (e.g. 30s, 15m, 1h)")
    return float(match.group(1)) * _UNIT[(match.group(2) or "s").lower()]


def add_fetch_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("fetching (only for http:// and https:// inputs)")
    group.add_argument("--user-agent", default=DEFAULT_USER_AGENT, help="User-Agent header")
    group.add_argument(
        "--timeout", type=float, default=20.0, help="seconds to wait for a server (default 20)"
    )
    group.add_argument(
        "--max-mb", type=float, default=10.0, help="largest page or feed, in MB (default 10)"
    )
    group.add_argument(
        "--host-delay",
        type=float,
        default=1.0,
        help="seconds between requests to one host (default 1; robots.txt Crawl-delay wins)",
    )
    group.add_argument(
        "--retries", type=int, default=2, help="retries of timeouts, 5xx and 429 (default 2)"
    )


def policy_from_args(args: argparse.Namespace) -> FetchPolicy:
    if args.timeout <= 0 or args.max_mb <= 0 or args.host_delay < 0 or args.retries < 0:
        raise InputError("--timeout and --max-mb must be positive, --host-delay and --retries >= 0")
    return FetchPolicy(
        user_agent=args.user_agent,
        connect_timeout=min(10.0, args.timeout),
        read_timeout=args.timeout,
        total_timeout=max(60.0, 3 * args.timeout),
        max_bytes=int(args.max_mb * 1_000_000),
        host_delay=args.host_delay,
        retries=args.retries,
    )


def log(message: str) -> None:
    """What the fetcher and the web source report as they go, on stderr."""
    print(f"quotetrace: {message}", file=sys.stderr, flush=True)


def web_source(args: argparse.Namespace) -> WebSource:
    """A WebSource with the fetch flags of ``args``, logging to stderr."""
    return WebSource(Fetcher(policy_from_args(args), log=log), log=log)


# -- watch ---------------------------------------------------------------------------------------


def add_watch_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("feeds", help="a file with one feed or sitemap URL per line (# comments)")
    parser.add_argument("--db", default=DEFAULT_DB, help=f"the store (default {DEFAULT_DB})")
    parser.add_argument(
        "--every", type=duration, default=900.0, help="time between rounds (default 15m)"
    )
    stop = parser.add_mutually_exclusive_group()
    stop.add_argument("--once", action="store_true", help="one round, then stop")
    stop.add_argument("--rounds", type=int, default=None, help="stop after N rounds")
    parser.add_argument(
        "--kinds",
        type=kinds_argument,
        default=("speech", "writing"),
        help="kinds of attribution to analyse (default speech,writing)",
    )
    add_fetch_arguments(parser)


def run_watch(
    args: argparse.Namespace,
    *,
    sleep: Callable[[float], None] = time.sleep,
    fetcher: Fetcher | None = None,
) -> int:
    from quotetrace.store import Store

    rounds = 1 if args.once else args.rounds
    if rounds is not None and rounds < 1:
        raise InputError("--rounds must be at least 1")
    feeds = read_feed_list(args.feeds)
    if not feeds:
        raise InputError(f"{args.feeds} lists no feeds")
    Store.open(args.db).close()  # a store that cannot be opened stops the command here
    pipeline = pipeline_options(args).pipeline()
    own = fetcher is None
    fetcher = fetcher or Fetcher(policy_from_args(args), log=log)
    backoff = Backoff()
    feed_states: dict[str, FeedState] = {}
    done = 0
    try:
        while rounds is None or done < rounds:
            try:
                feeds = read_feed_list(args.feeds)  # edits to the list apply from the next round
            except InputError as exc:
                log(f"{exc}; keeping the previous list")
            try:
                with Store.open(args.db) as store:
                    source = WebSource(
                        fetcher,
                        load_pages(store.conn),
                        store.fingerprints(),
                        log=log,
                        backoff=backoff,
                        round_=done,
                        feeds=feed_states,
                    )
                    tally = watch_round(store, source, feeds, pipeline)
                    counts = store.counts()
                print(
                    f"quotetrace: round {done + 1}: {web_summary(source.tally)}; store: "
                    f"{tally['new']} new, {tally['replaced']} replaced, {tally['failed']} failed "
                    f"-> {counts['articles']} articles, {counts['quotes']} quotes",
                    file=sys.stderr,
                    flush=True,
                )
            except (StoreError, QuotetraceError) as exc:  # never fatal: the next round tries again
                log(f"round {done + 1} failed: {exc}")
            done += 1
            if rounds is None or done < rounds:
                sleep(args.every)
    finally:
        if own:
            fetcher.close()
    return 0
