"""``quotetrace extract``: who said what in articles, as JSONL, a table or an HTML report."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import replace
from typing import TextIO

from quotetrace.cli.args import (
    add_limit_arguments,
    add_pipeline_arguments,
    limits_from_args,
    pipeline_options,
)
from quotetrace.errors import InputError
from quotetrace.kinds import filter_kinds
from quotetrace.model import Article, Document, Failure
from quotetrace.progress import progress
from quotetrace.runner import run_pipeline
from quotetrace.safety import path_name, printable


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from quotetrace.cli.fetch import add_fetch_arguments

    parser.add_argument(
        "paths", nargs="+", help="files, folders, glob patterns, - for stdin, or http(s) URLs"
    )
    parser.add_argument("--format", choices=("jsonl", "table", "html"), default="jsonl")
    parser.add_argument("--output", "-o", help="write here instead of stdout")
    parser.add_argument("--jobs", "-j", type=int, default=1, help="worker processes (default 1)")
    add_pipeline_arguments(parser)
    parser.add_argument(
        "--include-text", action="store_true", help="add the article text to every line"
    )
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)
    add_fetch_arguments(parser)
    add_limit_arguments(parser)


def _articles(args: argparse.Namespace) -> Iterator[Article | Failure]:
    """The inputs of ``extract``: files as usual, http(s) URLs fetched (only then)."""
    from quotetrace.ingest import iter_articles

    limits = limits_from_args(args)
    if not any(p.lower().startswith(("http://", "https://")) for p in args.paths):
        yield from iter_articles(args.paths, stdin=sys.stdin.buffer, limits=limits)
        return
    from quotetrace.cli.fetch import log, policy_from_args
    from quotetrace.fetch.client import Fetcher
    from quotetrace.fetch.sources import WebSource
    from quotetrace.fetch.watch import read_inputs

    with Fetcher(policy_from_args(args), log=log) as fetcher:
        source = WebSource(fetcher, log=log)
        yield from read_inputs(
            args.paths,
            source,
            lambda paths: iter_articles(paths, stdin=sys.stdin.buffer, limits=limits),
        )


def run(args: argparse.Namespace) -> int:
    from quotetrace.output import html_report, jsonl, table

    try:
        out: TextIO = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    except OSError as exc:
        raise InputError(f"cannot write {path_name(args.output)}: {exc.strerror}") from None
    failed = 0
    docs: list[Document] = []
    try:
        articles = _articles(args)
        show = args.progress if args.progress is not None else sys.stderr.isatty()
        for doc in progress(
            run_pipeline(
                articles,
                jobs=args.jobs,
                options=pipeline_options(args),
                limits=limits_from_args(args),
            ),
            enabled=show,
            desc="extract",
        ):
            # the output line is part of the article: if it cannot be made, its error line is
            try:
                doc = filter_kinds(doc, args.kinds)
                if args.format == "jsonl":
                    chunk = jsonl.dumps(doc, include_text=True if args.include_text else None)
                elif args.format == "table":
                    chunk = printable(table.format_document(doc)) + "\n"
                else:
                    chunk = printable(html_report.render([doc]))  # this article renders alone
                    docs.append(doc)
            except Exception as exc:  # noqa: BLE001
                reason = f"output failed ({type(exc).__name__}): {exc}"[:300]
                doc = Document(replace(doc.article, text=""), error=reason)
                chunk = (
                    jsonl.dumps(doc) if args.format == "jsonl" else f"{doc.article.id}: {reason}"
                )
                if args.format == "html":
                    docs.append(doc)
            failed += doc.error is not None
            if args.format != "html":
                out.write(chunk + "\n")
                out.flush()
        if args.format == "html":
            out.write(printable(html_report.render(docs)))
    finally:
        if out is not sys.stdout:
            out.close()
    if failed:
        print(
            f'quotetrace: {failed} article(s) could not be processed (see their "error")',
            file=sys.stderr,
        )
    return 1 if failed else 0
