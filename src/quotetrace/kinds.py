"""The kinds of attribution and how users name them on the command line and in the API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quotetrace.model import Document

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


def filter_kinds(doc: Document, kinds: Sequence[str]) -> Document:
    """``doc`` with only the quotes of ``kinds``; a kept quote whose parent is dropped loses it."""
    if set(kinds) >= set(ALL_KINDS):
        return doc

    keep = [q for q in doc.quotes if q.kind in kinds]
    ids = {q.id for q in keep}
    keep = [q if q.parent is None or q.parent in ids else replace(q, parent=None) for q in keep]
    return replace(doc, quotes=tuple(keep))
