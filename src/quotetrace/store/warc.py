"""WARC and WARC.gz crawls: every HTML or text response record becomes an Article.

Nothing is skipped silently. ``WarcReport`` counts every record by what happened to it; a record
that could have been an article but was not used (HTTP error, other content type, revisit,
too large, no article text) is also yielded as a ``Failure`` naming its reason, and so is the
rest of a file that cannot be read (truncated or corrupt). Two caps bound the work: the size of
one record's payload, and the total decompressed size of a file's records (declared lengths,
checked before a record is read, so a compression bomb is refused unread).
"""

from __future__ import annotations

import os
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from warcio.exceptions import ArchiveLoadFailed

from quotetrace.errors import UnreadableArticle
from quotetrace.ingest.html import article_from_html
from quotetrace.ingest.text import article_from_text, decode_bytes
from quotetrace.model import Article, Failure

WARC_SUFFIXES = (".warc", ".warc.gz")
MAX_RECORD_BYTES = 10_000_000  # one record's payload after HTTP decoding
MAX_TOTAL_BYTES = 8_000_000_000  # all records of one file, decompressed
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TEXT_TYPES = ("text/plain",)
# What warcio raises on a truncated or corrupt file (AttributeError: a missing header line).
_DAMAGED = (
    ArchiveLoadFailed,
    EOFError,
    zlib.error,
    ValueError,
    AttributeError,
    IndexError,
    OSError,
)


def is_warc(path: str | os.PathLike[str]) -> bool:
    return str(path).lower().endswith(WARC_SUFFIXES)


@dataclass
class WarcReport:
    """What happened to every record of one or more WARC files."""

    records: int = 0
    articles: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    def skip(self, reason: str) -> None:
        self.skipped[reason] += 1

    def summary(self) -> str:
        parts = ", ".join(f"{reason}: {n}" for reason, n in sorted(self.skipped.items()))
        skipped = sum(self.skipped.values())
        text = f"{self.records} WARC record(s), {self.articles} article(s), {skipped} skipped"
        return f"{text} ({parts})" if parts else text


def _header(headers: Any, name: str) -> str | None:
    if headers is None:
        return None
    value = headers.get_header(name)
    return str(value) if value is not None else None


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".gz", ".warc"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name


def iter_warc(
    path: str | os.PathLike[str],
    *,
    report: WarcReport | None = None,
    max_record_bytes: int = MAX_RECORD_BYTES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
) -> Iterator[Article | Failure]:
    """Articles (and Failures) from one WARC file, in file order; see the module doc.

    An article's id is its target URI (a later crawl of the same page replaces it in the store).
    """
    from warcio.archiveiterator import ArchiveIterator

    path = Path(path)
    report = report if report is not None else WarcReport()
    stem = _stem(path)
    total = 0
    number = 0

    def failure(reason: str, uri: str | None, key: str | None = None) -> Failure:
        report.skip(key or reason.split(" (")[0])
        return Failure(uri or f"{stem}#{number}", reason, f"{path}#{number}")

    def unreadable(err: BaseException) -> Failure:
        report.skip("unreadable rest of file")
        detail = (str(err).splitlines() or [type(err).__name__])[0][:200]
        return Failure(
            f"{stem}#{number + 1}",
            f"unreadable WARC after {number} record(s): {detail}",
            str(path),
        )

    try:
        handle = path.open("rb")
    except OSError as err:
        yield unreadable(err)
        return
    size = os.fstat(handle.fileno()).st_size
    compressed = str(path).lower().endswith(".gz")
    with handle:
        records = ArchiveIterator(handle)
        while True:
            try:
                record = next(records)
            except StopIteration:
                if number == 0 and size > 0:  # a file cut inside its first record reads as none
                    yield unreadable(ValueError("no complete WARC record (truncated or not WARC)"))
                return
            except _DAMAGED as err:  # a truncated or corrupt file fails in warcio in many ways
                yield unreadable(err)
                return
            if not str(record.format).startswith("warc"):  # warcio reads anything as ARC
                yield unreadable(ValueError(f"not a WARC record ({record.format})"))
                return
            number += 1
            report.records += 1
            kind = str(record.rec_type)
            uri = _header(record.rec_headers, "WARC-Target-URI")
            try:
                length = int(_header(record.rec_headers, "Content-Length") or 0)
            except ValueError:
                length = 0
            total += length
            if not compressed and length > size:
                # the record claims more bytes than the file holds: what follows it (the rest of
                # the file) would be read as its payload
                yield unreadable(
                    ValueError(f"record {number} declares {length} bytes, the file holds {size}")
                )
                return
            if total > max_total_bytes:
                yield failure(
                    f"decompressed size cap of {max_total_bytes} bytes reached; "
                    "rest of the file skipped",
                    None,
                    "size cap reached",
                )
                return
            if kind not in ("response", "resource", "revisit"):
                report.skip(f"{kind} record")
                continue
            if kind == "revisit":
                yield failure("revisit record (payload stored elsewhere)", uri)
                continue
            http = record.http_headers if kind == "response" else None
            if http is not None:
                status = str(http.get_statuscode() or "")
                if status != "200":
                    yield failure(f"HTTP status {status or 'missing'}", uri)
                    continue
            ctype = _header(http, "Content-Type") or _header(record.rec_headers, "Content-Type")
            media = (ctype or "").split(";")[0].strip().lower()
            if media not in _HTML_TYPES + _TEXT_TYPES:
                yield failure(f"content type {media or 'missing'}", uri)
                continue
            if length > max_record_bytes:
                yield failure(f"record too large ({length} bytes > {max_record_bytes})", uri)
                continue
            try:
                payload = record.content_stream().read(max_record_bytes + 1)
            except _DAMAGED as err:
                yield unreadable(err)
                return
            if len(payload) > max_record_bytes:
                yield failure(f"payload too large after decoding (> {max_record_bytes})", uri)
                continue
            article_id = uri or f"{stem}#{number}"
            source = f"{path}#{number}"
            try:
                if media in _HTML_TYPES:
                    article = article_from_html(payload, id=article_id, url=uri, source=source)
                else:
                    text = decode_bytes(payload)
                    article = article_from_text(text, id=article_id, source=source)
                    article = replace(article, url=uri)
            except UnreadableArticle as err:
                yield failure(f"no article ({err})", uri)
                continue
            report.articles += 1
            yield article
