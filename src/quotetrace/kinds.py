"""The kinds of attribution and how users name them on the command line and in the API."""

from __future__ import annotations

import argparse

ALL_KINDS = ("speech", "writing", "thought", "perception", "finding")
DEFAULT_KINDS = ("speech", "writing")  # what users mean by quotes


def parse_kinds(value: str) -> tuple[str, ...]:
    """ "speech,writing" or "all" -> the kinds; ValueError names an unknown one."""
    if value.strip() == "all":
        return ALL_KINDS
    kinds = tuple(k.strip() for k in value.split(",") if k.strip())
    unknown = [k for k in kinds if k not in ALL_KINDS]
    if not kinds or unknown:
        raise ValueError(
            f"unknown kind(s) {unknown or [value]}; choose from {', '.join(ALL_KINDS)} or 'all'"
        )
    return kinds


def kinds_argument(value: str) -> tuple[str, ...]:
    """``parse_kinds`` for argparse, which shows this message instead of a generic one."""
    try:
        return parse_kinds(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
