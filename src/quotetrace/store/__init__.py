"""The quote store: every quote of every article in one SQLite database (WAL mode).

``Store.open(path)`` creates or migrates the database (schema.py). ``ingest_document`` writes one
extracted article in one transaction: a process killed at any moment leaves either the old article
or the new one, never half of it. Ids come from content hashes: the same article again changes
nothing, a changed article (same id, new fingerprint) replaces its old rows. While it writes, each
quote gets its cross-article speaker (speakers.py) and cluster (cluster.py).

One writer at a time is the expected use; a second writer waits for the lock (busy timeout) and the
in-memory LSH index is rebuilt when another connection has changed the database.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from quotetrace.errors import StoreError
from quotetrace.model import (
    Article,
    Document,
    Entity,
    Occasion,
    Party,
    Quote,
    SaidOn,
    content_hash,
)
from quotetrace.store import schema
from quotetrace.store.cluster import (
    MIN_TOKENS,
    ClusterMatch,
    NearDuplicateIndex,
    Trace,
    anchor_terms,
    clusters_to_join,
    content_terms,
    load_trace,
    match,
    normalise,
    same_quote,
    term_candidates,
)
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
from quotetrace.store.speakers import SpeakerKey, name_weight, speaker_key

__all__ = ["IngestOutcome", "SearchHit", "SpeakerSummary", "Store", "Trace"]

IngestOutcome = Literal["new", "replaced", "re-extracted", "unchanged", "failed"]
_SURROGATE = re.compile("[\ud800-\udfff]")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
_CHUNK = 500  # parameters per IN (...) list


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


def _text(value: str | None) -> str | None:
    """A string SQLite stores whole: a lone surrogate or NUL becomes U+FFFD (offsets unchanged)."""
    return None if value is None else _SURROGATE.sub("\ufffd", value.replace("\x00", "\ufffd"))


def _published(value: str | None) -> tuple[str | None, str | None]:
    """(sortable ISO timestamp, YYYY-MM-DD) of a published value, or (None, None)."""
    if not value or not value.strip():
        return None, None
    raw = value.strip()
    if _ISO_DAY.match(raw):
        iso: str | None = raw
    else:
        from quotetrace.ingest.header import parse_date  # loads the HTML reader: only when needed

        iso = parse_date(raw)
    if not iso:
        return None, None
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso[:10], iso[:10]
    if moment.tzinfo is not None:
        iso = moment.astimezone(UTC).isoformat()
    return iso, iso[:10]


def stored_quote_ids(doc: Document) -> list[str]:
    """The store's ids of a document's quotes (content hashes: the same article gives the same
    ids; the Spark job writes them too)."""
    art = doc.article
    article_id = _text(art.id) or ""
    return [
        content_hash("quote", article_id, art.fingerprint, str(index), quote.id)
        for index, quote in enumerate(doc.quotes)
    ]


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


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


class Store:
    """An open quote database. Use as a context manager or call ``close``."""

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self.conn = conn
        self.path = path
        self._near: NearDuplicateIndex | None = None
        self._near_version: int | None = None

    # -- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Store:
        """Open (creating and migrating when needed) the store at ``path``; ":memory:" works."""
        where = str(path)
        if where != ":memory:":
            parent = Path(where).parent
            if not parent.is_dir():
                raise StoreError(f"cannot open {where}: folder {parent} does not exist")
        try:
            conn = sqlite3.connect(where, isolation_level=None, timeout=30.0)
            conn.execute("PRAGMA foreign_keys = ON")
            if where != ":memory:":
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise StoreError(f"cannot switch {where} to WAL mode (got {mode})")
            conn.execute("PRAGMA synchronous = NORMAL")
            schema.migrate(conn)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open {where}: {exc}") from exc
        return cls(conn, where)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; rolled back (and the LSH index dropped) on any error."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write to {self.path}: {exc}") from exc
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            self._near = None
            raise

    # -- runs and failures --------------------------------------------------------------------

    def start_run(self, command: str, inputs: Sequence[str]) -> int:
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO runs(started_at, command, inputs) VALUES (?, ?, ?)",
                (schema._now(), command, _text(json.dumps(list(inputs), ensure_ascii=False))),
            )
            return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, tally: dict[str, int]) -> None:
        with self._write() as conn:
            conn.execute(
                "UPDATE runs SET finished_at = ?, articles_new = ?, articles_replaced = ?, "
                "articles_unchanged = ?, failures = ? WHERE id = ?",
                (
                    schema._now(),
                    tally.get("new", 0),
                    tally.get("replaced", 0) + tally.get("re-extracted", 0),  # both replace rows
                    tally.get("unchanged", 0),
                    tally.get("failed", 0),
                    run_id,
                ),
            )

    def record_failure(
        self, article_id: str, reason: str, source: str | None = None, *, run_id: int | None = None
    ) -> None:
        """Note an article that could not be ingested; the same failure again is counted."""
        fid = content_hash("failure", article_id, source or "", reason)
        with self._write() as conn:
            conn.execute(
                "INSERT INTO failures(id, article_id, source, reason, first_run, last_run) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                "last_run = excluded.last_run, seen = seen + 1",
                (fid, _text(article_id), _text(source), _text(reason), run_id, run_id),
            )

    # -- ingest -------------------------------------------------------------------------------

    def fingerprints(self) -> dict[str, str]:
        """Every stored article id with its fingerprint (to skip unchanged input early)."""
        return dict(self.conn.execute("SELECT id, fingerprint FROM articles"))

    def has_article(self, article_id: str, fingerprint: str) -> bool:
        """Whether this exact article (same id and content) is stored already."""
        row = self.conn.execute(
            "SELECT 1 FROM articles WHERE id = ? AND fingerprint = ?",
            (_text(article_id), fingerprint),
        ).fetchone()
        return row is not None

    def ingest_document(
        self, doc: Document, *, run_id: int | None = None, force: bool = False
    ) -> IngestOutcome:
        """Store one extracted article in one transaction. StoreError if the database fails.
        ``force``: replace the stored quotes of an unchanged article too (after an extractor
        upgrade, or with a cue model); the old ones go only when the new ones are written."""
        if doc.error is not None:
            self.record_failure(doc.article.id, doc.error, doc.article.source, run_id=run_id)
            return "failed"
        try:
            with self._write() as conn:
                return self._write_document(conn, doc, run_id, force)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot store article {doc.article.id!r}: {exc}") from exc

    def _write_document(
        self, conn: sqlite3.Connection, doc: Document, run_id: int | None, force: bool = False
    ) -> IngestOutcome:
        art = doc.article
        article_id = _text(art.id) or ""
        old = conn.execute("SELECT fingerprint FROM articles WHERE id = ?", (article_id,))
        previous = old.fetchone()
        same = previous is not None and previous[0] == art.fingerprint
        if same and not force:
            return "unchanged"
        if previous is not None:
            self._delete_article(conn, article_id)
        if doc.quotes:
            self._ensure_index(conn)
        seq = conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM articles").fetchone()[0]
        published_iso, published_date = _published(art.published)
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
                _text(art.title),
                _text(art.author),
                _text(art.url),
                _text(art.outlet),
                _text(art.source),
                _text(art.published),
                published_iso,
                published_date,
                _text(art.text),
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
                (eid, article_id, _text(entity.id), _text(entity.name), entity.label),
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
            self._write_quote(conn, article_id, quote, qid, parent, labels)
        return "new" if previous is None else "re-extracted" if same else "replaced"

    def _write_quote(
        self,
        conn: sqlite3.Connection,
        article_id: str,
        quote: Quote,
        qid: str,
        parent: str | None,
        labels: dict[str, str],
    ) -> None:
        tokens = normalise(_text(quote.text) or "")
        speaker_id = self._speaker_for(conn, quote.speaker, labels)
        start = min((s for s, _ in quote.content), default=0)
        end = max((e for _, e in quote.content), default=0)
        cluster_id = self._cluster_for(conn, tokens, qid, (article_id, start, end))
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
                _text(quote.id),
                quote.type,
                quote.kind,
                _text(quote.text),
                start,
                end,
                _text(quote.speaker.name) if quote.speaker else None,
                _text(quote.speaker.entity) if quote.speaker else None,
                speaker_id,
                _text(quote.addressee.name) if quote.addressee else None,
                parent,
                _text(quote.hedge),
                _json(
                    {"type": occasion.type, "with": occasion.with_, "mention": occasion.mention}
                    if occasion
                    else None
                ),
                _json(
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
        if self._near is not None:
            self._near.add(pk, tokens)

    def _delete_article(self, conn: sqlite3.Connection, article_id: str) -> None:
        rows = conn.execute(
            "SELECT pk, speaker_id, cluster_id FROM quotes WHERE article_id = ?", (article_id,)
        ).fetchall()
        of_article = "(SELECT pk FROM quotes WHERE article_id = ?)"
        conn.execute(f"DELETE FROM quote_spans WHERE quote_pk IN {of_article}", (article_id,))
        conn.execute(f"DELETE FROM quote_terms WHERE quote_pk IN {of_article}", (article_id,))
        conn.execute("DELETE FROM quotes WHERE article_id = ?", (article_id,))
        conn.execute(
            "DELETE FROM mentions WHERE entity_id IN "
            "(SELECT id FROM entities WHERE article_id = ?)",
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
        if self._near is not None:
            for row in rows:
                self._near.remove(row[0])

    def settle(self) -> None:
        """Speakers and clusters recomputed over the whole store in a fixed order, so that they
        do not depend on the order articles came in (store/settle.py); one transaction."""
        from quotetrace.store.settle import settle

        try:
            with self._write() as conn:
                settle(conn)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot settle speakers and clusters: {exc}") from exc

    # -- speakers -----------------------------------------------------------------------------

    def _speaker_for(
        self, conn: sqlite3.Connection, party: Party | None, labels: dict[str, str]
    ) -> str | None:
        if party is None or not party.name:
            return None
        key = speaker_key(_text(party.name), label=labels.get(party.entity or ""))
        if key is None:
            return None
        if key.is_person and not key.initial:
            rows = conn.execute(
                "SELECT id, initial FROM speakers WHERE is_person = 1 AND surname = ?",
                (key.surname,),
            ).fetchall()
            named = {initial: sid for sid, initial in rows if initial}
            bare = [sid for sid, initial in rows if not initial]
            if len(named) == 1:
                return self._touch(conn, next(iter(named.values())), key)
            if bare:
                return self._touch(conn, bare[0], key)
            return self._create_speaker(conn, key)
        row = conn.execute("SELECT id FROM speakers WHERE key = ?", (key.key,)).fetchone()
        if row is not None:
            return self._touch(conn, row[0], key)
        sid = self._create_speaker(conn, key)
        if key.is_person:
            # a surname-only speaker filed before any first name was known joins this person,
            # when this is the only person of that surname
            rows = conn.execute(
                "SELECT id, initial FROM speakers WHERE is_person = 1 AND surname = ? AND id != ?",
                (key.surname, sid),
            ).fetchall()
            bare = [other for other, initial in rows if not initial]
            if bare and len(rows) == len(bare):
                conn.execute(
                    "UPDATE quotes SET speaker_id = ? WHERE speaker_id = ?", (sid, bare[0])
                )
                conn.execute("DELETE FROM speakers WHERE id = ?", (bare[0],))
        return sid

    @staticmethod
    def _create_speaker(conn: sqlite3.Connection, key: SpeakerKey) -> str:
        sid = content_hash("speaker", key.key)
        conn.execute(
            "INSERT INTO speakers(id, key, surname, initial, is_person, name) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (sid, key.key, key.surname, key.initial, int(key.is_person), key.display),
        )
        return sid

    @staticmethod
    def _touch(conn: sqlite3.Connection, sid: str, key: SpeakerKey) -> str:
        """Keep the fullest form of the name as the speaker's name."""
        (current,) = conn.execute("SELECT name FROM speakers WHERE id = ?", (sid,)).fetchone()
        if name_weight(key.display) > name_weight(current):
            conn.execute("UPDATE speakers SET name = ? WHERE id = ?", (key.display, sid))
        return sid

    # -- clusters -----------------------------------------------------------------------------

    def _ensure_index(self, conn: sqlite3.Connection) -> NearDuplicateIndex:
        """The LSH index of stored quotes, rebuilt when another connection changed the data."""
        version = int(conn.execute("PRAGMA data_version").fetchone()[0])
        if self._near is None or version != self._near_version:
            index = NearDuplicateIndex()
            rows = conn.execute("SELECT pk, norm FROM quotes")
            index.add_many((pk, norm.split()) for pk, norm in rows)
            self._near, self._near_version = index, version
        return self._near

    def _cluster_for(
        self,
        conn: sqlite3.Connection,
        tokens: tuple[str, ...],
        qid: str,
        place: tuple[str, int, int],
    ) -> str:
        """The cluster of a new quote: joins (and merges) the clusters of verified matches.

        A quote overlapping this one in the same article (a nested or enclosing attribution) is
        another layer of the same text, not a repetition, and is never a match.
        """
        article_id, start, end = place
        best: dict[str, float] = {}
        if len(tokens) >= MIN_TOKENS:
            candidates = self._ensure_index(conn).query(tokens) | term_candidates(conn, tokens)
            pks = sorted(candidates)
            for i in range(0, len(pks), _CHUNK):
                chunk = pks[i : i + _CHUNK]
                rows = conn.execute(
                    "SELECT norm, cluster_id, article_id, start, end FROM quotes "
                    f"WHERE pk IN ({','.join('?' * len(chunk))})",
                    chunk,
                )
                for norm, cid, other, s, e in rows:
                    if other == article_id and s < end and start < e:
                        continue
                    score = match(tokens, norm.split())
                    if score > best.get(cid, 0.0):
                        best[cid] = score
        found = []
        for cid, score in best.items():
            (longest,) = conn.execute(
                "SELECT norm FROM quotes WHERE cluster_id = ? ORDER BY length(norm) DESC, pk "
                "LIMIT 1",
                (cid,),
            ).fetchone()
            wording = longest.split()
            fits = match(tokens, wording) > 0.0
            found.append(ClusterMatch(cid, score, fits, len(wording) > len(tokens)))
        matched = clusters_to_join(found)
        if not matched:
            cid = content_hash("cluster", qid)
            conn.execute("INSERT INTO clusters(id) VALUES (?)", (cid,))
            return cid
        if len(matched) == 1:
            return next(iter(matched))
        marks = ",".join("?" * len(matched))
        sizes = conn.execute(
            f"SELECT cluster_id, count(*) FROM quotes WHERE cluster_id IN ({marks}) "
            "GROUP BY cluster_id",
            sorted(matched),
        ).fetchall()
        target = min(sizes, key=lambda row: (-row[1], row[0]))[0]
        others = sorted(matched - {target})
        marks = ",".join("?" * len(others))
        conn.execute(
            f"UPDATE quotes SET cluster_id = ? WHERE cluster_id IN ({marks})", [target, *others]
        )
        conn.execute(f"DELETE FROM clusters WHERE id IN ({marks})", others)
        return str(target)

    # -- queries ------------------------------------------------------------------------------

    def search(
        self,
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
            dense = phrase is not None and count_matches(self.conn, phrase) > RANK_LIMIT
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
            return [SearchHit(*row) for row in self.conn.execute(sql, params)]
        except sqlite3.Error as exc:  # a bug, not a bad query: every value is bound
            raise StoreError(f"search failed: {exc}") from exc

    def trace(self, text: str) -> Trace | None:
        """The cluster of the quote best matching ``text`` (or a quote or cluster id)."""
        clean = clean_text(text).strip()
        row = self.conn.execute(
            "SELECT cluster_id FROM quotes WHERE id = ? UNION ALL "
            "SELECT id FROM clusters WHERE id = ? LIMIT 1",
            (clean, clean),
        ).fetchone()
        if row is not None:
            return load_trace(self.conn, row[0])
        tokens = normalise(clean)
        hits = self.search(clean, limit=20)
        query = fts_any(content_terms(tokens)[:30])
        if query is not None:
            sql = (
                "SELECT q.id, q.text, q.cluster_id FROM quotes_fts f JOIN quotes q "
                "ON q.pk = f.rowid WHERE quotes_fts MATCH ? ORDER BY f.rank LIMIT 200"
            )
            extra = self.conn.execute(sql, (query,)).fetchall()
        else:
            extra = []
        candidates = [(h.text, h.cluster_id) for h in hits] + [(r[1], r[2]) for r in extra]
        for candidate_text, cluster_id in candidates:
            if same_quote(tokens, normalise(candidate_text)):
                return load_trace(self.conn, cluster_id)
        return load_trace(self.conn, hits[0].cluster_id) if hits else None

    def speakers(self) -> list[SpeakerSummary]:
        """Every speaker with its quote and article counts and the names it was written as."""
        aliases: dict[str, list[tuple[str, int]]] = {}
        for sid, name, n in self.conn.execute(
            "SELECT speaker_id, speaker_name, count(*) FROM quotes WHERE speaker_id IS NOT NULL "
            "GROUP BY speaker_id, speaker_name ORDER BY count(*) DESC, speaker_name"
        ):
            aliases.setdefault(sid, []).append((name, n))
        rows = self.conn.execute(
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

    def export(self) -> Iterator[dict[str, Any]]:
        """One dict per quote, with its article, speaker and cluster, in publication order."""
        cur = self.conn.execute(_EXPORT_SQL)
        names = [d[0] for d in cur.description]
        for row in cur:
            item = dict(zip(names, row, strict=True))
            for key in ("content", "cue", "speaker_mention"):
                item[key] = json.loads(item[key]) if item[key] else []
            yield item

    def _quote_spans(self, article_id: str) -> dict[tuple[int, str], list[list[int]]]:
        """The spans of a stored article's quotes, by (quote pk, role), in order."""
        spans: dict[tuple[int, str], list[list[int]]] = {}
        for pk, role, start, end in self.conn.execute(
            "SELECT s.quote_pk, s.role, s.start, s.end FROM quote_spans s JOIN quotes q "
            "ON q.pk = s.quote_pk WHERE q.article_id = ? ORDER BY s.quote_pk, s.role, s.seq",
            (article_id,),
        ):
            spans.setdefault((pk, role), []).append([start, end])
        return spans

    def document(self, article_id: str) -> tuple[Document, dict[str, str]] | None:
        """The stored article as a ``Document`` (without findings: those are the caller's), and
        its quotes' local → store ids; None when it is not stored."""
        conn = self.conn
        row = conn.execute(
            "SELECT id, text, title, author, published, url, outlet, source FROM articles WHERE id = ?",
            (_text(article_id),),
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
        spans = self._quote_spans(row[0])
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

    def article(self, article_id: str) -> dict[str, Any] | None:
        """One stored article with its quotes (spans, speaker, cluster), or None."""
        row = self.conn.execute(
            "SELECT id, title, author, url, outlet, published, source, text FROM articles "
            "WHERE id = ?",
            (_text(article_id),),
        ).fetchone()
        if row is None:
            return None
        keys = ("id", "title", "author", "url", "outlet", "published", "source", "text")
        out: dict[str, Any] = dict(zip(keys, row, strict=True))
        spans = self._quote_spans(out["id"])
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
        ) in self.conn.execute(
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

    def counts(self) -> dict[str, int]:
        """Rows per table (the data tables, then ``runs``)."""
        out = {}
        for table in (*schema.DATA_TABLES, "runs"):
            out[table] = int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        return out

    def check(self) -> list[str]:
        """Consistency problems (empty when the database is consistent)."""
        problems = []
        (integrity,) = self.conn.execute("PRAGMA integrity_check").fetchone()
        if integrity != "ok":
            problems.append(f"integrity_check: {integrity}")
        for table, rowid, parent, _ in self.conn.execute("PRAGMA foreign_key_check"):
            problems.append(f"foreign key: {table} row {rowid} points to a missing {parent}")
        try:
            self.conn.execute(
                "INSERT INTO quotes_fts(quotes_fts, rank) VALUES ('integrity-check', 1)"
            )
        except sqlite3.DatabaseError as exc:
            problems.append(f"full-text index out of step: {exc}")
        for name, sql in schema.CHECKS:
            bad = self.conn.execute(sql).fetchall()
            if bad:
                problems.append(f"{name}: {len(bad)} row(s), e.g. {bad[0]}")
        return problems


def _pairs(values: Any) -> tuple[tuple[int, int], ...]:
    return tuple((int(start), int(end)) for start, end in values)
