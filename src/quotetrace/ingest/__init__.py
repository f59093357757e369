"""The ingest stage: files, folders, globs and stdin become Articles (or Failures).

One module per input kind: ``text`` (.txt), ``html`` (.html/.htm), ``jsonl`` (.jsonl/.json);
``header`` holds the metadata and page-furniture heuristics they share. Offsets in an Article refer
to its ``text``: the decoded text with "\\r\\n"/"\\r" normalised to "\\n" (for HTML: the extracted
body text).
"""

from __future__ import annotations

import gzip
import io
import sys
import zlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO, TextIO, TypeVar

from quotetrace.errors import UnreadableArticle
from quotetrace.ingest.header import Header, analyse_header, parse_date, parse_dateline
from quotetrace.ingest.html import (
    MAX_HTML_BYTES,
    article_from_html,
    looks_like_html,
    read_html_file,
)
from quotetrace.ingest.jsonl import (
    LongLine,
    article_from_json,
    capped_lines,
    iter_json_file,
    iter_json_lines,
    iter_jsonl,
)
from quotetrace.ingest.paths import InputFile, PathProblem, expand
from quotetrace.ingest.text import (
    MAX_ARTICLE_CHARS,
    MAX_FILE_BYTES,
    article_from_text,
    decode_bytes,
    normalise_newlines,
    read_text_file,
)
from quotetrace.limits import DEFAULT_LIMITS, Limits
from quotetrace.model import Article, Failure
from quotetrace.safety import megabytes, path_name

_T = TypeVar("_T")

__all__ = [
    "INPUT_SUFFIXES",
    "MAX_ARTICLE_CHARS",
    "MAX_FILE_BYTES",
    "MAX_HTML_BYTES",
    "Header",
    "analyse_header",
    "article_from_html",
    "article_from_json",
    "article_from_text",
    "decode_bytes",
    "iter_articles",
    "iter_json_file",
    "iter_jsonl",
    "normalise_newlines",
    "parse_date",
    "parse_dateline",
    "unique_ids",
    "read_file",
    "read_html_file",
    "read_text_file",
]

INPUT_SUFFIXES = (".txt", ".html", ".htm", ".jsonl", ".json", ".gz")


def read_file(path: Path, limits: Limits, name: str) -> Iterator[Article | Failure]:
    """One file by its extension; anything unknown is read as plain text. ``name`` is the id
    (or the prefix of JSON lines' fallback ids)."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".gz":
            yield from _read_gzip(path, limits, name)
        elif suffix == ".jsonl":
            yield from iter_jsonl(path, limits, stem=name)
        elif suffix == ".json":
            yield from iter_json_file(path, limits, stem=name)
        elif suffix in (".html", ".htm"):
            yield read_html_file(path, limits, id=name)
        else:
            yield read_text_file(path, limits, id=name)
    except UnreadableArticle as err:
        yield Failure(name, str(err), path_name(path))
    except OSError as err:
        yield Failure(name, (err.strerror or str(err)).lower(), path_name(path))


def _read_gzip(path: Path, limits: Limits, stem: str) -> Iterator[Article | Failure]:
    """A gzipped .txt/.html/.jsonl (crawls often are), decompressed with a size cap."""
    inner = Path(path.stem)  # "page.html.gz" -> "page.html"
    kind, source = inner.suffix.lower(), path_name(path)
    try:
        with gzip.open(path, "rb") as fh:
            data = fh.read(limits.decompressed_bytes + 1)
    except (gzip.BadGzipFile, EOFError, zlib.error) as err:
        yield Failure(stem, f"broken gzip file ({err})", source)
        return
    if len(data) > limits.decompressed_bytes:
        reason = f"decompressed size over {megabytes(limits.decompressed_bytes)}"
        yield Failure(stem, reason + " (--max-decompressed-bytes)", source)
        return
    if kind in (".html", ".htm"):
        yield article_from_html(data, id=stem, source=source, limits=limits)
    elif kind in (".jsonl", ".json"):
        text = decode_bytes(data)
        yield from iter_json_lines(io.StringIO(text), stem=stem, source=source, limits=limits)
    else:
        yield article_from_text(decode_bytes(data), id=stem, source=source, limits=limits)


def _read_capped(stream: TextIO | BinaryIO, limit: int) -> tuple[str | bytes, bool]:
    """Up to ``limit`` bytes (or characters) of ``stream`` in 1 MB steps; True when more is left."""
    pieces: list[Any] = []
    size = 0
    while size <= limit:
        piece = stream.read(1 << 20)
        if not piece:
            break
        pieces.append(piece)
        size += len(piece)
    empty: str | bytes = b"" if not pieces or isinstance(pieces[0], bytes) else ""
    return empty.join(pieces), size > limit


def _rejoin(head: str | bytes, stream: TextIO | BinaryIO, limit: int) -> Iterator[bytes | LongLine]:
    """The lines of ``head`` followed by the rest of ``stream``, each line capped."""
    start = head.encode("utf-8", "surrogatepass") if isinstance(head, str) else head
    rest = (
        stream.buffer if isinstance(stream, io.TextIOBase) and hasattr(stream, "buffer") else stream
    )
    yield from capped_lines(io.BufferedReader(_Chain(start, rest), 1 << 20), limit)


class _Chain(io.RawIOBase):
    """Bytes already read, then the rest of a binary stream, as one readable stream."""

    def __init__(self, head: bytes, rest: Any) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogatepass")
        n = len(data)
        buffer[:n] = data
        return n


def _read_stdin(stream: TextIO | BinaryIO, limits: Limits) -> Iterator[Article | Failure]:
    """stdin: JSONL when every non-empty line is a JSON object, else HTML, else plain text.

    Read in steps up to ``MAX_FILE_BYTES``; a longer stream is read on only when all of it so far
    is JSON lines (then line by line, each line capped), else refused without reading the rest."""
    data, more = _read_capped(stream, limits.file_bytes)
    if more:
        head = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        lines = [line for line in head.splitlines()[:-1] if line.strip()]
        if lines and all(line.lstrip("\ufeff \t").startswith("{") for line in lines):
            rest = _rejoin(data, stream, limits.file_bytes)
            yield from iter_json_lines(rest, stem="stdin", source="stdin", limits=limits)
        else:
            reason = (
                f"stdin longer than {megabytes(limits.file_bytes)} and not JSON lines: "
                "not read (give a file, or JSON lines; --max-bytes)"
            )
            yield Failure("stdin", reason, "stdin")
        return
    try:
        text = decode_bytes(data) if isinstance(data, bytes) else data
    except UnreadableArticle as err:
        yield Failure("stdin", str(err), "stdin")
        return
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and all(line.lstrip("\ufeff \t").startswith("{") for line in lines):
        yield from iter_json_lines(io.StringIO(text), stem="stdin", source="stdin", limits=limits)
        return
    try:
        if looks_like_html(text):
            yield article_from_html(text, id="stdin", source="stdin", limits=limits)
        else:
            yield article_from_text(text, id="stdin", source="stdin", limits=limits)
    except UnreadableArticle as err:
        yield Failure("stdin", str(err), "stdin")


def iter_articles(
    paths: Sequence[str],
    *,
    stdin: TextIO | BinaryIO | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[Article | Failure]:
    """Every article in ``paths``, in order; a bad item is a Failure and the batch goes on.

    A path is a file (by extension: .txt, .html/.htm, .jsonl, .json; anything else is read as
    text), a folder (searched recursively for those extensions, sorted), a glob pattern (``**``
    allowed, sorted) or "-" for ``stdin`` (default: ``sys.stdin``). A path that does not exist, a
    glob that matches nothing, a folder that cannot be read and a special file (named pipe,
    device, socket) are Failures too; see ``ingest.paths``.
    """
    yield from unique_ids(_iter_articles(paths, stdin, limits))


def _iter_articles(
    paths: Sequence[str], stdin: TextIO | BinaryIO | None, limits: Limits
) -> Iterator[Article | Failure]:
    for item in expand(paths, INPUT_SUFFIXES):
        if isinstance(item, PathProblem):
            yield Failure(item.name, item.reason, item.source)
        elif isinstance(item, InputFile):
            yield from read_file(item.path, limits, item.name)
        else:
            yield from _read_stdin(stdin if stdin is not None else sys.stdin.buffer, limits)


def unique_ids(items: Iterable[_T]) -> Iterator[_T | Failure]:
    """The items with a later article whose id was already given turned into a Failure naming
    where the first one came from: two inputs never share an id silently (in a store the second
    would replace the first, and a re-run would flip which one is kept)."""
    first: dict[str, str] = {}
    for item in items:
        if isinstance(item, Article):
            if item.id in first:
                where = first[item.id]
                reason = f"duplicate id {item.id!r} (first given by {where}): article not read"
                yield Failure(item.id, reason, item.source)
                continue
            first[item.id] = item.source or "?"
        yield item
