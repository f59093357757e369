"""Flags that several commands share, and the argparse types that check them.

Each helper puts the same flag with the same help text on every command that takes it; the
library only sees the values (``Limits``, kinds tuples, file paths).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from dataclasses import fields, replace
from typing import Any, NamedTuple

from quotetrace.kinds import DEFAULT_KINDS, parse_kinds
from quotetrace.limits import DEFAULT_LIMITS, Limits
from quotetrace.options import PipelineOptions


def kinds_argument(value: str) -> tuple[str, ...]:
    """``parse_kinds`` for argparse, which shows this message instead of a generic one."""
    try:
        return parse_kinds(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def add_cue_model_argument(parser: argparse.ArgumentParser) -> None:
    """``--cue-model FILE``, the same for every command that extracts."""
    parser.add_argument(
        "--cue-model",
        metavar="FILE",
        help="a cue model from `quotetrace train`: it judges the clause of every verb, listed "
        "cue or not (every sentence is parsed: slower)",
    )


def add_speaker_ranker_argument(parser: Any) -> None:
    """``--speaker-ranker``, the same for every command that extracts."""
    parser.add_argument(
        "--speaker-ranker",
        metavar="FILE|none",
        default=None,
        help="the learned speaker ranker: a file from `quotetrace train-speakers`, or 'none' for "
        "the rules alone (default: the packaged ranker, when quotetrace ships one)",
    )


# --- limits -------------------------------------------------------------------------------------

LIMIT_FLAGS = {
    "file_bytes": ("--max-bytes", "bytes read from one file, stdin or JSON line"),
    "decompressed_bytes": ("--max-decompressed-bytes", "bytes of one .gz file, decompressed"),
    "html_bytes": ("--max-html-bytes", "bytes of one HTML page"),
    "chars": ("--max-chars", "characters of one article"),
    "paragraphs": ("--max-paragraphs", "paragraphs of one article"),
    "quote_marks": ("--max-quote-marks", "quoted stretches in one article"),
    "seconds": ("--max-seconds", "soft time limit per article in seconds (0: none)"),
    "memory_mb": ("--max-memory-mb", "resident memory one article may add, in MB (0: none)"),
}
NONE_WHEN_ZERO = ("seconds", "memory_mb")  # 0 on the command line: no such cap


def positive_number(kind: type) -> Any:
    """An argparse type: a number of ``kind`` from 0 to 10**15."""

    def parse(value: str) -> int | float:
        try:
            number: int | float = kind(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {value[:20]!r}") from None
        if number < 0 or number > 10**15:
            raise argparse.ArgumentTypeError(f"out of range: {value[:20]!r}")
        return number

    return parse


def add_limit_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("limits per article (README: Reliability)")
    for field in fields(Limits):
        flag, text = LIMIT_FLAGS[field.name]
        default = getattr(DEFAULT_LIMITS, field.name)
        kind = float if field.name == "seconds" else int
        group.add_argument(
            flag,
            dest=f"limit_{field.name}",
            type=positive_number(kind),
            default=None,
            metavar="N",
            help=f"{text} (default {default:,})",
        )


def limits_from_args(args: argparse.Namespace) -> Limits:
    values: dict[str, object] = {}
    for field in fields(Limits):
        given = getattr(args, f"limit_{field.name}", None)
        if given is not None:
            values[field.name] = (given or None) if field.name in NONE_WHEN_ZERO else given
    return Limits(**values)  # type: ignore[arg-type]


# --- extraction options -------------------------------------------------------------------------

KINDS_HELP = (
    "kinds of attribution to keep: comma list of speech,writing,thought,perception,finding "
    "or 'all' (default: speech,writing)"
)


def add_pipeline_arguments(
    parser: argparse.ArgumentParser,
    *,
    kinds: bool = True,
    kinds_help: str = KINDS_HELP,
    speaker_ranker: bool = True,
) -> None:
    """The flags that change what is extracted (``PipelineOptions``), the same on every command
    that extracts: --join-turns, --topics, --kinds, --cue-model, --speaker-ranker. ``kinds=False``
    leaves --kinds to the command (``eval`` names it --types)."""
    parser.add_argument(
        "--join-turns",
        action="store_true",
        help="one quote per speaker turn: “A,” said X. “B.” in one paragraph is one quote with two "
        "spans, as PolNeAR annotates it (default: two quotes)",
    )
    parser.add_argument(
        "--topics",
        action="store_true",
        help="also report speech acts whose content is a noun phrase or prepositional object "
        "('criticized the plan', 'warned against hackers'), as PolNeAR annotates them",
    )
    if kinds:
        parser.add_argument("--kinds", type=kinds_argument, default=DEFAULT_KINDS, help=kinds_help)
    add_cue_model_argument(parser)
    if speaker_ranker:
        add_speaker_ranker_argument(parser)


def pipeline_options(args: argparse.Namespace, **given: Any) -> PipelineOptions:
    """The ``PipelineOptions`` of parsed flags; ``given`` overrides (``kinds=args.types``)."""
    options = PipelineOptions(
        topics=bool(getattr(args, "topics", False)),
        kinds=tuple(getattr(args, "kinds", DEFAULT_KINDS)),
        join_turns=bool(getattr(args, "join_turns", False)),
        cue_model=getattr(args, "cue_model", None),
        speaker_ranker=getattr(args, "speaker_ranker", None),
    )
    return replace(options, **given) if given else options


# --- commands -----------------------------------------------------------------------------------


class Command(NamedTuple):
    """One subcommand: its name, its one-line help, the function that puts its flags on its
    parser and the function that runs it (returns the exit code)."""

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def add_commands(subparsers: Any, commands: Iterable[Command]) -> None:
    """Each command as a subparser of ``subparsers`` (``parser.add_subparsers()``)."""
    for command in commands:
        parser = subparsers.add_parser(command.name, help=command.help)
        command.add_arguments(parser)
        parser.set_defaults(func=command.run)
