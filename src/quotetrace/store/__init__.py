"""The quote store: every quote of every article in one SQLite database (WAL mode).

``Store.open(path)`` creates or migrates the database (schema.py). ``ingest_document`` writes one
extracted article in one transaction: a process killed at any moment leaves either the old article
or the new one, never half of it. Ids come from content hashes: the same article again changes
nothing, a changed article (same id, new fingerprint) replaces its old rows. While it writes, each
quote gets its cross-article speaker (speakers.py) and cluster (cluster.py).

The modules: connection.py (``Store``: the connection and its transactions), write.py (runs,
failures, articles), read.py (search, trace, speakers, export, articles back), values.py (how
values are stored), speakers.py and cluster.py (filing speakers and clusters), settle.py (both
again in a fixed order), schema.py (tables and migrations), search.py (queries), profiles.py (a
speaker's and a quote's pages), warc.py (WARC input). This module only re-exports.
"""

from quotetrace.store.cluster import Appearance, Trace
from quotetrace.store.connection import Store
from quotetrace.store.read import SpeakerSummary
from quotetrace.store.search import SearchHit
from quotetrace.store.values import published_keys, sqlite_text, stored_quote_ids
from quotetrace.store.write import IngestOutcome

__all__ = [
    "Appearance",
    "IngestOutcome",
    "SearchHit",
    "SpeakerSummary",
    "Store",
    "Trace",
    "published_keys",
    "sqlite_text",
    "stored_quote_ids",
]
