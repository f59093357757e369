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
from typing import Any, BinaryIO

from quotetrace.errors import UnreadableArticle
from quotetrace.ingest.html import article_from_html
from quotetrace.ingest.text import MAX_FILE_BYTES, article_from_text, check_file_size
from quotetrace.limits import DEFAULT_LIMITS, Limits
from quotetrace.model import Article, Failure
from quotetrace.safety import megabytes, path_name, printable


def loads(data: str | bytes) -> Any:
    """``json.loads`` whose every refusal is an UnreadableArticle with a one-line reason: bad
    syntax, bad UTF-8, nesting too deep for the parser, a number too long to convert."""
    try:
        return json.loads(data)
    except json.JSONDecodeError as err:
        raise UnreadableArticle(f"invalid JSON ({err.msg})") from None
    except UnicodeDecodeError as err:
        raise UnreadableArticle(f"invalid JSON (not UTF-8: {err.reason})") from None
    except RecursionError:
        raise UnreadableArticle("invalid JSON (nested too deep)") from None
    except ValueError as err:  # e.g. an integer of more than 4,300 digits
        raise UnreadableArticle(f"invalid JSON ({str(err).split(';')[0][:120]})") from None


def _id_of(obj: Any, fallback: str) -> str:
    """The id an object's error line carries: its own when it is a string or number."""
    raw = obj.get("id") if isinstance(obj, dict) else None
    if isinstance(raw, str | int) and not isinstance(raw, bool) and raw != "":
        return printable(str(raw))
    return fallback


def _optional_str(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


def article_from_json(
    obj: dict[str, Any],
    *,
    source: str | None = None,
    default_id: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
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
    elif isinstance(raw_id, str | int) and not isinstance(raw_id, bool):
        article_id = printable(str(raw_id))
    else:
        raise UnreadableArticle(f"'id' is a {type(raw_id).__name__}, not a string")
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
            limits=limits,
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
            limits=limits,
        )
    if text is not None and not isinstance(text, str):
        raise UnreadableArticle(f"'text' is a {type(text).__name__}, not a string")
    if text is not None or html is not None:
        raise UnreadableArticle("empty article")
    raise UnreadableArticle("no 'text' or 'html' field")


class LongLine:
    """Stands for a line longer than the cap, skipped unread by ``capped_lines``."""

    def __init__(self, limit: int) -> None:
        self.limit = limit


def capped_lines(handle: BinaryIO, limit: int = MAX_FILE_BYTES) -> Iterator[bytes | LongLine]:
    """The lines of a binary stream, none held longer than ``limit`` bytes: a longer one is
    skipped in 1 MB steps and given as a ``LongLine``, so one huge line cannot fill memory."""
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        while True:  # the rest of the long line, read and dropped
            rest = handle.readline(1 << 20)
            if not rest or rest.endswith(b"\n"):
                break
        yield LongLine(limit)


def iter_json_lines(
    lines: Iterable[str | bytes | LongLine],
    *,
    stem: str,
    source: str,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[Article | Failure]:
    """Articles from JSON lines; line numbers start at 1 and blank lines are skipped."""
    for number, raw in enumerate(lines, start=1):
        where = f"{source}:{number}"
        fallback_id = f"{stem}:{number}"
        if isinstance(raw, LongLine):
            reason = f"line {number}: longer than {megabytes(raw.limit)}, not read (--max-bytes)"
            yield Failure(fallback_id, reason, where)
            continue
        try:
            line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError as err:
            yield Failure(fallback_id, f"line {number}: not UTF-8 ({err.reason})", where)
            continue
        line = line.lstrip("\ufeff").strip()
        if not line:
            continue
        try:
            obj = loads(line)
        except UnreadableArticle as err:
            yield Failure(fallback_id, f"line {number}: {err}", where)
            continue
        article_id = _id_of(obj, fallback_id)
        try:
            yield article_from_json(obj, source=where, default_id=fallback_id, limits=limits)
        except UnreadableArticle as err:
            yield Failure(article_id, f"line {number}: {err}", where)


def iter_jsonl(
    path: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS, *, stem: str | None = None
) -> Iterator[Article | Failure]:
    """Articles from a .jsonl file, streamed line by line. OSError if it cannot be opened."""
    path = Path(path)
    with path.open("rb") as handle:
        yield from iter_json_lines(
            capped_lines(handle, limits.file_bytes),
            stem=stem or path_name(path.stem),
            source=path_name(path),
            limits=limits,
        )


def iter_json_file(
    path: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS, *, stem: str | None = None
) -> Iterator[Article | Failure]:
    """Articles from a .json file holding one object (or a list of objects)."""
    path = Path(path)
    stem, source = stem or path_name(path.stem), path_name(path)
    try:
        check_file_size(path.stat().st_size, limits.file_bytes, "--max-bytes")
        data = loads(path.read_bytes())
    except UnreadableArticle as err:
        yield Failure(stem, str(err), source)
        return
    objects = data if isinstance(data, list) else [data]
    for index, obj in enumerate(objects, start=1):
        fallback_id = stem if len(objects) == 1 else f"{stem}:{index}"
        article_id = _id_of(obj, fallback_id)
        try:
            yield article_from_json(obj, source=source, default_id=fallback_id, limits=limits)
        except UnreadableArticle as err:
            yield Failure(article_id, str(err), source)
