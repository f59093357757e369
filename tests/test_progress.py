"""Progress bars (progress.py): off passes the items through untouched; on yields the same items."""

from __future__ import annotations

import pytest

from quotetrace.progress import progress


def test_disabled_returns_the_items_themselves() -> None:
    items = [1, 2, 3]
    assert progress(items, enabled=False, desc="x") is items


def test_enabled_yields_every_item_and_writes_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    assert list(progress(iter("abc"), enabled=True, desc="demo", total=3)) == ["a", "b", "c"]
    captured = capsys.readouterr()
    assert captured.out == "" and "demo" in captured.err
