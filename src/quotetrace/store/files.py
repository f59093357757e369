"""Where a store lives: the default file name, and opening a store that must already exist."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from quotetrace.errors import StoreError

DEFAULT_DB = "quotetrace.db"


def open_existing(path: str) -> Any:
    """The store at ``path``; StoreError (naming the command that makes one) when there is none."""
    from quotetrace.store import Store

    if path != ":memory:" and not Path(path).is_file():
        raise StoreError(f"no store at {path}; create it with: quotetrace ingest PATH --db {path}")
    return Store.open(path)
