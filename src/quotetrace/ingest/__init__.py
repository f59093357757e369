"""The ingest stage: files, folders, globs and stdin become Articles (or Failures).

One module per input kind: ``text`` (.txt), ``html`` (.html/.htm), ``jsonl`` (.jsonl/.json);
``header`` holds the metadata and page-furniture heuristics they share. Offsets in an Article refer
to its ``text``: the decoded text with "\\r\\n"/"\\r" normalised to "\\n" (for HTML: the extracted
body text).
"""

from __future__ import annotations

import glob
import gzip
import io
import os
import sys
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, TextIO

from quotetrace.errors import UnreadableArticle
from quotetrace.ingest.header import Header, analyse_header, parse_date, parse_dateline
from quotetrace.ingest.html import (
    MAX_HTML_BYTES,
    article_from_html,
    looks_like_html,
    read_html_file,
)
from quotetrace.ingest.jsonl import article_from_json, iter_json_file, iter_json_lines, iter_jsonl
from quotetrace.ingest.text import (
    MAX_ARTICLE_CHARS,
    MAX_FILE_BYTES,
    article_from_text,
    decode_bytes,
    normalise_newlines,
    read_text_file,
)
from quotetrace.model import Article, Failure
from quotetrace.safety import path_name

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
    "read_html_file",
    "read_text_file",
]

INPUT_SUFFIXES = (".txt", ".html", ".htm", ".jsonl", ".json", ".gz")
_GLOB_CHARS = frozenset("*?[")


def _read_file(path: Path) -> Iterator[Article | Failure]:
    """One file by its extension; anything unknown is read as plain text."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".gz":
            yield from _read_gzip(path)
        elif suffix == ".jsonl":
            yield from iter_jsonl(path)
        elif suffix == ".json":
            yield from iter_json_file(path)
        elif suffix in (".html", ".htm"):
            yield read_html_file(path)
        else:
            yield read_text_file(path)
    except UnreadableArticle as err:
        yield Failure(path_name(path.stem), str(err), path_name(path))
    except OSError as err:
        yield Failure(path_name(path.stem), (err.strerror or str(err)).lower(), path_name(path))


def _read_gzip(path: Path) -> Iterator[Article | Failure]:
    """A gzipped .txt/.html/.jsonl (crawls often are), decompressed with a size cap."""
    inner = Path(path.stem)  # "page.html.gz" -> "page.html"
    stem, kind, source = path_name(inner.stem), inner.suffix.lower(), path_name(path)
    try:
        with gzip.open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except (gzip.BadGzipFile, EOFError, zlib.error) as err:
        yield Failure(stem, f"broken gzip file ({err})", source)
        return
    if len(data) > MAX_FILE_BYTES:
        yield Failure(stem, f"decompressed size over {MAX_FILE_BYTES / 1e6:.0f} MB", source)
        return
    if kind in (".html", ".htm"):
        yield article_from_html(data, id=stem, source=source)
    elif kind in (".jsonl", ".json"):
        yield from iter_json_lines(io.StringIO(decode_bytes(data)), stem=stem, source=source)
    else:
        yield article_from_text(decode_bytes(data), id=stem, source=source)


def _folder_files(folder: Path) -> list[Path]:
    """Input files under ``folder``, recursively, in sorted order; hidden entries are skipped."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and name.lower().endswith(INPUT_SUFFIXES):
                found.append(Path(root) / name)
    return sorted(found)


def _read_path(path: Path) -> Iterator[Article | Failure]:
    if path.is_dir():
        files = _folder_files(path)
        if not files:
            yield Failure(
                path_name(path.name),
                "folder holds no .txt/.html/.htm/.jsonl/.json(.gz) files",
                path_name(path),
            )
        for file in files:
            yield from _read_file(file)
    else:
        yield from _read_file(path)


def _read_stdin(stream: TextIO | BinaryIO) -> Iterator[Article | Failure]:
    """stdin: JSONL when every non-empty line is a JSON object, else HTML, else plain text."""
    data = stream.read()
    try:
        text = decode_bytes(data) if isinstance(data, bytes) else data
    except UnreadableArticle as err:
        yield Failure("stdin", str(err), "stdin")
        return
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and all(line.lstrip("\ufeff \t").startswith("{") for line in lines):
        yield from iter_json_lines(io.StringIO(text), stem="stdin", source="stdin")
        return
    try:
        if looks_like_html(text):
            yield article_from_html(text, id="stdin", source="stdin")
        else:
            yield article_from_text(text, id="stdin", source="stdin")
    except UnreadableArticle as err:
        yield Failure("stdin", str(err), "stdin")


def iter_articles(
    paths: Sequence[str], *, stdin: TextIO | BinaryIO | None = None
) -> Iterator[Article | Failure]:
    """Every article in ``paths``, in order; a bad item is a Failure and the batch goes on.

    A path is a file (by extension: .txt, .html/.htm, .jsonl, .json; anything else is read as
    text), a folder (searched recursively for those extensions, sorted), a glob pattern (``**``
    allowed, sorted) or "-" for ``stdin`` (default: ``sys.stdin``). A path that does not exist or a
    glob that matches nothing is a Failure too.
    """
    for raw in paths:
        if raw == "-":
            yield from _read_stdin(stdin if stdin is not None else sys.stdin.buffer)
            continue
        path = Path(raw)
        if path.exists():
            yield from _read_path(path)
        elif _GLOB_CHARS & set(raw):
            matches = sorted(glob.glob(raw, recursive=True))
            if not matches:
                yield Failure(path_name(raw), "glob matched nothing", path_name(raw))
            for match in matches:
                yield from _read_path(Path(match))
        else:
            name = path_name(path.stem or raw)
            yield Failure(name, "no such file or directory", path_name(raw))
