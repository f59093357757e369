"""Search over stored quotes: any user string becomes a safe query, never an SQL or FTS error.

The text is cleaned (NUL bytes dropped, lone surrogates replaced, length capped) and passed to
FTS5 as one phrase in double quotes, inner double quotes doubled; FTS5 then splits it into tokens
itself, so ``*``, ``NEAR(``, ``OR``, ``AND``, ``-`` and ``:`` are plain characters. A string with
no letter or digit (``"***"``, ``""``) falls back to a LIKE substring match with ``%``, ``_`` and
``\\`` escaped. Every value reaches SQLite as a bound parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from quotetrace.errors import StoreError
from quotetrace.store.speakers import speaker_key

MAX_QUERY_CHARS = 2000
RANK_LIMIT = 5000  # more matches than this are not ranked by relevance (see build_search)
Sort = Literal["relevance", "newest", "oldest"]
_SURROGATE = re.compile("[\ud800-\udfff]")
_DAY = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def clean_text(text: str) -> str:
    """A user string SQLite can bind: no NULs, no lone surrogates, at most MAX_QUERY_CHARS."""
    return _SURROGATE.sub("\ufffd", text.replace("\x00", ""))[:MAX_QUERY_CHARS]


def fts_phrase(text: str) -> str | None:
    """The FTS5 phrase query for ``text``, or None when it has no letter or digit."""
    clean = clean_text(text)
    if not any(ch.isalnum() for ch in clean):
        return None
    return '"' + clean.replace('"', '""') + '"'


def fts_any(words: list[str]) -> str | None:
    """An FTS5 query matching any of ``words`` (each quoted), or None for no words."""
    parts = [fts_phrase(w) for w in words]
    kept = [p for p in parts if p]
    return " OR ".join(kept) if kept else None


def count_matches(conn: Any, phrase: str, cap: int = RANK_LIMIT) -> int:
    """How many quotes an FTS query matches, counting no further than ``cap + 1``."""
    sql = "SELECT count(*) FROM (SELECT 1 FROM quotes_fts WHERE quotes_fts MATCH ? LIMIT ?)"
    return int(conn.execute(sql, (phrase, cap + 1)).fetchone()[0])


def like_pattern(text: str) -> str:
    """A LIKE pattern (ESCAPE '\\') matching ``text`` anywhere."""
    escaped = clean_text(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def check_day(value: str) -> str:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, checked; StoreError otherwise."""
    value = value.strip()
    if not _DAY.match(value):
        raise StoreError(f"not a date (YYYY, YYYY-MM or YYYY-MM-DD): {value!r}")
    parts = [int(p) for p in value.split("-")]
    try:
        date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError as exc:
        raise StoreError(f"not a date: {value!r} ({exc})") from exc
    return value


@dataclass(frozen=True)
class SearchHit:
    quote_id: str
    text: str
    type: str
    kind: str
    speaker: str | None  # the store's name for the speaker
    speaker_as_written: str | None
    cluster_id: str
    article_id: str
    published: str | None
    outlet: str | None
    url: str | None
    title: str | None


_COLUMNS = """q.id, q.text, q.type, q.kind, s.name, q.speaker_name, q.cluster_id,
    a.id, a.published, a.outlet, a.url, a.title"""
_JOINS = """JOIN articles a ON a.id = q.article_id LEFT JOIN speakers s ON s.id = q.speaker_id"""


def speaker_condition(name: str) -> tuple[str, list[Any]]:
    """SQL matching quotes whose speaker is ``name`` in any of its spellings."""
    clean = clean_text(name)
    person = speaker_key(clean, label="PERSON")
    other = speaker_key(clean, label="ORG")
    clauses, params = ["sp.name LIKE ? ESCAPE '\\'"], [like_pattern(clean)]
    if person is not None:
        if person.initial:
            clauses.append("(sp.is_person = 1 AND sp.surname = ? AND sp.initial IN (?, ''))")
            params += [person.surname, person.initial]
        else:
            clauses.append("(sp.is_person = 1 AND sp.surname = ?)")
            params.append(person.surname)
    if other is not None:
        clauses.append("sp.key = ?")
        params.append(other.key)
    sql = f"q.speaker_id IN (SELECT sp.id FROM speakers sp WHERE {' OR '.join(clauses)})"
    return sql, params


def build_search(
    text: str,
    *,
    speaker: str | None = None,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    kinds: tuple[str, ...] | None = None,
    occasion: str | None = None,
    said_since: str | None = None,
    sort: Sort = "relevance",
    limit: int = 50,
    offset: int = 0,
    dense: bool = False,
) -> tuple[str, list[Any]]:
    """The SQL and parameters for one search; see the module doc for how ``text`` is used.

    ``dense``: the words match more than RANK_LIMIT quotes. BM25 would then score every match
    (seconds on a million quotes) for an order that means little for so common a query, so
    "relevance" becomes most recently stored first, which FTS5 yields without scoring.
    """
    where: list[str] = []
    params: list[Any] = []
    phrase = fts_phrase(text)
    if phrase is not None:
        source = "quotes_fts f JOIN quotes q ON q.pk = f.rowid"
        where.append("quotes_fts MATCH ?")
        params.append(phrase)
    else:
        source = "quotes q"
        if clean_text(text):
            where.append("q.text LIKE ? ESCAPE '\\'")
            params.append(like_pattern(text))
    if speaker is not None:
        sql, extra = speaker_condition(speaker)
        where.append(sql)
        params += extra
    if outlet is not None:
        where.append("a.outlet LIKE ? ESCAPE '\\'")
        params.append(like_pattern(outlet))
    if since is not None:
        where.append("a.published_date >= ?")
        params.append(check_day(since))
    if until is not None:
        where.append("a.published_date <= ?")  # "~" sorts after digits: YYYY-MM covers its days
        params.append(check_day(until) + "~")
    if kinds:
        where.append(f"q.kind IN ({','.join('?' * len(kinds))})")
        params += [clean_text(k) for k in kinds]
    if occasion:
        # occasion and said_on are stored as FORMAT.md §2 JSON objects
        where.append("json_extract(q.occasion, '$.type') = ?")
        params.append(clean_text(occasion).lower())
    if said_since is not None:
        where.append("json_extract(q.said_on, '$.date') >= ?")
        params.append(check_day(said_since))
    if sort == "newest":
        order = "a.published_iso IS NULL, a.published_iso DESC, q.pk DESC"
    elif sort == "oldest":
        order = "a.published_iso IS NULL, a.published_iso, q.pk"
    elif phrase is not None and not dense:
        order = "f.rank, q.pk DESC"
    elif phrase is not None:
        order = "f.rowid DESC"
    else:
        order = "q.pk DESC"
    sql = f"SELECT {_COLUMNS} FROM {source} {_JOINS}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += f" ORDER BY {order} LIMIT ? OFFSET ?"
    params += [max(0, int(limit)), max(0, int(offset))]
    return sql, params


# Strings that break naive FTS or LIKE query building; search must answer each without an error.
HOSTILE_QUERIES: tuple[str, ...] = (
    "",
    " ",
    '"',
    '""',
    '"unbalanced',
    "'",
    "''",
    "*",
    "**",
    "a*",
    "*a",
    "NEAR(",
    "NEAR(a b",
    "NEAR(a b, 2)",
    "OR",
    "AND",
    "NOT",
    "a OR",
    "OR b",
    "a AND NOT b",
    "(",
    ")",
    "(a OR b",
    "-",
    "-a",
    "+",
    "^a",
    "a:b",
    "text:putin",
    "{a b}",
    "[a]",
    "%",
    "_",
    "\\",
    "%_%",
    "\x00",
    "a\x00b",
    "\ud800",
    "😀",
    "Zelenskyy’s «war» — “now”",
    "'; DROP TABLE quotes; --",
    "' OR '1'='1",
    "SELECT * FROM quotes",
    "\n\t\r",
    "a" * 5000,
    " ".join(["x"] * 500),
    "…",
    "NEAR",
    'a" OR "b',
    "quotes_fts",
    "rank",
)
