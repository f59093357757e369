"""Writing to the store: runs, failures and one extracted article (its entities, quotes, spans,
terms, speakers and clusters). Every function here runs inside the caller's write transaction
(``Store`` in connection.py opens it); none commits."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Literal

from quotetrace.model import Document, Quote, content_hash
from quotetrace.store.cluster import LiveIndex, anchor_terms, cluster_for, content_terms, normalise
from quotetrace.store.schema import utc_now
from quotetrace.store.speakers import speaker_for
from quotetrace.store.values import json_column, published_keys, sqlite_text, stored_quote_ids

IngestOutcome = Literal["new", "replaced", "re-extracted", "unchanged", "failed"]


def start_run(conn: sqlite3.Connection, command: str, inputs: Sequence[str]) -> int:
    cur = conn.execute(
        "INSERT INTO runs(started_at, command, inputs) VALUES (?, ?, ?)",
        (utc_now(), command, sqlite_text(json.dumps(list(inputs), ensure_ascii=False))),
    )
    return int(cur.lastrowid or 0)


def finish_run(conn: sqlite3.Connection, run_id: int, tally: dict[str, int]) -> None:
    conn.execute(
        "UPDATE runs SET finished_at = ?, articles_new = ?, articles_replaced = ?, "
        "articles_unchanged = ?, failures = ? WHERE id = ?",
        (
            utc_now(),
            tally.get("new", 0),
            tally.get("replaced", 0) + tally.get("re-extracted", 0),  # both replace rows
            tally.get("unchanged", 0),
            tally.get("failed", 0),
            run_id,
        ),
    )


def record_failure(
    conn: sqlite3.Connection,
    article_id: str,
    reason: str,
    source: str | None = None,
    run_id: int | None = None,
) -> None:
    """Note an article that could not be ingested; the same failure again is counted."""
    fid = content_hash("failure", article_id, source or "", reason)
    conn.execute(
        "INSERT INTO failures(id, article_id, source, reason, first_run, last_run) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
        "last_run = excluded.last_run, seen = seen + 1",
        (fid, sqlite_text(article_id), sqlite_text(source), sqlite_text(reason), run_id, run_id),
    )


def write_document(
    conn: sqlite3.Connection,
    live: LiveIndex,
    doc: Document,
    run_id: int | None,
    force: bool = False,
) -> IngestOutcome:
    """Store one extracted article, replacing an older version of it (``force``: an unchanged
    one too)."""
    art = doc.article
    article_id = sqlite_text(art.id) or ""
    old = conn.execute("SELECT fingerprint FROM articles WHERE id = ?", (article_id,))
    previous = old.fetchone()
    same = previous is not None and previous[0] == art.fingerprint
    if same and not force:
        return "unchanged"
    if previous is not None:
        delete_article(conn, live, article_id)
    if doc.quotes:
        live.get(conn)
    seq = conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM articles").fetchone()[0]
    published_iso, published_date = published_keys(art.published)
    n_spans = sum(
        len(q.content)
        + len(q.cue)
        + len(q.speaker.mention if q.speaker else ())
        + len(q.addressee.mention if q.addressee else ())
        for q in doc.quotes
    )
    mentions = [sorted(set(e.mentions)) for e in doc.entities]
    conn.execute(
        "INSERT INTO articles(id, fingerprint, seq, title, author, url, outlet, source, "
        "published, published_iso, published_date, text, n_quotes, n_spans, n_entities, "
        "n_mentions, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            article_id,
            art.fingerprint,
            seq,
            sqlite_text(art.title),
            sqlite_text(art.author),
            sqlite_text(art.url),
            sqlite_text(art.outlet),
            sqlite_text(art.source),
            sqlite_text(art.published),
            published_iso,
            published_date,
            sqlite_text(art.text),
            len(doc.quotes),
            n_spans,
            len(doc.entities),
            sum(len(m) for m in mentions),
            run_id,
        ),
    )
    labels: dict[str, str] = {}
    for index, (entity, spans) in enumerate(zip(doc.entities, mentions, strict=True)):
        eid = content_hash("entity", article_id, art.fingerprint, str(index), entity.id)
        labels.setdefault(entity.id, entity.label)
        conn.execute(
            "INSERT INTO entities(id, article_id, local_id, name, label) VALUES (?, ?, ?, ?, ?)",
            (eid, article_id, sqlite_text(entity.id), sqlite_text(entity.name), entity.label),
        )
        conn.executemany(
            "INSERT INTO mentions(entity_id, start, end) VALUES (?, ?, ?)",
            [(eid, s, e) for s, e in spans],
        )
    global_ids: dict[str, str] = {}
    quote_ids = stored_quote_ids(doc)
    for quote, qid in zip(doc.quotes, quote_ids, strict=True):
        global_ids.setdefault(quote.id, qid)
    for quote, qid in zip(doc.quotes, quote_ids, strict=True):
        parent = global_ids.get(quote.parent) if quote.parent else None
        write_quote(conn, live, article_id, quote, qid, parent, labels)
    return "new" if previous is None else "re-extracted" if same else "replaced"


def write_quote(
    conn: sqlite3.Connection,
    live: LiveIndex,
    article_id: str,
    quote: Quote,
    qid: str,
    parent: str | None,
    labels: dict[str, str],
) -> None:
    """One quote with its spans and terms, filed under its speaker and cluster."""
    tokens = normalise(sqlite_text(quote.text) or "")
    speaker_id = speaker_for(conn, quote.speaker, labels)
    start = min((s for s, _ in quote.content), default=0)
    end = max((e for _, e in quote.content), default=0)
    cluster_id = cluster_for(conn, live, tokens, qid, (article_id, start, end))
    occasion = quote.occasion
    said_on = quote.said_on
    cur = conn.execute(
        "INSERT INTO quotes(id, article_id, local_id, type, kind, text, start, end, "
        "speaker_name, speaker_entity, speaker_id, addressee_name, parent_id, hedge, occasion, "
        "said_on, confidence, evidence, cluster_id, norm) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            qid,
            article_id,
            sqlite_text(quote.id),
            quote.type,
            quote.kind,
            sqlite_text(quote.text),
            start,
            end,
            sqlite_text(quote.speaker.name) if quote.speaker else None,
            sqlite_text(quote.speaker.entity) if quote.speaker else None,
            speaker_id,
            sqlite_text(quote.addressee.name) if quote.addressee else None,
            parent,
            sqlite_text(quote.hedge),
            json_column(
                {"type": occasion.type, "with": occasion.with_, "mention": occasion.mention}
                if occasion
                else None
            ),
            json_column(
                {"date": said_on.date, "text": said_on.text, "mention": said_on.mention}
                if said_on
                else None
            ),
            float(quote.confidence),
            quote.evidence,
            cluster_id,
            " ".join(tokens),
        ),
    )
    pk = int(cur.lastrowid or 0)
    spans: list[tuple[int, str, int, int, int]] = []
    for role, role_spans in (
        ("content", quote.content),
        ("cue", quote.cue),
        ("speaker", quote.speaker.mention if quote.speaker else ()),
        ("addressee", quote.addressee.mention if quote.addressee else ()),
    ):
        spans += [(pk, role, seq, s, e) for seq, (s, e) in enumerate(role_spans)]
    conn.executemany(
        "INSERT INTO quote_spans(quote_pk, role, seq, start, end) VALUES (?, ?, ?, ?, ?)",
        spans,
    )
    anchors = set(anchor_terms(tokens))
    conn.executemany(
        "INSERT INTO quote_terms(term, quote_pk, anchor) VALUES (?, ?, ?)",
        [(term, pk, int(term in anchors)) for term in content_terms(tokens)],
    )
    live.add(pk, tokens)


def delete_article(conn: sqlite3.Connection, live: LiveIndex, article_id: str) -> None:
    """An article's rows, and the speakers and clusters left without quotes."""
    rows = conn.execute(
        "SELECT pk, speaker_id, cluster_id FROM quotes WHERE article_id = ?", (article_id,)
    ).fetchall()
    of_article = "(SELECT pk FROM quotes WHERE article_id = ?)"
    conn.execute(f"DELETE FROM quote_spans WHERE quote_pk IN {of_article}", (article_id,))
    conn.execute(f"DELETE FROM quote_terms WHERE quote_pk IN {of_article}", (article_id,))
    conn.execute("DELETE FROM quotes WHERE article_id = ?", (article_id,))
    conn.execute(
        "DELETE FROM mentions WHERE entity_id IN (SELECT id FROM entities WHERE article_id = ?)",
        (article_id,),
    )
    conn.execute("DELETE FROM entities WHERE article_id = ?", (article_id,))
    conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
    speakers = {r[1] for r in rows if r[1] is not None}
    clusters = {r[2] for r in rows}
    conn.executemany(
        "DELETE FROM speakers WHERE id = ? AND NOT EXISTS "
        "(SELECT 1 FROM quotes WHERE speaker_id = speakers.id)",
        [(s,) for s in speakers],
    )
    conn.executemany(
        "DELETE FROM clusters WHERE id = ? AND NOT EXISTS "
        "(SELECT 1 FROM quotes WHERE cluster_id = clusters.id)",
        [(c,) for c in clusters],
    )
    for row in rows:
        live.remove(row[0])
