"""The command line: thin over the library. Only this module prints and chooses exit codes.

Exit codes: 0 all articles processed, 1 some articles failed (each has an "error" line) or a
quality floor failed, 2 the command itself could not run (bad arguments, unreadable gold file).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any, TextIO

from quotetrace import bench_html, evaluate
from quotetrace.attribute.ranker import add_speaker_ranker_argument
from quotetrace.cue_model import add_cue_model_argument
from quotetrace.errors import InputError, QuotetraceError
from quotetrace.kinds import ALL_KINDS, DEFAULT_KINDS, kinds_argument
from quotetrace.limits import add_limit_arguments, limits_from_args
from quotetrace.model import Article, Document, Failure
from quotetrace.progress import progress
from quotetrace.runner import run_pipeline
from quotetrace.safety import path_name, printable


def _filter_kinds(doc: Document, kinds: Sequence[str]) -> Document:
    if set(kinds) >= set(ALL_KINDS):
        return doc

    keep = [q for q in doc.quotes if q.kind in kinds]
    ids = {q.id for q in keep}
    keep = [q if q.parent is None or q.parent in ids else replace(q, parent=None) for q in keep]
    return replace(doc, quotes=tuple(keep))


def _articles(args: argparse.Namespace) -> Iterator[Article | Failure]:
    """The inputs of ``extract``: files as usual, http(s) URLs fetched (only then)."""
    from quotetrace.ingest import iter_articles

    limits = limits_from_args(args)
    if not any(p.lower().startswith(("http://", "https://")) for p in args.paths):
        yield from iter_articles(args.paths, stdin=sys.stdin.buffer, limits=limits)
        return
    from quotetrace.fetch import commands as fetch_commands

    with fetch_commands.Fetcher(
        fetch_commands.policy_from_args(args), log=fetch_commands.log
    ) as fetcher:
        source = fetch_commands.WebSource(fetcher, log=fetch_commands.log)
        yield from fetch_commands.read_inputs(
            args.paths,
            source,
            lambda paths: iter_articles(paths, stdin=sys.stdin.buffer, limits=limits),
        )


def cmd_extract(args: argparse.Namespace) -> int:
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
                topics=args.topics,
                kinds=args.kinds,
                join_turns=args.join_turns,
                cue_model=args.cue_model,
                speaker_ranker=args.speaker_ranker,
                limits=limits_from_args(args),
            ),
            enabled=show,
            desc="extract",
        ):
            # the output line is part of the article: if it cannot be made, its error line is
            try:
                doc = _filter_kinds(doc, args.kinds)
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


def _gold_extractor(
    jobs: int,
    topics: bool = False,
    kinds: Sequence[str] = DEFAULT_KINDS,
    join_turns: bool = False,
    cue_model: str | None = None,
    speaker_ranker: str | None = None,
) -> Callable[[Sequence[evaluate.GoldDoc]], dict[str, dict[str, Any]]]:
    def extract(gold_docs: Sequence[evaluate.GoldDoc]) -> dict[str, dict[str, Any]]:
        from quotetrace.output.jsonl import document_to_dict

        articles: Iterator[Article | Failure] = (
            Article(id=g.id, text=g.text, title=g.title, published=g.published) for g in gold_docs
        )
        show = sys.stderr.isatty()
        docs = progress(
            run_pipeline(
                articles,
                jobs=jobs,
                topics=topics,
                kinds=kinds,
                join_turns=join_turns,
                cue_model=cue_model,
                speaker_ranker=speaker_ranker,
            ),
            enabled=show,
            desc="eval",
            total=len(gold_docs),
        )
        return {d.article.id: document_to_dict(d) for d in docs}

    return extract


def cmd_eval(args: argparse.Namespace) -> int:
    extractor = _gold_extractor(
        args.jobs, args.topics, args.types, args.join_turns, args.cue_model, args.speaker_ranker
    )
    return evaluate.run(args, extractor)


def cmd_bench(args: argparse.Namespace) -> int:
    from quotetrace import bench

    return bench.run(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="quotetrace",
        description="Who said what, to whom, when, and through whom, in news articles.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    ex = sub.add_parser(
        "extract", help="extract quotations from articles (txt, html, jsonl, folders, -)"
    )
    ex.add_argument(
        "paths", nargs="+", help="files, folders, glob patterns, - for stdin, or http(s) URLs"
    )
    ex.add_argument("--format", choices=("jsonl", "table", "html"), default="jsonl")
    ex.add_argument("--output", "-o", help="write here instead of stdout")
    ex.add_argument("--jobs", "-j", type=int, default=1, help="worker processes (default 1)")
    ex.add_argument(
        "--join-turns",
        action="store_true",
        help="one quote per speaker turn: “A,” said X. “B.” in one paragraph is one quote with two "
        "spans, as PolNeAR annotates it (default: two quotes)",
    )
    ex.add_argument(
        "--topics",
        action="store_true",
        help="also report speech acts whose content is a noun phrase or prepositional object "
        "('criticized the plan', 'warned against hackers'), as PolNeAR annotates them",
    )
    ex.add_argument(
        "--kinds", type=kinds_argument, default=DEFAULT_KINDS,
        help="kinds of attribution to keep: comma list of speech,writing,thought,perception,finding "
        "or 'all' (default: speech,writing)",
    )  # fmt: skip
    add_cue_model_argument(ex)
    add_speaker_ranker_argument(ex)
    ex.add_argument(
        "--include-text", action="store_true", help="add the article text to every line"
    )
    ex.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)
    from quotetrace.fetch import commands as fetch_commands

    fetch_commands.add_fetch_arguments(ex)
    add_limit_arguments(ex)
    ex.set_defaults(func=cmd_extract)

    ev = sub.add_parser("eval", help="score the extractor against annotated gold (FORMAT.md §3)")
    evaluate.add_arguments(ev)
    ev.add_argument("--jobs", "-j", type=int, default=1)
    ev.add_argument(
        "--join-turns",
        action="store_true",
        help="one quote per speaker turn: “A,” said X. “B.” in one paragraph is one quote with two "
        "spans, as PolNeAR annotates it (default: two quotes)",
    )
    ev.add_argument(
        "--topics",
        action="store_true",
        help="also report speech acts whose content is a noun phrase or prepositional object "
        "('criticized the plan', 'warned against hackers'), as PolNeAR annotates them",
    )
    add_cue_model_argument(ev)
    add_speaker_ranker_argument(ev)
    ev.set_defaults(func=cmd_eval)

    from quotetrace import train

    tr = sub.add_parser(
        "train", help="fit a cue model on gold you hold (FORMAT.md §1); use it with --cue-model"
    )
    train.add_arguments(tr)
    tr.set_defaults(func=train.run)

    from quotetrace import train_ranker

    ts = sub.add_parser(
        "train-speakers",
        help="fit the speaker ranker on gold with resolved speaker names (FORMAT.md §1)",
    )
    train_ranker.add_arguments(ts)
    ts.set_defaults(func=train_ranker.run)

    be = sub.add_parser("bench", help="throughput and peak memory against the full spaCy pipeline")
    from quotetrace import bench

    bench.add_arguments(be)
    be.set_defaults(func=cmd_bench)

    bh = sub.add_parser(
        "bench-html", help="HTML ingest: body-text F1 on the article-extraction benchmark"
    )
    bench_html.add_arguments(bh)
    bh.set_defaults(func=bench_html.run)

    from quotetrace import bench_scaling

    bs = sub.add_parser(
        "bench-scaling", help="time against the number of quote marks and the nesting depth"
    )
    bench_scaling.add_arguments(bs)
    bs.set_defaults(func=bench_scaling.run)

    from quotetrace.store import commands as store_commands

    store_commands.add_commands(sub)

    from quotetrace import export_commands

    lg = sub.add_parser(
        "labelstudio-gold",
        help="a Label Studio export back to FORMAT.md gold, for train and eval",
    )
    export_commands.add_gold_arguments(lg)
    lg.set_defaults(func=export_commands.run_gold)

    wa = sub.add_parser(
        "watch", help="keep a store current from feeds and sitemaps (FEEDS.txt: one URL a line)"
    )
    fetch_commands.add_watch_arguments(wa)
    wa.set_defaults(func=fetch_commands.run_watch)

    from quotetrace.spark import commands as spark_commands

    spark_commands.add_commands(sub)

    from quotetrace.web import commands as web_commands

    sv = sub.add_parser("serve", help="the web page and HTTP API (this machine only by default)")
    web_commands.add_arguments(sv)
    sv.set_defaults(func=web_commands.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except QuotetraceError as exc:
        print(f"quotetrace: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
