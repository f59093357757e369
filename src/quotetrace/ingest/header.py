"""Heuristics for scraped article text: header metadata and page-furniture lines.

Shared by every input kind. Nothing here changes the text: metadata comes back as strings and
furniture as ``(start, end)`` spans of whole lines (without their newline), so that later stages can
ignore those lines while every offset stays valid.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from quotetrace import lexicon
from quotetrace.model import Span, Spans

HEADER_LINES = 15  # byline, dateline, section label and repeated lines are looked for this far
MAX_FURNITURE_CHARS = 200  # a longer line is article text, whatever it contains
MAX_TITLE_CHARS = 300

_TRIM = " \t:»›>→|•·-–—"  # trimmed from both ends of a line before the lexicon sees it
_SEGMENT_SPLIT = re.compile(r"\s*[|•·]\s*")

# --- dates -------------------------------------------------------------------------------------

_MONTHS = {row[0][:3]: i + 1 for i, row in enumerate(lexicon.rows("months"))}  # "jan" -> 1
# Every name and abbreviation of a month, longest first so that "september" is tried before "sep".
_MONTH_FORMS = sorted(
    (form for row in lexicon.rows("months") for form in row), key=len, reverse=True
)
_MONTH = rf"(?P<month>{'|'.join(_MONTH_FORMS)})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_TIME = (
    r"(?:\s*(?:[,\-–@]|\bat\b)?\s*"
    r"(?P<hour>\d{1,2})(?:[:.](?P<minute>\d\d))?(?::(?P<second>\d\d))?"
    r"\s*(?P<ampm>[ap]\.?\s?m\b\.?)?"
    r"(?:\s*\(?(?P<tz>(?-i:[A-Z]{2,5})(?:\s?[+-]\s?\d{1,2}(?::?\d\d)?)?)\)?)?)?"
)
_DATE_FORMS = [
    # Jan.06 - 2025 1:22 PM CET / January 6, 2025 / Jan 6th 2025, 13:22 GMT
    re.compile(rf"\b{_MONTH}\s*{_DAY}\s*(?:[,\-–/.]\s*)?{_YEAR}\b{_TIME}", re.IGNORECASE),
    # 6 January 2025 / 6th of Jan. 2025 13.22 BST
    re.compile(rf"\b{_DAY}\s*(?:of\s+)?{_MONTH}\s*,?\s*{_YEAR}\b{_TIME}", re.IGNORECASE),
    # 2025-01-06 / 2025-01-06T13:22:00+01:00 / 2025-01-06 13:22 UTC
    re.compile(
        r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)"
        r"(?:[T ](?P<hour>\d\d):(?P<minute>\d\d)(?::(?P<second>\d\d)(?:\.\d+)?)?"
        r"(?:\s*(?P<offset>Z|[+-]\d\d:?\d\d)|\s*(?P<tz>(?-i:[A-Z]{2,5})))?)?",
        re.IGNORECASE,
    ),
]
# Words that may stand around a date on a dateline ("Published on Monday, ... at ...").
# fmt: off
_DATELINE_WORDS = lexicon.words("dateline_words") | {
    form for row in lexicon.rows("weekdays") for form in row
}
# fmt: on
_FIXED_OFFSETS = {zone: int(minutes) for zone, minutes in lexicon.rows("timezones")}
# Abbreviations whose offset depends on the date (summer time): resolved through the tz database.
_ZONES = {
    "ET": "America/New_York",
    "CT": "America/Chicago",
    "MT": "America/Denver",
    "PT": "America/Los_Angeles",
}


def _tz(name: str | None, offset: str | None, day: date) -> tzinfo | None:
    if offset:
        if offset.upper() == "Z":
            return UTC
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0)))
    if not name:
        return None
    name = name.upper().replace(" ", "")
    shifted = re.fullmatch(r"(UTC|GMT)([+-])(\d{1,2})(?::?(\d\d))?", name)
    if shifted:
        sign = -1 if shifted.group(2) == "-" else 1
        delta = timedelta(hours=int(shifted.group(3)), minutes=int(shifted.group(4) or 0))
        return timezone(sign * delta)
    if name in _FIXED_OFFSETS:
        return timezone(timedelta(minutes=_FIXED_OFFSETS[name]))
    if name in _ZONES:
        try:
            return ZoneInfo(_ZONES[name])
        except ZoneInfoNotFoundError:
            return None
    return None


def _iso_from_match(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    month_text = groups["month"]
    month = int(month_text) if month_text.isdigit() else _MONTHS[month_text[:3].lower()]
    try:
        day = date(int(groups["year"]), month, int(groups["day"]))
    except ValueError:
        return None
    hour_text, minute_text, ampm = groups.get("hour"), groups.get("minute"), groups.get("ampm")
    # A bare number after the year is no time: "6 January 2025 12" is not noon.
    if hour_text is None or (minute_text is None and not ampm):
        return day.isoformat()
    hour, minute = int(hour_text), int(minute_text or 0)
    second = int(groups.get("second") or 0)
    if ampm:
        if not 1 <= hour <= 12:
            return day.isoformat()
        hour = hour % 12 + (12 if ampm.lower().startswith("p") else 0)
    if hour > 23 or minute > 59 or second > 59:
        return day.isoformat()
    stamp = datetime(day.year, day.month, day.day, hour, minute, second)
    zone = _tz(groups.get("tz"), groups.get("offset"), day)
    if zone is not None:
        stamp = stamp.replace(tzinfo=zone)
        # A zone database entry gives a numeric offset in the output, like the fixed ones.
        offset = stamp.utcoffset()
        if offset is not None:
            stamp = stamp.replace(tzinfo=timezone(offset))
    return stamp.isoformat()


def parse_date(text: str) -> str | None:
    """The first date in ``text`` as ISO 8601: a date, or a datetime when a time is given.

    A recognised time zone abbreviation (CET, EDT, GMT+2, ...) or numeric offset becomes an offset;
    an unknown one is dropped and the datetime stays naive.
    """
    found: list[re.Match[str]] = []
    for form in _DATE_FORMS:
        match = form.search(text)
        if match:
            found.append(match)
    for match in sorted(found, key=lambda m: m.start()):
        iso = _iso_from_match(match)
        if iso:
            return iso
    return None


def parse_dateline(line: str) -> str | None:
    """The ISO date of a line that is a dateline (a date with at most a few label words), or None.

    ``"Jan.06 - 2025 1:22 PM CET"`` -> ``"2025-01-06T13:22:00+01:00"``; a sentence that merely
    mentions a date is not a dateline.
    """
    if len(line) > 120:
        return None
    for segment in _SEGMENT_SPLIT.split(line.strip()):
        for form in _DATE_FORMS:
            match = form.search(segment)
            if not match:
                continue
            rest = segment[: match.start()] + " " + segment[match.end() :]
            words = re.findall(r"[^\W\d_]+", rest.lower())
            if all(word in _DATELINE_WORDS for word in words):
                iso = _iso_from_match(match)
                if iso:
                    return iso
    return None


# --- bylines -----------------------------------------------------------------------------------

_BYLINE = re.compile(
    r"^(?:(?:written|reported|story|words|text|reporting|posted)\s+)?by\s*:?\s+(?P<rest>.+)$"
    r"|^(?:author|authors|byline)\s*:\s*(?P<rest2>.+)$",
    re.IGNORECASE,
)
# fmt: off
_NAME_PARTICLES = lexicon.words("name_particles") | {"and", "&"}  # "Jane Doe and John Smith"
# fmt: on
_NAME_END = re.compile(r",|\s[-–—]\s|\s(?:for|in|at|from)\s")


def parse_byline(line: str) -> str | None:
    """The author named on a byline ("By Jane Doe", "Written by Jane Doe | Reuters"), or None."""
    if len(line) > 150:
        return None
    for segment in _SEGMENT_SPLIT.split(line.strip()):
        match = _BYLINE.match(segment)
        if not match:
            continue
        rest = match.group("rest") or match.group("rest2") or ""
        names = _NAME_END.split(rest, maxsplit=1)[0].strip().rstrip(".")
        tokens = names.split()
        if not 1 <= len(tokens) <= 8:
            continue
        if tokens[0].lower() in _NAME_PARTICLES or tokens[-1].lower() in _NAME_PARTICLES:
            continue
        if all(tok.lower() in _NAME_PARTICLES or tok[:1].isupper() for tok in tokens):
            return names
    return None


# --- furniture lexicon -------------------------------------------------------------------------


@cache
def furniture_pattern() -> re.Pattern[str]:
    """The boilerplate lexicon (``lexicons/boilerplate.txt``) as one compiled pattern."""
    globs = [fnmatch.translate(entry.lower()) for entry in lexicon.entries("boilerplate")]
    return re.compile("|".join(globs) or r"(?!)", re.DOTALL)


def _normalise_label(line: str) -> str:
    return " ".join(line.strip(_TRIM).split()).lower()


def is_furniture_line(line: str) -> bool:
    """True when a line matches the boilerplate lexicon (photo credits, "Trending Now", ...)."""
    if not line.strip() or len(line) >= MAX_FURNITURE_CHARS:
        return False
    return furniture_pattern().match(_normalise_label(line)) is not None


def _is_section_label(line: str) -> bool:
    """A lone label word near the top, e.g. "News" or "World": one capitalised word."""
    word = line.strip()
    return (
        2 <= len(word) <= 20 and word[:1].isupper() and re.fullmatch(r"[^\W\d_]+", word) is not None
    )


# --- everything together -----------------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    """What the heuristics found in one text."""

    title: str | None = None
    author: str | None = None
    published: str | None = None
    boilerplate: Spans = ()


def _lines(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every line, newline excluded; text uses "\\n" line ends only."""
    spans = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        spans.append((start, end))
        start = end + 1
    return spans


def analyse_header(text: str) -> Header:
    """Title, author, published date and boilerplate line spans of a plain article text.

    - title: the first non-empty line, when it is shorter than 300 characters, does not end with a
      full stop, is not furniture, and more lines follow;
    - author / published: the first byline / dateline among the first 15 non-empty lines;
    - boilerplate: lexicon lines anywhere, plus in the header the byline and dateline lines, lone
      section labels ("News") and lines repeated there (case-insensitively).
    """
    lines = [(s, e) for s, e in _lines(text) if text[s:e].strip()]
    header = lines[:HEADER_LINES]
    furniture: set[Span] = set()

    for start, end in lines:
        if end - start < MAX_FURNITURE_CHARS and is_furniture_line(text[start:end]):
            furniture.add((start, end))

    title_span: Span | None = None
    if len(lines) > 1:
        start, end = lines[0]
        first = text[start:end].strip()
        if (
            len(first) < MAX_TITLE_CHARS
            and not first.endswith(".")
            and (start, end) not in furniture
            and parse_byline(first) is None
            and parse_dateline(first) is None
        ):
            title_span = (start, end)

    author = published = None
    seen: dict[str, list[Span]] = {}
    for start, end in header:
        line = text[start:end]
        if (start, end) == title_span or end - start >= MAX_FURNITURE_CHARS:
            continue
        seen.setdefault(" ".join(line.split()).casefold(), []).append((start, end))
        byline = parse_byline(line)
        dateline = parse_dateline(line)
        if byline:
            author = author or byline
            furniture.add((start, end))
        if dateline:
            published = published or dateline
            furniture.add((start, end))
        if _is_section_label(line):
            furniture.add((start, end))
    for repeats in seen.values():
        if len(repeats) > 1:
            furniture.update(repeats)
    if title_span is not None:
        # The title repeated further down (an image alt text, a share box) is furniture.
        title_key = " ".join(text[title_span[0] : title_span[1]].split()).casefold()
        for start, end in header[1:]:
            if " ".join(text[start:end].split()).casefold() == title_key:
                furniture.add((start, end))

    title = text[title_span[0] : title_span[1]].strip() if title_span else None
    return Header(
        title=title, author=author, published=published, boilerplate=tuple(sorted(furniture))
    )
