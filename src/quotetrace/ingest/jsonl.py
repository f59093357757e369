"""JSON Lines (FORMAT.md §2) and single-object .json files.

One article per line: ``id``, ``text`` or ``html``; optional ``title``, ``url``, ``outlet``,
``published`` (``date`` is accepted for it) and ``author``. A bad line becomes a Failure naming its
line number and the file goes on.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from quotetrace.errors import UnreadableArticle
from quotetrace.ingest.html import article_from_html
from quotetrace.ingest.text import article_from_text
from quotetrace.model import Article, Failure


def _optional_str(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


def article_from_json(
    obj: dict[str, Any], *, source: str | None = None, default_id: str | None = None
) -> Article:
    """An Article from one FORMAT.md §2 object. Raises UnreadableArticle for a bad object.

    ``default_id`` is used when the object has no ``id``; without either the object is refused.
    """
    if not isinstance(obj, dict):
        raise UnreadableArticle(f"expected a JSON object, got {type(obj).__name__}")
    raw_id = obj.get("id")
    if raw_id is None or raw_id == "":
        if default_id is None:
            raise UnreadableArticle("no 'id' field")
        article_id = default_id
    else:
        article_id = str(raw_id)
    title, url = _optional_str(obj, "title"), _optional_str(obj, "url")
    outlet, author = _optional_str(obj, "outlet"), _optional_str(obj, "author")
    published = _optional_str(obj, "published") or _optional_str(obj, "date")

    text, html = obj.get("text"), obj.get("html")
    if isinstance(text, str) and text.strip():
        return article_from_text(
            text,
            id=article_id,
            source=source,
            title=title,
            author=author,
            published=published,
            url=url,
            outlet=outlet,
        )
    if isinstance(html, str) and html.strip():
        return article_from_html(
            html,
            id=article_id,
            source=source,
            title=title,
            author=author,
            published=published,
            url=url,
            outlet=outlet,
        )
    if text is not None and not isinstance(text, str):
        raise UnreadableArticle(f"'text' is a {type(text).__name__}, not a string")
    if text is not None or html is not None:
        raise UnreadableArticle("empty article")
    raise UnreadableArticle("no 'text' or 'html' field")


def iter_json_lines(
    lines: Iterable[str | bytes], *, stem: str, source: str
) -> Iterator[Article | Failure]:
    """Articles from JSON lines; line numbers start at 1 and blank lines are skipped."""
    for number, raw in enumerate(lines, start=1):
        where = f"{source}:{number}"
        fallback_id = f"{stem}:{number}"
        try:
            line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError as err:
            yield Failure(fallback_id, f"line {number}: not UTF-8 ({err.reason})", where)
            continue
        line = line.lstrip("\ufeff").strip()
        if not line:
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            yield Failure(fallback_id, f"line {number}: invalid JSON ({err.msg})", where)
            continue
        article_id = fallback_id
        if isinstance(obj, dict) and obj.get("id") not in (None, ""):
            article_id = str(obj["id"])
        try:
            yield article_from_json(obj, source=where, default_id=fallback_id)
        except UnreadableArticle as err:
            yield Failure(article_id, f"line {number}: {err}", where)


def iter_jsonl(path: str | os.PathLike[str]) -> Iterator[Article | Failure]:
    """Articles from a .jsonl file, streamed line by line. OSError if it cannot be opened."""
    path = Path(path)
    with path.open("rb") as handle:
        yield from iter_json_lines(handle, stem=path.stem, source=str(path))


def iter_json_file(path: str | os.PathLike[str]) -> Iterator[Article | Failure]:
    """Articles from a .json file holding one object (or a list of objects)."""
    path = Path(path)
    try:
        data = json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        reason = err.msg if isinstance(err, json.JSONDecodeError) else err.reason
        yield Failure(path.stem, f"invalid JSON ({reason})", str(path))
        return
    objects = data if isinstance(data, list) else [data]
    for index, obj in enumerate(objects, start=1):
        fallback_id = path.stem if len(objects) == 1 else f"{path.stem}:{index}"
        article_id = fallback_id
        if isinstance(obj, dict) and obj.get("id") not in (None, ""):
            article_id = str(obj["id"])
        try:
            yield article_from_json(obj, source=str(path), default_id=fallback_id)
        except UnreadableArticle as err:
            yield Failure(article_id, str(err), str(path))
