"""The store's schema as named migrations, each applied once, in its own transaction.

A migration is a name and a list of statements. ``migrate`` applies those not yet recorded in the
``migrations`` table, in order; a migration and its record commit together, so a process killed
half-way leaves the schema as it was before that migration. New schema changes are new entries at
the end of ``MIGRATIONS``; an applied migration is never edited.

Offsets (``start``/``end``) are integer, half-open character offsets into ``articles.text``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from quotetrace.errors import StoreError


@dataclass(frozen=True)
class Migration:
    name: str
    statements: tuple[str, ...]


_CORE = Migration(
    "0001_core",
    (
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            command TEXT NOT NULL,
            inputs TEXT NOT NULL,
            articles_new INTEGER NOT NULL DEFAULT 0,
            articles_replaced INTEGER NOT NULL DEFAULT 0,
            articles_unchanged INTEGER NOT NULL DEFAULT 0,
            failures INTEGER NOT NULL DEFAULT 0
        )""",
        # id: the input's article id; fingerprint: hash of its content (same content, same row)
        """CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            fingerprint TEXT NOT NULL,
            seq INTEGER NOT NULL,
            title TEXT, author TEXT, url TEXT, outlet TEXT, source TEXT,
            published TEXT,
            published_iso TEXT,
            published_date TEXT,
            text TEXT NOT NULL,
            n_quotes INTEGER NOT NULL,
            n_spans INTEGER NOT NULL,
            n_entities INTEGER NOT NULL,
            n_mentions INTEGER NOT NULL,
            run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL
        )""",
        "CREATE INDEX articles_published ON articles(published_date)",
        "CREATE INDEX articles_outlet ON articles(outlet COLLATE NOCASE)",
        """CREATE TABLE speakers (
            id TEXT PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            surname TEXT NOT NULL,
            initial TEXT NOT NULL,
            is_person INTEGER NOT NULL,
            name TEXT NOT NULL
        )""",
        "CREATE INDEX speakers_surname ON speakers(surname)",
        "CREATE TABLE clusters (id TEXT PRIMARY KEY)",
        """CREATE TABLE quotes (
            pk INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            article_id TEXT NOT NULL REFERENCES articles(id),
            local_id TEXT NOT NULL,
            type TEXT NOT NULL,
            kind TEXT NOT NULL,
            text TEXT NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            speaker_name TEXT,
            speaker_entity TEXT,
            speaker_id TEXT REFERENCES speakers(id),
            addressee_name TEXT,
            parent_id TEXT,
            hedge TEXT,
            occasion TEXT,
            said_on TEXT,
            confidence REAL NOT NULL,
            evidence TEXT NOT NULL,
            cluster_id TEXT NOT NULL REFERENCES clusters(id),
            norm TEXT NOT NULL
        )""",
        "CREATE INDEX quotes_article ON quotes(article_id)",
        "CREATE INDEX quotes_speaker ON quotes(speaker_id)",
        "CREATE INDEX quotes_cluster ON quotes(cluster_id)",
        # role: content, cue, speaker, addressee; seq orders the spans of one role
        """CREATE TABLE quote_spans (
            quote_pk INTEGER NOT NULL REFERENCES quotes(pk),
            role TEXT NOT NULL,
            seq INTEGER NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            PRIMARY KEY (quote_pk, role, seq)
        ) WITHOUT ROWID""",
        """CREATE TABLE entities (
            id TEXT PRIMARY KEY,
            article_id TEXT NOT NULL REFERENCES articles(id),
            local_id TEXT NOT NULL,
            name TEXT NOT NULL,
            label TEXT NOT NULL
        )""",
        "CREATE INDEX entities_article ON entities(article_id)",
        """CREATE TABLE mentions (
            entity_id TEXT NOT NULL REFERENCES entities(id),
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            PRIMARY KEY (entity_id, start, end)
        ) WITHOUT ROWID""",
        """CREATE TABLE failures (
            id TEXT PRIMARY KEY,
            article_id TEXT NOT NULL,
            source TEXT,
            reason TEXT NOT NULL,
            first_run INTEGER REFERENCES runs(id) ON DELETE SET NULL,
            last_run INTEGER REFERENCES runs(id) ON DELETE SET NULL,
            seen INTEGER NOT NULL DEFAULT 1
        )""",
    ),
)

# External-content FTS5 index on quote text, kept in step by triggers.
_FULLTEXT = Migration(
    "0002_quote_fulltext",
    (
        """CREATE VIRTUAL TABLE quotes_fts USING fts5(
            text, content='quotes', content_rowid='pk',
            tokenize='porter unicode61 remove_diacritics 2'
        )""",
        """CREATE TRIGGER quotes_fts_insert AFTER INSERT ON quotes BEGIN
            INSERT INTO quotes_fts(rowid, text) VALUES (new.pk, new.text);
        END""",
        """CREATE TRIGGER quotes_fts_delete AFTER DELETE ON quotes BEGIN
            INSERT INTO quotes_fts(quotes_fts, rowid, text) VALUES ('delete', old.pk, old.text);
        END""",
        """CREATE TRIGGER quotes_fts_update AFTER UPDATE OF text ON quotes BEGIN
            INSERT INTO quotes_fts(quotes_fts, rowid, text) VALUES ('delete', old.pk, old.text);
            INSERT INTO quotes_fts(rowid, text) VALUES (new.pk, new.text);
        END""",
        "INSERT INTO quotes_fts(quotes_fts) VALUES ('rebuild')",
    ),
)

# Normalised content terms of each quote: candidates for partial quotes (see cluster.py).
_CLUSTER_TERMS = Migration(
    "0003_cluster_terms",
    (
        """CREATE TABLE quote_terms (
            term TEXT NOT NULL,
            quote_pk INTEGER NOT NULL REFERENCES quotes(pk),
            anchor INTEGER NOT NULL,
            PRIMARY KEY (term, quote_pk)
        ) WITHOUT ROWID""",
        "CREATE INDEX quote_terms_quote ON quote_terms(quote_pk)",
        "CREATE INDEX quote_terms_anchor ON quote_terms(term) WHERE anchor = 1",
    ),
)

# Pages and feeds fetched from the web (quotetrace.fetch): the URL asked for, where it ended up,
# the validators for conditional requests and the article it became.
_FETCHED = Migration(
    "0004_fetched_pages",
    (
        """CREATE TABLE fetched_pages (
            url TEXT PRIMARY KEY,
            final_url TEXT NOT NULL,
            article_id TEXT,
            etag TEXT,
            last_modified TEXT,
            content_hash TEXT,
            fetched_at TEXT NOT NULL,
            checked_at TEXT NOT NULL
        )""",
        "CREATE INDEX fetched_pages_article ON fetched_pages(article_id)",
    ),
)

# Nested quotes by their parent: whom a speaker quotes, and who quotes them (store/profiles.py).
_PARENT_INDEX = Migration(
    "0005_quote_parent_index",
    ("CREATE INDEX quotes_parent ON quotes(parent_id) WHERE parent_id IS NOT NULL",),
)

MIGRATIONS: tuple[Migration, ...] = (_CORE, _FULLTEXT, _CLUSTER_TERMS, _FETCHED, _PARENT_INDEX)

# Tables whose rows are the store's data (``runs`` and ``migrations`` are logs).
DATA_TABLES = (
    "articles",
    "quotes",
    "quote_spans",
    "quote_terms",
    "entities",
    "mentions",
    "speakers",
    "clusters",
    "failures",
)


# Invariants of a consistent store: each query returns the rows that break one.
CHECKS: tuple[tuple[str, str], ...] = (
    (
        "article quote count",
        "SELECT id FROM articles a WHERE n_quotes != (SELECT count(*) FROM quotes WHERE article_id = a.id)",
    ),
    (
        "article span count",
        "SELECT id FROM articles a WHERE n_spans != (SELECT count(*) FROM quote_spans s "
        "JOIN quotes q ON q.pk = s.quote_pk WHERE q.article_id = a.id)",
    ),
    (
        "article entity count",
        "SELECT id FROM articles a WHERE n_entities != "
        "(SELECT count(*) FROM entities WHERE article_id = a.id)",
    ),
    (
        "article mention count",
        "SELECT id FROM articles a WHERE n_mentions != (SELECT count(*) FROM mentions m "
        "JOIN entities e ON e.id = m.entity_id WHERE e.article_id = a.id)",
    ),
    (
        "span outside its article",
        "SELECT s.quote_pk, s.role, s.start, s.end FROM quote_spans s "
        "JOIN quotes q ON q.pk = s.quote_pk JOIN articles a ON a.id = q.article_id "
        "WHERE s.start < 0 OR s.end < s.start OR s.end > length(a.text)",
    ),
    (
        "quote without terms",
        "SELECT pk FROM quotes q WHERE norm != '' AND NOT EXISTS "
        "(SELECT 1 FROM quote_terms WHERE quote_pk = q.pk)",
    ),
    (
        "speaker without quotes",
        "SELECT id FROM speakers s WHERE NOT EXISTS (SELECT 1 FROM quotes WHERE speaker_id = s.id)",
    ),
    (
        "cluster without quotes",
        "SELECT id FROM clusters c WHERE NOT EXISTS (SELECT 1 FROM quotes WHERE cluster_id = c.id)",
    ),
)


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def applied(conn: sqlite3.Connection) -> list[str]:
    """Names of the migrations applied to this database, in order."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    return [row[0] for row in conn.execute("SELECT name FROM migrations ORDER BY rowid")]


def migrate(conn: sqlite3.Connection, migrations: tuple[Migration, ...] = MIGRATIONS) -> list[str]:
    """Apply the pending migrations; returns the names applied now. Needs autocommit mode."""
    known = {m.name for m in migrations}
    unknown = [name for name in applied(conn) if name not in known]
    if unknown:
        raise StoreError(f"database has migrations this version does not know: {unknown}")
    done: list[str] = []
    present_before = set(applied(conn))
    for migration in migrations:
        if migration.name in present_before:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            present = conn.execute(
                "SELECT 1 FROM migrations WHERE name = ?", (migration.name,)
            ).fetchone()
            if present is None:
                for statement in migration.statements:
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO migrations(name, applied_at) VALUES (?, ?)",
                    (migration.name, utc_now()),
                )
                done.append(migration.name)
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            conn.execute("ROLLBACK")
            raise StoreError(f"migration {migration.name} failed: {exc}") from exc
    return done
