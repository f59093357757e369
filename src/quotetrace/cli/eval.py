"""``quotetrace eval``: score the extractor (or a predictions file) against gold (FORMAT.md §3).

Exit codes: 0 scored, 1 a floor failed, 2 the gold or predictions cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from quotetrace.cli.args import add_pipeline_arguments, kinds_argument, pipeline_options
from quotetrace.errors import QuotetraceError
from quotetrace.evaluate import (
    GoldDoc,
    check_floors,
    format_table,
    load_gold,
    load_predictions,
    score_documents,
)
from quotetrace.kinds import DEFAULT_KINDS
from quotetrace.model import Article, Failure
from quotetrace.options import PipelineOptions
from quotetrace.progress import progress


def floor(value: str) -> float:
    """A floor as a fraction; values above 1 are read as percentages."""
    try:
        number = float(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from exc
    if not 0 <= number <= 100:
        raise argparse.ArgumentTypeError("a floor is between 0 and 1 (or 0 and 100 percent)")
    return number / 100 if number > 1 else number


def count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``quotetrace eval``."""
    parser.add_argument("gold", type=Path, help="gold file: JSON Lines (FORMAT.md §1) or one JSON")
    parser.add_argument(
        "--pred", type=Path, help="predictions (FORMAT.md §2 JSONL); default: extract now"
    )
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("--limit", type=count, metavar="N", help="score the first N documents")
    parser.add_argument(
        "--types",
        type=kinds_argument,
        metavar="KINDS",
        default=DEFAULT_KINDS,
        help="count only predicted quotes of these kinds: a comma list or 'all' "
        "(default speech,writing, as `extract` outputs; PolNeAR also marks thoughts: use all)",
    )
    parser.add_argument(
        "--errors", type=count, default=0, metavar="N", help="list the first N errors"
    )
    parser.add_argument("--min-f1", type=floor, metavar="X", help="exit 1 if overlap F1 is below X")
    parser.add_argument(
        "--min-speaker",
        type=floor,
        metavar="X",
        help="exit 1 if speaker accuracy on overlap-matched pairs is below X",
    )
    parser.add_argument("--jobs", "-j", type=int, default=1)
    add_pipeline_arguments(parser, kinds=False)


ExtractFn = Callable[[Sequence[GoldDoc]], Mapping[str, Mapping[str, Any]]]


def gold_extractor(jobs: int, options: PipelineOptions) -> ExtractFn:
    """Extract the gold documents' texts now, as ``extract`` would: §2 objects by document id."""

    def extract(gold_docs: Sequence[GoldDoc]) -> dict[str, dict[str, Any]]:
        from quotetrace.output.jsonl import document_to_dict
        from quotetrace.runner import run_pipeline

        articles: Iterator[Article | Failure] = (
            Article(id=g.id, text=g.text, title=g.title, published=g.published) for g in gold_docs
        )
        show = sys.stderr.isatty()
        docs = progress(
            run_pipeline(articles, jobs=jobs, options=options),
            enabled=show,
            desc="eval",
            total=len(gold_docs),
        )
        return {d.article.id: document_to_dict(d) for d in docs}

    return extract


def run(args: argparse.Namespace, extract_fn: ExtractFn | None = None) -> int:
    """``quotetrace eval``: 0 when scored, 1 when a floor fails, 2 when input cannot be read.
    ``extract_fn`` stands in for extraction (default: the pipeline with the command's flags)."""
    if extract_fn is None:
        extract_fn = gold_extractor(args.jobs, pipeline_options(args, kinds=tuple(args.types)))
    try:
        gold_docs = load_gold(args.gold)
        if args.limit is not None:
            gold_docs = gold_docs[: args.limit]
        preds = load_predictions(args.pred) if args.pred else extract_fn(gold_docs)
        result = score_documents(gold_docs, preds, kinds=args.types, max_errors=args.errors)
    except QuotetraceError as exc:
        print(f"quotetrace eval: error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_table(result, per_document=args.errors > 0))
    failed = check_floors(result, min_f1=args.min_f1, min_speaker=args.min_speaker)
    for message in failed:
        print(f"quotetrace eval: floor failed: {message}", file=sys.stderr)
    return 1 if failed else 0
