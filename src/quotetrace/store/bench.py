"""A generated store for timing search (``quotetrace bench-search``): made-up quotes with a Zipf
vocabulary, and the time of each kind of query on it."""

from __future__ import annotations

import datetime
import itertools
import math
import os
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from quotetrace import lexicon
from quotetrace.store.files import open_existing


@dataclass(frozen=True)
class BenchStore:
    quotes: int
    articles: int
    seconds: float
    megabytes: float


_BENCH_STOPWORDS = list(lexicon.entries("frequent_words"))


def _bench_words(rng: random.Random, size: int) -> list[str]:
    """Pronounceable made-up words: a Zipf-ranked vocabulary after the stopwords."""
    consonants, vowels = "bcdfghjklmnprstvwz", "aeiou"
    words: dict[str, None] = {}
    while len(words) < size:
        syllables = rng.randint(1, 4)
        words["".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(syllables))] = None
    return _BENCH_STOPWORDS + list(words)


def generate_store(path: str, n: int, *, seed: int = 1, per_article: int = 10) -> BenchStore:
    """A store of ``n`` generated quotes (Zipf-distributed made-up words, 2,000 speakers,
    25 outlets, three years of dates), written with executemany in one transaction. The quotes
    are not clustered against each other: the store is for timing search."""
    from quotetrace.model import content_hash
    from quotetrace.store import Store

    started = time.perf_counter()
    rng = random.Random(seed)
    words = _bench_words(rng, 20_000)
    cum = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(words))))
    outlets = [f"Outlet {name.title()}" for name in words[60:85]]
    names = [
        (w1.title(), w2.title()) for w1, w2 in zip(words[100:2100], words[2100:4100], strict=True)
    ]
    speakers = [
        (
            content_hash("speaker", f"p:{last.lower()}:{first[0].lower()}"),
            f"p:{last.lower()}:{first[0].lower()}",
            last.lower(),
            first[0].lower(),
            1,
            f"{first} {last}",
        )
        for first, last in names
    ]
    kinds = ["speech"] * 7 + ["writing"] * 2 + ["thought"]
    store = Store.open(path)
    conn = store.conn
    conn.execute("PRAGMA cache_size = -262144")  # 256 MB: the random-key indexes stay in memory
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT OR IGNORE INTO speakers(id, key, surname, initial, is_person, name) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        speakers,
    )
    made = 0
    article_no = 0
    while made < n:
        articles, quotes, spans, clusters = [], [], [], []
        for _ in range(1000):
            if made >= n:
                break
            article_no += 1
            aid = f"bench-{article_no}"
            day = 1 + rng.randrange(3 * 365)
            date = (datetime.date(2019, 1, 1) + datetime.timedelta(days=day)).isoformat()
            pieces, offset = [], 0
            for local in range(1, min(per_article, n - made) + 1):
                made += 1
                tokens = rng.choices(words, cum_weights=cum, k=rng.randint(6, 30))
                text = " ".join(tokens).capitalize()
                qid = content_hash("bench-quote", aid, str(local))
                speaker = speakers[rng.randrange(len(speakers))]
                quotes.append(
                    (
                        made,
                        qid,
                        aid,
                        f"q{local}",
                        "direct",
                        rng.choice(kinds),
                        text,
                        offset,
                        offset + len(text),
                        speaker[5],
                        None,
                        speaker[0],
                        None,
                        None,
                        None,
                        None,
                        None,
                        0.9,
                        "bench",
                        qid,
                        "",
                    )
                )
                spans.append((made, "content", 0, offset, offset + len(text)))
                clusters.append((qid,))
                pieces.append(text)
                offset += len(text) + 2
            body = "\n\n".join(pieces)
            articles.append(
                (
                    aid,
                    content_hash(body),
                    article_no,
                    f"Article {article_no}",
                    None,
                    f"https://example.org/{article_no}",
                    rng.choice(outlets),
                    "bench",
                    date,
                    date,
                    date,
                    body,
                    len(pieces),
                    len(pieces),
                    0,
                    0,
                    None,
                )
            )
        conn.executemany(
            "INSERT INTO articles(id, fingerprint, seq, title, author, url, outlet, source, "
            "published, published_iso, published_date, text, n_quotes, n_spans, n_entities, "
            "n_mentions, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            articles,
        )
        conn.executemany("INSERT INTO clusters(id) VALUES (?)", clusters)
        conn.executemany(
            "INSERT INTO quotes(pk, id, article_id, local_id, type, kind, text, start, end, "
            "speaker_name, speaker_entity, speaker_id, addressee_name, parent_id, hedge, "
            "occasion, said_on, confidence, evidence, cluster_id, norm) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            quotes,
        )
        conn.executemany(
            "INSERT INTO quote_spans(quote_pk, role, seq, start, end) VALUES (?, ?, ?, ?, ?)",
            spans,
        )
    conn.execute(
        "DELETE FROM speakers WHERE id NOT IN "
        "(SELECT speaker_id FROM quotes WHERE speaker_id IS NOT NULL)"
    )
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    size = os.path.getsize(path) / 1e6
    return BenchStore(made, article_no, time.perf_counter() - started, size)


def _bench_queries(path: str, count: int, seed: int) -> list[tuple[str, dict[str, Any]]]:
    """(category, search keyword arguments) for ``count`` queries drawn from the store."""
    from quotetrace.store.search import HOSTILE_QUERIES

    rng = random.Random(seed + 1)
    with open_existing(path) as store:
        top = store.conn.execute("SELECT max(pk) FROM quotes").fetchone()[0] or 0
        pks = [rng.randint(1, top) for _ in range(count)] if top else []
        texts = [
            r[0]
            for pk in pks
            for r in store.conn.execute("SELECT text FROM quotes WHERE pk = ?", (pk,))
        ]
        speakers = [r[0] for r in store.conn.execute("SELECT name FROM speakers LIMIT 500")]
        outlets = [
            r[0] for r in store.conn.execute("SELECT DISTINCT outlet FROM articles LIMIT 50")
        ]
    queries: list[tuple[str, dict[str, Any]]] = []
    for i, text in enumerate(texts):
        tokens = text.lower().split()
        start = rng.randrange(max(1, len(tokens) - 3))
        kind = i % 5
        if kind == 0:
            queries.append(("one word", {"text": rng.choice(tokens)}))
        elif kind == 1:
            queries.append(("phrase", {"text": " ".join(tokens[start : start + 3])}))
        elif kind == 2:
            phrase = " ".join(tokens[start : start + 2])
            queries.append(("phrase + speaker", {"text": phrase, "speaker": rng.choice(speakers)}))
        elif kind == 3:
            queries.append(
                (
                    "word + outlet, dates, kind",
                    {
                        "text": rng.choice(tokens),
                        "outlet": rng.choice(outlets) if outlets else None,
                        "since": "2020-01-01",
                        "until": "2020-12-31",
                        "kinds": ("speech", "writing"),
                    },
                )
            )
        else:
            queries.append(
                (
                    "phrase, newest first",
                    {"text": " ".join(tokens[start : start + 2]), "sort": "newest"},
                )
            )
    queries += [("hostile", {"text": q}) for q in HOSTILE_QUERIES]
    return queries


def time_queries(path: str, count: int, *, seed: int = 1) -> dict[str, list[float]]:
    """Seconds per query, by category (and "all"), each query run once on a warm store."""
    queries = _bench_queries(path, count, seed)
    timings: dict[str, list[float]] = {"all": []}
    with open_existing(path) as store:
        store.search("warm up", limit=20)
        for category, kwargs in queries:
            started = time.perf_counter()
            store.search(**kwargs, limit=20)
            elapsed = time.perf_counter() - started
            timings.setdefault(category, []).append(elapsed)
            timings["all"].append(elapsed)
    return timings


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def format_timings(built: BenchStore, timings: dict[str, list[float]]) -> str:
    lines = [
        f"store: {built.quotes} quotes, {built.articles} articles, {built.megabytes:.0f} MB "
        f"(generated in {built.seconds:.1f} s)",
        f"{'queries':<28} {'n':>5} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9}",
    ]
    for category, values in sorted(timings.items(), key=lambda kv: (kv[0] != "all", kv[0])):
        lines.append(
            f"{category:<28} {len(values):>5} {1000 * _percentile(values, 0.5):>9.2f} "
            f"{1000 * _percentile(values, 0.95):>9.2f} {1000 * max(values):>9.2f}"
        )
    return "\n".join(lines)
