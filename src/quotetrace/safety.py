"""Strings that cannot be written: lone surrogates in text, ids and file names.

A JSON string may hold a lone surrogate escape (``"\\ud800"``, legal JSON) and a file name on Linux
may be any bytes (Python keeps the undecodable ones as surrogates, PEP 383). Neither can be encoded
as UTF-8, so without care the output line of such an article fails and ends the batch. Article
text with a lone surrogate is refused with its position (it is not Unicode text, and every offset
would refer to a character no output can hold); names and ids are made printable instead.
"""

from __future__ import annotations

import os
import re

from quotetrace.errors import UnreadableArticle

_SURROGATE = re.compile("[\ud800-\udfff]")


def lone_surrogate(text: str) -> int | None:
    """The offset of the first lone surrogate in ``text``, or None when it is valid Unicode."""
    found = _SURROGATE.search(text)
    return None if found is None else found.start()


def check_unicode(text: str, what: str = "text") -> None:
    """Raise UnreadableArticle naming the first lone surrogate of ``text`` and where it is."""
    at = lone_surrogate(text)
    if at is not None:
        raise UnreadableArticle(
            f"{what} holds a lone surrogate (U+{ord(text[at]):04X}) at character {at:,}: "
            "not Unicode text"
        )


def printable(value: str) -> str:
    """``value`` with every lone surrogate written as a ``\\udXXX`` escape (valid UTF-8 out)."""
    if _SURROGATE.search(value) is None:
        return value
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", value)


def path_name(value: str | os.PathLike[str]) -> str:
    """A file name or path as printable text: bytes that are not UTF-8 become ``\\xNN``."""
    try:
        raw = os.fsencode(value)
    except UnicodeEncodeError:  # a surrogate that no file name decoding produced
        return printable(os.fspath(value))
    return raw.decode("utf-8", "backslashreplace")


def megabytes(size: int) -> str:
    """A size for a message: "60 MB", or the bytes when under one megabyte."""
    return f"{size / 1e6:,.0f} MB" if size >= 1_000_000 else f"{size:,} bytes"
