"""``quotetrace train`` (a cue model, ``quotetrace.train``) and ``quotetrace train-speakers`` (the
speaker ranker, ``quotetrace.train_ranker``): fit on gold, write the model, say how it went."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from quotetrace.errors import QuotetraceError, RankerTrainingError, TrainingError
from quotetrace.evaluate import load_gold
from quotetrace.train import train as train_cue_model
from quotetrace.train_ranker import train as train_ranker


def _writable(path: str, error: type[QuotetraceError], what: str) -> Path:
    """``path`` if a file can be written there (checked before minutes of training), else
    ``error`` saying so."""
    output = Path(path)
    folder = output.resolve().parent
    if output.is_dir() or not folder.is_dir() or not os.access(folder, os.W_OK):
        raise error(f"cannot write the {what} to {path}: not a writable file path")
    return output


def add_train_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("gold", nargs="+", help="gold files (FORMAT.md §1 JSONL, or gold json)")
    parser.add_argument("--output", "-o", required=True, help="where to write the model (JSON)")
    parser.add_argument("--jobs", "-j", type=int, default=1, help="worker processes for parsing")
    parser.add_argument(
        "--c", type=float, default=0.5, help="inverse regularisation strength (default 0.5)"
    )


def run_train(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    output = _writable(args.output, TrainingError, "model")
    golds = [doc for path in args.gold for doc in load_gold(path)]
    model, report = train_cue_model(
        golds, jobs=args.jobs, c=args.c, show_progress=sys.stderr.isatty()
    )
    model.save(output)
    seconds = time.perf_counter() - started
    print(
        f"trained on {len(golds)} documents, {report['gold_quotes']} gold quotes: "
        f"{report['examples']} clauses ({report['positive']} match a gold quote), "
        f"{report['features']} features, in {seconds:.0f} s"
    )
    if "cv_clause_f1" in report:
        print(
            f"{report['cv_folds']}-fold cross-validation: threshold {report['threshold']}, "
            f"quote F1 from clauses alone {report['cv_clause_f1']}"
        )
    top = sorted(model.weights.items(), key=lambda kv: -kv[1])[:12]
    print("strongest cue evidence: " + ", ".join(f"{k} ({v:+.2f})" for k, v in top))
    print(f"wrote {args.output}; use it with --cue-model {args.output}")
    return 0


def add_train_speakers_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("gold", nargs="+", help="gold files with speaker_name (FORMAT.md §1)")
    parser.add_argument("--output", "-o", required=True, help="where to write the ranker (JSON)")
    parser.add_argument(
        "--c", type=float, default=1.0, help="inverse regularisation strength (default 1.0)"
    )


def run_train_speakers(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    output = _writable(args.output, RankerTrainingError, "ranker")
    golds = [doc for path in args.gold for doc in load_gold(path)]
    ranker, report = train_ranker(golds, c=args.c, show_progress=sys.stderr.isatty())
    ranker.save(output)
    seconds = time.perf_counter() - started
    print(
        f"trained on {len(golds)} documents: {report['groups']} quotes with a speaker choice, "
        f"{report['candidates']} candidates, {report['features']} features, in {seconds:.0f} s"
    )
    if "cv_folds" in report:
        print(
            f"{report['cv_folds']}-fold cross-validation: the ranker picks a right name for "
            f"{report['cv_ranker_right']} %, the rules for {report['cv_rules_right']} %"
        )
    print(f"wrote {args.output}")
    return 0
