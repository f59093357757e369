"""A speaker's record and a quote's page, read from the store (the web app's /speakers/{id} and
/quotes/{id}, and the exports).

``speaker_profile``: every quote of one speaker by date with outlet and link, the occasions and
addressees, whom they quote (speakers of quotes nested in theirs), who quotes them (speakers whose
quotes hold theirs, and the outlets that report them) and quotes per week. ``quote_detail``: one
quote with its article context, its parent and nested quotes, and its cluster's trace.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from datetime import date, timedelta
from typing import Any

from quotetrace.store.cluster import load_trace

MAX_WEEKS_FILLED = 520  # a longer record lists only the weeks that have quotes
CONTEXT_CHARS = 300  # article text shown on each side of a quote

_QUOTE_COLUMNS = """q.id, q.text, q.type, q.kind, q.speaker_id, s.name, q.speaker_name,
    q.addressee_name, q.occasion, q.said_on, q.hedge, q.parent_id, q.cluster_id, q.confidence,
    q.start, q.end, a.id, a.title, a.published, a.published_date, a.outlet, a.url"""
_QUOTE_JOINS = "FROM quotes q JOIN articles a ON a.id = q.article_id " + (
    "LEFT JOIN speakers s ON s.id = q.speaker_id"
)
_ORDER = "ORDER BY a.published_iso IS NULL, a.published_iso, a.seq, q.start, q.pk"


def _quote_row(row: tuple[Any, ...]) -> dict[str, Any]:
    (
        qid,
        text,
        qtype,
        kind,
        speaker_id,
        speaker,
        as_written,
        addressee,
        occasion,
        said_on,
        hedge,
        parent,
        cluster,
        confidence,
        start,
        end,
        article_id,
        title,
        published,
        day,
        outlet,
        url,
    ) = row
    return {
        "id": qid,
        "text": text,
        "type": qtype,
        "kind": kind,
        "speaker_id": speaker_id,
        "speaker": speaker,
        "speaker_as_written": as_written,
        "addressee": addressee,
        "occasion": json.loads(occasion) if occasion else None,
        "said_on": json.loads(said_on) if said_on else None,
        "hedge": hedge,
        "parent_id": parent,
        "cluster_id": cluster,
        "confidence": confidence,
        "start": start,
        "end": end,
        "article_id": article_id,
        "title": title,
        "published": published,
        "date": day,
        "outlet": outlet,
        "url": url,
    }


def week_of(day: str) -> str | None:
    """The Monday of the ISO week of YYYY-MM-DD (None for anything else)."""
    try:
        d = date.fromisoformat(day[:10])
    except (TypeError, ValueError):
        return None
    return (d - timedelta(days=d.weekday())).isoformat()


def weekly_counts(days: list[str | None]) -> dict[str, Any]:
    """Quotes per week, every week from the first to the last (empty weeks as 0) unless that is
    more than MAX_WEEKS_FILLED weeks; undated quotes counted apart."""
    counts: Counter[str] = Counter()
    undated = 0
    for day in days:
        week = week_of(day) if day else None
        if week is None:
            undated += 1
        else:
            counts[week] += 1
    weeks = sorted(counts)
    if weeks:
        first, last = date.fromisoformat(weeks[0]), date.fromisoformat(weeks[-1])
        span = (last - first).days // 7 + 1
        if span <= MAX_WEEKS_FILLED:
            weeks = [(first + timedelta(weeks=i)).isoformat() for i in range(span)]
    return {
        "weeks": [{"week": w, "count": counts.get(w, 0)} for w in weeks],
        "undated": undated,
        "max": max(counts.values(), default=0),
    }


def _people(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [{"speaker_id": sid, "name": name or "unnamed", "count": n} for sid, name, n in rows]


def speaker_profile(conn: sqlite3.Connection, speaker_id: str) -> dict[str, Any] | None:
    """One speaker's record (see the module doc), or None when the id is not in the store."""
    head = conn.execute(
        "SELECT id, name, key, is_person FROM speakers WHERE id = ?", (speaker_id,)
    ).fetchone()
    if head is None:
        return None
    quotes = [
        _quote_row(row)
        for row in conn.execute(
            f"SELECT {_QUOTE_COLUMNS} {_QUOTE_JOINS} WHERE q.speaker_id = ? {_ORDER}",
            (speaker_id,),
        )
    ]
    occasions: Counter[str] = Counter()
    addressees: Counter[str] = Counter()
    outlets: Counter[str] = Counter()
    names: Counter[str] = Counter()
    for q in quotes:
        if q["occasion"]:
            occ = q["occasion"]
            occasions[occ["type"] + (f" with {occ['with']}" if occ.get("with") else "")] += 1
        if q["addressee"]:
            addressees[q["addressee"]] += 1
        if q["outlet"]:
            outlets[q["outlet"]] += 1
        if q["speaker_as_written"]:
            names[q["speaker_as_written"]] += 1
    ids = [q["id"] for q in quotes]
    whom = conn.execute(
        "SELECT c.speaker_id, coalesce(s.name, c.speaker_name), count(*) FROM quotes p "
        "JOIN quotes c ON c.parent_id = p.id LEFT JOIN speakers s ON s.id = c.speaker_id "
        "WHERE p.speaker_id = ? GROUP BY c.speaker_id, coalesce(s.name, c.speaker_name) "
        "ORDER BY count(*) DESC, 2",
        (speaker_id,),
    ).fetchall()
    by = conn.execute(
        "SELECT p.speaker_id, coalesce(s.name, p.speaker_name), count(*) FROM quotes c "
        "JOIN quotes p ON p.id = c.parent_id LEFT JOIN speakers s ON s.id = p.speaker_id "
        "WHERE c.speaker_id = ? GROUP BY p.speaker_id, coalesce(s.name, p.speaker_name) "
        "ORDER BY count(*) DESC, 2",
        (speaker_id,),
    ).fetchall()
    articles = {q["article_id"] for q in quotes}
    return {
        "id": head[0],
        "name": head[1],
        "is_person": bool(head[3]),
        "quotes": quotes,
        "count": len(ids),
        "articles": len(articles),
        "first_date": next((q["date"] for q in quotes if q["date"]), None),
        "last_date": next((q["date"] for q in reversed(quotes) if q["date"]), None),
        "written_as": [{"name": n, "count": c} for n, c in names.most_common()],
        "occasions": [{"occasion": o, "count": c} for o, c in occasions.most_common()],
        "addressees": [{"name": n, "count": c} for n, c in addressees.most_common()],
        "quotes_whom": _people(whom),
        "quoted_by": _people(by),
        "reported_by": [{"outlet": o, "count": c} for o, c in outlets.most_common()],
        "timeline": weekly_counts([q["date"] for q in quotes]),
    }


def quote_detail(conn: sqlite3.Connection, quote_id: str) -> dict[str, Any] | None:
    """One stored quote with its context, parent, nested quotes and trace; None if unknown."""
    row = conn.execute(
        f"SELECT {_QUOTE_COLUMNS} {_QUOTE_JOINS} WHERE q.id = ?", (quote_id,)
    ).fetchone()
    if row is None:
        return None
    quote = _quote_row(row)
    (text,) = conn.execute(
        "SELECT text FROM articles WHERE id = ?", (quote["article_id"],)
    ).fetchone()
    spans = conn.execute(
        "SELECT s.role, s.start, s.end FROM quote_spans s JOIN quotes q ON q.pk = s.quote_pk "
        "WHERE q.id = ? ORDER BY s.role, s.seq",
        (quote_id,),
    ).fetchall()
    quote["spans"] = {}
    for role, start, end in spans:
        quote["spans"].setdefault(role, []).append([start, end])
    lo = max(0, quote["start"] - CONTEXT_CHARS)
    hi = min(len(text), quote["end"] + CONTEXT_CHARS)
    quote["context"] = {
        "before": text[lo : quote["start"]],
        "quote": text[quote["start"] : quote["end"]],
        "after": text[quote["end"] : hi],
        "cut_before": lo > 0,
        "cut_after": hi < len(text),
    }
    parent = None
    if quote["parent_id"]:
        prow = conn.execute(
            f"SELECT {_QUOTE_COLUMNS} {_QUOTE_JOINS} WHERE q.id = ?", (quote["parent_id"],)
        ).fetchone()
        parent = _quote_row(prow) if prow else None
    nested = [
        _quote_row(r)
        for r in conn.execute(
            f"SELECT {_QUOTE_COLUMNS} {_QUOTE_JOINS} WHERE q.parent_id = ? {_ORDER}", (quote_id,)
        )
    ]
    trace = load_trace(conn, quote["cluster_id"])
    return {
        "quote": quote,
        "parent": parent,
        "nested": nested,
        "trace": None if trace is None else trace.to_dict(),
    }


def speaker_ids(conn: sqlite3.Connection, quote_ids: list[str]) -> dict[str, str | None]:
    """The store speaker id of each quote id (for links from search results)."""
    out: dict[str, str | None] = {}
    for i in range(0, len(quote_ids), 500):
        chunk = quote_ids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        out.update(conn.execute(f"SELECT id, speaker_id FROM quotes WHERE id IN ({marks})", chunk))
    return out
