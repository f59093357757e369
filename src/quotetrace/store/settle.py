"""Speakers and clusters as a function of the stored quotes alone, not of the order they came in.

Filing quotes one at a time is order-dependent: a surname-only speaker ("Party") attaches to the
one full name with that surname only if that name was stored first, and a new quote joins or
merges the clusters that exist when it arrives. ``settle`` recomputes both over the whole store in
a fixed order (publication date, article id, position, quote id), so ingesting the same articles
in any order, in one run or several, on one machine or several, gives the same speakers and the
same clusters. ``quotetrace ingest`` settles once at the end of a run; its cost grows with the
store (about a second per 10,000 quotes for speakers, plus the clustering pass).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict

from quotetrace.model import content_hash
from quotetrace.store.cluster import (
    MIN_TOKENS,
    ClusterMatch,
    NearDuplicateIndex,
    clusters_to_join,
    match,
    term_candidates,
)
from quotetrace.store.speakers import SpeakerKey, name_weight, speaker_key


def settle_speakers(conn: sqlite3.Connection) -> None:
    """Re-file every quote's speaker: a surname-only name goes to the one person of that surname
    when the store holds exactly one; a speaker's name is its fullest spelling (ties: the
    alphabetically last), whatever the order of ingest."""
    labels: dict[tuple[str, str], str] = {}
    for article, local, label in conn.execute(
        "SELECT article_id, local_id, label FROM entities ORDER BY rowid"
    ):
        labels.setdefault((article, local), label)
    keys: dict[int, SpeakerKey] = {}
    for pk, article, name, entity in conn.execute(
        "SELECT pk, article_id, speaker_name, speaker_entity FROM quotes "
        "WHERE speaker_name IS NOT NULL"
    ):
        key = speaker_key(name, label=labels.get((article, entity or "")))
        if key is not None:
            keys[pk] = key
    named: dict[str, dict[str, SpeakerKey]] = defaultdict(dict)
    for key in keys.values():
        if key.is_person and key.initial:
            named[key.surname].setdefault(key.key, key)
    final: dict[int, SpeakerKey] = {}
    for pk, key in keys.items():
        if key.is_person and not key.initial and len(named.get(key.surname, {})) == 1:
            final[pk] = next(iter(named[key.surname].values()))
        else:
            final[pk] = key
    rows: dict[str, tuple[SpeakerKey, str]] = {}
    for pk, key in final.items():
        display = keys[pk].display
        best = rows.get(key.key)
        if best is None or (name_weight(display), display) > (name_weight(best[1]), best[1]):
            rows[key.key] = (key, display)
    conn.execute("UPDATE quotes SET speaker_id = NULL")
    conn.execute("DELETE FROM speakers")
    conn.executemany(
        "INSERT INTO speakers(id, key, surname, initial, is_person, name) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (content_hash("speaker", k), k, key.surname, key.initial, int(key.is_person), display)
            for k, (key, display) in sorted(rows.items())
        ],
    )
    conn.executemany(
        "UPDATE quotes SET speaker_id = ? WHERE pk = ?",
        [(content_hash("speaker", key.key), pk) for pk, key in sorted(final.items())],
    )


def settle_clusters(conn: sqlite3.Connection) -> None:
    """Re-cluster every quote in the fixed order with the same rules as filing one at a time
    (candidates from MinHash LSH and rare terms, verified by ``match``; a quote joins the
    clusters whose longest wording it fits, and several are merged into the largest)."""
    rows = conn.execute(
        "SELECT q.pk, q.id, q.article_id, q.start, q.end, q.norm FROM quotes q "
        "JOIN articles a ON a.id = q.article_id "
        "ORDER BY a.published_iso IS NULL, a.published_iso, q.article_id, q.start, q.end, q.id"
    ).fetchall()
    index = NearDuplicateIndex()
    place: dict[int, tuple[str, int, int, tuple[str, ...], int]] = {}
    cluster_of: dict[int, str] = {}
    members: dict[str, list[int]] = {}
    longest: dict[str, int] = {}  # cluster -> pk of its longest wording (first placed on a tie)
    for position, (pk, qid, article, start, end, norm) in enumerate(rows):
        tokens = tuple(norm.split())
        best: dict[str, float] = {}
        if len(tokens) >= MIN_TOKENS:
            candidates = index.query(tokens) | term_candidates(conn, tokens)
            for other in sorted(c for c in candidates if c in cluster_of):
                o_article, o_start, o_end, o_tokens, _ = place[other]
                if o_article == article and o_start < end and start < o_end:
                    continue  # another layer of the same text, not a repetition
                score = match(tokens, o_tokens)
                cid = cluster_of[other]
                if score > best.get(cid, 0.0):
                    best[cid] = score
        found = []
        for cid, score in sorted(best.items()):
            wording = place[longest[cid]][3]
            fits = match(tokens, wording) > 0.0
            found.append(ClusterMatch(cid, score, fits, len(wording) > len(tokens)))
        matched = clusters_to_join(found)
        if not matched:
            target = content_hash("cluster", qid)
            members[target] = []
        else:
            target = min(matched, key=lambda c: (-len(members[c]), c))
            for other_cid in sorted(matched - {target}):
                for moved in members.pop(other_cid):
                    cluster_of[moved] = target
                    members[target].append(moved)
                if _longer(place, longest[other_cid], longest[target]):
                    longest[target] = longest[other_cid]
                del longest[other_cid]
        place[pk] = (article, start, end, tokens, position)
        cluster_of[pk] = target
        members[target].append(pk)
        if target not in longest or _longer(place, pk, longest[target]):
            longest[target] = pk
        index.add(pk, tokens)
    conn.executemany(
        "INSERT OR IGNORE INTO clusters(id) VALUES (?)", [(c,) for c in sorted(members)]
    )
    conn.executemany(
        "UPDATE quotes SET cluster_id = ? WHERE pk = ?",
        [(cid, pk) for pk, cid in sorted(cluster_of.items())],
    )
    conn.execute(
        "DELETE FROM clusters WHERE NOT EXISTS (SELECT 1 FROM quotes WHERE cluster_id = clusters.id)"
    )


def _longer(place: dict[int, tuple[str, int, int, tuple[str, ...], int]], a: int, b: int) -> bool:
    """Is quote ``a``'s wording the longer one (characters; the earlier placed on a tie)?"""
    length_a = len(" ".join(place[a][3]))
    length_b = len(" ".join(place[b][3]))
    return (length_a, -place[a][4]) > (length_b, -place[b][4])


def settle(conn: sqlite3.Connection) -> None:
    settle_speakers(conn)
    settle_clusters(conn)
