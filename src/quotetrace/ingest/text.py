"""Plain-text articles: decoding bytes, normalising line ends, header metadata and furniture.

Offsets everywhere refer to the text returned here: the decoded file with "\\r\\n" and "\\r" turned
into "\\n" (and a byte-order mark dropped), otherwise unaltered.
"""

from __future__ import annotations

import codecs
import os
import unicodedata
from pathlib import Path

from charset_normalizer import from_bytes

from quotetrace.errors import UnreadableArticle
from quotetrace.ingest.header import analyse_header
from quotetrace.limits import DEFAULT_LIMITS, LimitExceeded, Limits, check_chars
from quotetrace.model import Article
from quotetrace.safety import check_unicode, megabytes, path_name, printable

MAX_FILE_BYTES = DEFAULT_LIMITS.file_bytes  # raw .txt file size (60 MB)
MAX_ARTICLE_CHARS = DEFAULT_LIMITS.chars  # decoded text; long texts are chunked by the extractor

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Single-byte code pages for Latin-script text. When the detector picks one of these, cp1252 (the
# usual encoding of Western news text) competes with it; see _prefer_cp1252.
# fmt: off
_LATIN_SINGLE_BYTE = frozenset((
    "latin_1", "iso8859_15", "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_9", "iso8859_10",
    "iso8859_13", "iso8859_14", "iso8859_16", "cp1250", "cp1254", "cp1257", "cp1258", "mac_roman",
    "mac_latin2", "mac_iceland", "mac_turkish", "cp437", "cp850", "cp852", "cp858", "cp860",
    "cp861", "cp863", "cp865",
))
# fmt: on
_TYPOGRAPHY = frozenset("“”‘’„‚«»‹›–—…•€£¥©®°§¶·×")
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
_MAX_CONTROL_SHARE = 0.01  # more unprintable characters than this: not text
_SAMPLE_BYTES = 1_000_000  # the code-page choice and the binary test look at this much


def normalise_newlines(text: str) -> str:
    """Turn "\\r\\n" and lone "\\r" into "\\n"; nothing else changes."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _plausibility(text: str) -> int:
    """How many non-ASCII characters read as letters or typography (a wrong code page gives ³ ¿)."""
    score = 0
    for char in text:
        if char.isascii():
            continue
        if char.isalpha() or char in _TYPOGRAPHY:
            score += 1
        else:
            score -= 1
    return score


def _prefer_cp1252(data: bytes, guessed: str) -> str:
    """The detector often picks cp1250 or latin-1 for short Western text; cp1252 wins ties."""
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        return guessed
    try:
        other = data.decode(guessed)
    except (UnicodeDecodeError, LookupError):
        return "cp1252"
    return "cp1252" if _plausibility(western) >= _plausibility(other) else guessed


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    sample = text[:_SAMPLE_BYTES]
    bad = sum(
        1
        for char in sample
        if char not in _ALLOWED_CONTROLS and unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn")
    )
    return bad > _MAX_CONTROL_SHARE * len(sample)


def decode_bytes(data: bytes) -> str:
    """Decode raw article bytes: a BOM, else UTF-8, else the detected encoding.

    Raises UnreadableArticle("binary file, not text") when no plausible encoding reads it. Line
    ends are not touched here.
    """
    text: str | None = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as err:
                raise UnreadableArticle(f"invalid {encoding} text ({err.reason})") from None
            text = text.lstrip("\ufeff")
            break
    if text is None:
        if b"\x00" in data:
            raise UnreadableArticle("binary file, not text")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            best = from_bytes(data).best()
            if best is None:
                raise UnreadableArticle("binary file, not text") from None
            encoding = best.encoding
            if encoding in _LATIN_SINGLE_BYTE:
                encoding = _prefer_cp1252(data[:_SAMPLE_BYTES], encoding)
            text = data.decode(encoding, errors="replace")
    if _looks_binary(text):
        raise UnreadableArticle("binary file, not text")
    return text


def check_file_size(size: int, limit: int, flag: str, what: str = "file") -> None:
    """LimitExceeded when ``size`` bytes are over ``limit``."""
    if size > limit:
        raise LimitExceeded(f"{what} too large ({size / 1e6:.1f} MB > {megabytes(limit)}; {flag})")


def _meta(value: str | None) -> str | None:
    return None if value is None else printable(value)


def article_from_text(
    text: str,
    *,
    id: str,
    source: str | None = None,
    title: str | None = None,
    author: str | None = None,
    published: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Article:
    """An Article from plain text; metadata not given is guessed from the header lines.

    Line ends are normalised (offsets refer to the returned ``Article.text``). Raises
    UnreadableArticle for an empty or over-long text.
    """
    text = normalise_newlines(text)
    if not text.strip():
        raise UnreadableArticle("empty article")
    check_chars(text, limits)
    check_unicode(text)
    header = analyse_header(text)
    return Article(
        id=printable(id),
        text=text,
        title=_meta(title) or header.title,
        author=_meta(author) or header.author,
        published=_meta(published) or header.published,
        url=_meta(url),
        outlet=_meta(outlet),
        source=source,
        boilerplate=header.boilerplate,
    )


def read_text_file(
    path: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS, *, id: str | None = None
) -> Article:
    """A plain-text file as an Article; id = the file name without its extension.

    Raises UnreadableArticle (binary, empty, too large, undecodable) or OSError when the file
    cannot be opened.
    """
    path = Path(path)
    size = path.stat().st_size
    check_file_size(size, limits.file_bytes, "--max-bytes")
    text = decode_bytes(path.read_bytes())
    article_id = id or path_name(path.stem)
    return article_from_text(text, id=article_id, source=path_name(path), limits=limits)
