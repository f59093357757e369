"""Reading the store back: search, trace, speakers, export, counts and checks, and a stored
article in two forms: ``document`` (the ``Document`` the extractor made, for the article page) and
``article_summary`` (a flat dict with each quote's store ids, speaker and cluster size)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from quotetrace.errors import StoreError
from quotetrace.model import Article, Document, Entity, Occasion, Party, Quote, SaidOn
from quotetrace.store.cluster import Trace, content_terms, load_trace, normalise, same_quote
from quotetrace.store.schema import CHECKS, DATA_TABLES
from quotetrace.store.search import (
    RANK_LIMIT,
    SearchHit,
    Sort,
    build_search,
    clean_text,
    count_matches,
    fts_any,
    fts_phrase,
)
from quotetrace.store.values import sqlite_text


@dataclass(frozen=True)
class SpeakerSummary:
    id: str
    name: str
    key: str
    is_person: bool
    quotes: int
    articles: int
    first_date: str | None
    last_date: str | None
    aliases: tuple[tuple[str, int], ...]  # names as written, with counts


def _spans_json(role: str) -> str:
    return (
        "(SELECT json_group_array(json_array(start, end)) FROM (SELECT start, end FROM quote_spans "
        f"WHERE quote_pk = q.pk AND role = '{role}' ORDER BY seq))"
    )


_EXPORT_SQL = f"""
SELECT q.id AS quote_id, q.article_id, q.local_id AS quote_local_id, q.type, q.kind, q.text,
    {_spans_json("content")} AS content, {_spans_json("cue")} AS cue,
    {_spans_json("speaker")} AS speaker_mention,
    q.speaker_name AS speaker_as_written, q.speaker_id, s.name AS speaker,
    q.addressee_name, q.parent_id, q.hedge, q.confidence,
    q.cluster_id, c.size AS cluster_size,
    a.published, a.outlet, a.url, a.title
FROM quotes q JOIN articles a ON a.id = q.article_id
LEFT JOIN speakers s ON s.id = q.speaker_id
JOIN (SELECT cluster_id, count(*) AS size FROM quotes GROUP BY cluster_id) c
    ON c.cluster_id = q.cluster_id
ORDER BY a.published_iso IS NULL, a.published_iso, a.seq, q.start, q.pk
"""


def fingerprints(conn: sqlite3.Connection) -> dict[str, str]:
    """Every stored article id with its fingerprint (to skip unchanged input early)."""
    return dict(conn.execute("SELECT id, fingerprint FROM articles"))


def has_article(conn: sqlite3.Connection, article_id: str, fingerprint: str) -> bool:
    """Whether this exact article (same id and content) is stored already."""
    row = conn.execute(
        "SELECT 1 FROM articles WHERE id = ? AND fingerprint = ?",
        (sqlite_text(article_id), fingerprint),
    ).fetchone()
    return row is not None


def search(
    conn: sqlite3.Connection,
    text: str,
    *,
    speaker: str | None = None,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    kinds: Sequence[str] | None = None,
    occasion: str | None = None,
    said_since: str | None = None,
    sort: Sort = "relevance",
    limit: int = 50,
    offset: int = 0,
) -> list[SearchHit]:
    """Quotes matching ``text`` (any string; see search.py) and the filters."""
    phrase = fts_phrase(text)
    try:
        dense = phrase is not None and count_matches(conn, phrase) > RANK_LIMIT
    except sqlite3.Error as exc:
        raise StoreError(f"search failed: {exc}") from exc
    sql, params = build_search(
        text,
        dense=dense,
        speaker=speaker,
        outlet=outlet,
        since=since,
        until=until,
        kinds=tuple(kinds) if kinds else None,
        occasion=occasion,
        said_since=said_since,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    try:
        return [SearchHit(*row) for row in conn.execute(sql, params)]
    except sqlite3.Error as exc:  # a bug, not a bad query: every value is bound
        raise StoreError(f"search failed: {exc}") from exc


def trace(conn: sqlite3.Connection, text: str) -> Trace | None:
    """The cluster of the quote best matching ``text`` (or a quote or cluster id)."""
    clean = clean_text(text).strip()
    row = conn.execute(
        "SELECT cluster_id FROM quotes WHERE id = ? UNION ALL "
        "SELECT id FROM clusters WHERE id = ? LIMIT 1",
        (clean, clean),
    ).fetchone()
    if row is not None:
        return load_trace(conn, row[0])
    tokens = normalise(clean)
    hits = search(conn, clean, limit=20)
    query = fts_any(content_terms(tokens)[:30])
    if query is not None:
        sql = (
            "SELECT q.id, q.text, q.cluster_id FROM quotes_fts f JOIN quotes q "
            "ON q.pk = f.rowid WHERE quotes_fts MATCH ? ORDER BY f.rank LIMIT 200"
        )
        extra = conn.execute(sql, (query,)).fetchall()
    else:
        extra = []
    candidates = [(h.text, h.cluster_id) for h in hits] + [(r[1], r[2]) for r in extra]
    for candidate_text, cluster_id in candidates:
        if same_quote(tokens, normalise(candidate_text)):
            return load_trace(conn, cluster_id)
    return load_trace(conn, hits[0].cluster_id) if hits else None


def speakers(conn: sqlite3.Connection) -> list[SpeakerSummary]:
    """Every speaker with its quote and article counts and the names it was written as."""
    aliases: dict[str, list[tuple[str, int]]] = {}
    for sid, name, n in conn.execute(
        "SELECT speaker_id, speaker_name, count(*) FROM quotes WHERE speaker_id IS NOT NULL "
        "GROUP BY speaker_id, speaker_name ORDER BY count(*) DESC, speaker_name"
    ):
        aliases.setdefault(sid, []).append((name, n))
    rows = conn.execute(
        "SELECT s.id, s.name, s.key, s.is_person, count(*), count(DISTINCT q.article_id), "
        "min(a.published_date), max(a.published_date) FROM speakers s "
        "JOIN quotes q ON q.speaker_id = s.id JOIN articles a ON a.id = q.article_id "
        "GROUP BY s.id ORDER BY count(*) DESC, s.name"
    )
    return [
        SpeakerSummary(
            sid, name, key, bool(person), n, arts, first, last, tuple(aliases.get(sid, ()))
        )
        for sid, name, key, person, n, arts, first, last in rows
    ]


def export(conn: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    """One dict per quote, with its article, speaker and cluster, in publication order."""
    cur = conn.execute(_EXPORT_SQL)
    names = [d[0] for d in cur.description]
    for row in cur:
        item = dict(zip(names, row, strict=True))
        for key in ("content", "cue", "speaker_mention"):
            item[key] = json.loads(item[key]) if item[key] else []
        yield item


def quote_spans(
    conn: sqlite3.Connection, article_id: str
) -> dict[tuple[int, str], list[list[int]]]:
    """The spans of a stored article's quotes, by (quote pk, role), in order."""
    spans: dict[tuple[int, str], list[list[int]]] = {}
    for pk, role, start, end in conn.execute(
        "SELECT s.quote_pk, s.role, s.start, s.end FROM quote_spans s JOIN quotes q "
        "ON q.pk = s.quote_pk WHERE q.article_id = ? ORDER BY s.quote_pk, s.role, s.seq",
        (article_id,),
    ):
        spans.setdefault((pk, role), []).append([start, end])
    return spans


def document(conn: sqlite3.Connection, article_id: str) -> tuple[Document, dict[str, str]] | None:
    """The stored article as a ``Document`` (without findings: those are the caller's), and
    its quotes' local → store ids; None when it is not stored."""
    row = conn.execute(
        "SELECT id, text, title, author, published, url, outlet, source FROM articles WHERE id = ?",
        (sqlite_text(article_id),),
    ).fetchone()
    if row is None:
        return None
    article = Article(
        id=row[0],
        text=row[1],
        title=row[2],
        author=row[3],
        published=row[4],
        url=row[5],
        outlet=row[6],
        source=row[7],
    )
    quote_rows = conn.execute(
        "SELECT pk, id, local_id, type, kind, text, speaker_name, speaker_entity, "
        "addressee_name, parent_id, hedge, occasion, said_on, confidence, evidence "
        "FROM quotes WHERE article_id = ? ORDER BY pk",
        (row[0],),
    ).fetchall()
    spans = quote_spans(conn, row[0])
    local_of = {r[1]: r[2] for r in quote_rows}
    quotes = []
    for (
        pk,
        _,
        local,
        qtype,
        kind,
        text,
        name,
        entity,
        to,
        parent,
        hedge,
        occ,
        said,
        conf,
        ev,
    ) in quote_rows:
        occasion, said_on = json.loads(occ) if occ else None, json.loads(said) if said else None
        speaker_spans = _pairs(spans.get((pk, "speaker"), ()))
        addressee_spans = _pairs(spans.get((pk, "addressee"), ()))
        quotes.append(
            Quote(
                id=local,
                type=qtype,
                content=_pairs(spans.get((pk, "content"), ())),
                text=text,
                cue=_pairs(spans.get((pk, "cue"), ())),
                speaker=Party(speaker_spans, name, entity) if name or speaker_spans else None,
                addressee=Party(addressee_spans, to) if to or addressee_spans else None,
                parent=local_of.get(parent) if parent else None,
                hedge=hedge,
                kind=kind,
                occasion=Occasion(
                    occasion["type"],
                    occasion.get("with"),
                    _pairs(occasion.get("mention") or ()),
                )
                if occasion
                else None,
                said_on=SaidOn(
                    said_on.get("date"),
                    said_on.get("text", ""),
                    _pairs(said_on.get("mention") or ()),
                )
                if said_on
                else None,
                confidence=conf,
                evidence=ev,
            )
        )
    entities = []
    for eid, local, name, label in conn.execute(
        "SELECT id, local_id, name, label FROM entities WHERE article_id = ? ORDER BY rowid",
        (row[0],),
    ).fetchall():
        mentions = conn.execute(
            "SELECT start, end FROM mentions WHERE entity_id = ? ORDER BY start", (eid,)
        ).fetchall()
        entities.append(Entity(local, name, tuple((s, e) for s, e in mentions), label))
    doc = Document(article, tuple(quotes), tuple(entities))
    return doc, {local: gid for gid, local in local_of.items()}


def article_summary(conn: sqlite3.Connection, article_id: str) -> dict[str, Any] | None:
    """One stored article with its quotes (spans, speaker, cluster), or None."""
    row = conn.execute(
        "SELECT id, title, author, url, outlet, published, source, text FROM articles WHERE id = ?",
        (sqlite_text(article_id),),
    ).fetchone()
    if row is None:
        return None
    keys = ("id", "title", "author", "url", "outlet", "published", "source", "text")
    out: dict[str, Any] = dict(zip(keys, row, strict=True))
    spans = quote_spans(conn, out["id"])
    quotes = []
    for (
        pk,
        qid,
        local,
        qtype,
        kind,
        text,
        name,
        sid,
        speaker,
        cluster,
        size,
    ) in conn.execute(
        "SELECT q.pk, q.id, q.local_id, q.type, q.kind, q.text, q.speaker_name, q.speaker_id, "
        "s.name, q.cluster_id, (SELECT count(*) FROM quotes c WHERE c.cluster_id = q.cluster_id) "
        "FROM quotes q LEFT JOIN speakers s ON s.id = q.speaker_id WHERE q.article_id = ? "
        "ORDER BY q.start, q.pk",
        (out["id"],),
    ):
        quotes.append(
            {
                "id": qid,
                "local_id": local,
                "type": qtype,
                "kind": kind,
                "text": text,
                "content": spans.get((pk, "content"), []),
                "cue": spans.get((pk, "cue"), []),
                "speaker_mention": spans.get((pk, "speaker"), []),
                "speaker_as_written": name,
                "speaker_id": sid,
                "speaker": speaker,
                "cluster_id": cluster,
                "cluster_size": size,
            }
        )
    out["quotes"] = quotes
    return out


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows per table (the data tables, then ``runs``)."""
    out = {}
    for table in (*DATA_TABLES, "runs"):
        out[table] = int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    return out


def check(conn: sqlite3.Connection) -> list[str]:
    """Consistency problems (empty when the database is consistent). The full-text index check
    is an FTS5 command that takes the write lock: it waits for a writer (busy timeout) and is
    left out on a store this process cannot write."""
    problems = []
    (integrity,) = conn.execute("PRAGMA integrity_check").fetchone()
    if integrity != "ok":
        problems.append(f"integrity_check: {integrity}")
    for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
        problems.append(f"foreign key: {table} row {rowid} points to a missing {parent}")
    try:
        conn.execute("INSERT INTO quotes_fts(quotes_fts, rank) VALUES ('integrity-check', 1)")
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorcode", None) != sqlite3.SQLITE_READONLY:
            problems.append(f"full-text index out of step: {exc}")
    for name, sql in CHECKS:
        bad = conn.execute(sql).fetchall()
        if bad:
            problems.append(f"{name}: {len(bad)} row(s), e.g. {bad[0]}")
    return problems


def _pairs(values: Any) -> tuple[tuple[int, int], ...]:
    return tuple((int(start), int(end)) for start, end in values)
