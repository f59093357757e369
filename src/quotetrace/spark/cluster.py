"""``quotetrace spark cluster``: the store's quote clusters, computed in Spark over the quotes
dataset of ``spark extract``.

1. Features per quote (``mapInArrow``): the store's normalised tokens, content and anchor terms, and
   MinHash band keys with the store's LSH settings (datasketch, the same permutations, threshold and
   band split as the store's in-memory index).
2. Candidate pairs, as the store finds them, by shuffles: quotes sharing a band key (LSH); for a
   quote, the short quotes one of whose anchor terms it contains, and the quotes holding two of its
   three rarest content terms (one-way lookups, as in the store; term counts over the whole
   dataset, where the store counts the quotes stored so far). A key held by more than
   ``MAX_BUCKET`` quotes links its members in a chain instead of every pair.
3. Every candidate verified with the store's own ``match`` (quotes overlapping in one article are
   never a pair); connected components of the verified pairs by label propagation.
4. Within each component, quotes are clustered in publication order (ties as the job read them,
   ``rows.input_order``, the order ``load`` fills the store in) exactly as the store clusters them (``clusters_to_join``: a quote joins a cluster only if it matches its longest
   wording too), with the store's cluster ids.
5. One row per cluster: first appearance, later ones, variants, speakers, and a flag when the same
   quote is credited to different speakers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from quotetrace.store.cluster import LSH_THRESHOLD, MAX_CANDIDATES, MIN_TOKENS, NUM_PERM

MAX_BUCKET = MAX_CANDIDATES

FEATURES = pa.schema(
    [
        ("quote_id", pa.string()),
        ("tokens", pa.list_(pa.string())),
        ("terms", pa.list_(pa.string())),
        ("anchors", pa.list_(pa.string())),
        ("bands", pa.list_(pa.int64())),
    ]
)
EDGES = pa.schema([("a", pa.string()), ("b", pa.string())])
ASSIGNED = pa.schema([("quote_id", pa.string()), ("cluster_id", pa.string())])
_COUNTED = pa.list_(pa.struct([("text", pa.string()), ("count", pa.int32())]))
_SPEAKERS = pa.list_(pa.struct([("name", pa.string()), ("count", pa.int32())]))
CLUSTERS = pa.schema(
    [
        ("cluster_id", pa.string()),
        ("size", pa.int32()),
        ("articles", pa.int32()),
        ("first_quote_id", pa.string()),
        ("first_article_id", pa.string()),
        ("first_published", pa.string()),
        ("first_outlet", pa.string()),
        ("first_url", pa.string()),
        ("first_text", pa.string()),
        ("first_speaker", pa.string()),
        ("quote_ids", pa.list_(pa.string())),  # every appearance, in time order (undated last)
        ("variants", _COUNTED),
        ("speakers", _SPEAKERS),
        ("conflicting_speakers", pa.bool_()),
    ]
)


# --- in the Python workers ----------------------------------------------------------------------


_lsh: list[tuple[int, int, Any, Any]] = []


def _bands() -> tuple[int, int, Any, Any]:
    """(bands, rows per band, permutations, scheme) of the store's LSH index."""
    if not _lsh:
        from datasketch import MinHash, MinHashLSH

        index = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        template = MinHash(num_perm=NUM_PERM)
        _lsh.append((index.b, index.r, template.permutations, template.scheme))
    return _lsh[0]


def _key(band: int, values: Any) -> int:
    digest = hashlib.blake2b(band.to_bytes(2, "little") + values.tobytes(), digest_size=8)
    return int.from_bytes(digest.digest(), "little", signed=True)


def band_keys(tokens: Iterable[str]) -> list[int]:
    """The LSH bucket keys of a token set: two quotes share one exactly when the store's index
    would return one for the other."""
    from datasketch import MinHash

    unique = sorted(set(tokens))
    if not unique:
        return []
    b, r, permutations, scheme = _bands()
    minhash = MinHash(num_perm=NUM_PERM, permutations=permutations, scheme=scheme)
    minhash.update_batch([t.encode("utf-8") for t in unique])
    values = minhash.hashvalues
    return [_key(i, values[i * r : (i + 1) * r]) for i in range(b)]


def features(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    from quotetrace.store.cluster import anchor_terms, content_terms, normalise
    from quotetrace.store.values import sqlite_text

    for batch in batches:
        out = []
        for qid, text in zip(
            batch.column("quote_id").to_pylist(), batch.column("text").to_pylist(), strict=True
        ):
            tokens = normalise(sqlite_text(text) or "")
            usable = len(tokens) >= MIN_TOKENS
            out.append(
                {
                    "quote_id": qid,
                    "tokens": list(tokens),
                    "terms": content_terms(tokens) if tokens else [],
                    "anchors": anchor_terms(tokens) if tokens else [],
                    "bands": band_keys(tokens) if usable else [],
                }
            )
        yield pa.RecordBatch.from_pylist(out, schema=FEATURES)


def verify(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Candidate pairs (a, b) whose ``match(a, b)`` the store accepts (a new quote a, a stored
    b)."""
    from quotetrace.store.cluster import match

    for batch in batches:
        cols = {name: batch.column(name).to_pylist() for name in batch.schema.names}
        keep = [
            {"a": a, "b": b}
            for a, b, ta, tb in zip(cols["a"], cols["b"], cols["ta"], cols["tb"], strict=True)
            if match(ta, tb) > 0.0
        ]
        yield pa.RecordBatch.from_pylist(keep, schema=EDGES)


def cluster_id_of(quote_id: str) -> str:
    """The store's id for a cluster first made by this quote."""
    from quotetrace.model import content_hash

    return content_hash("cluster", quote_id)


def refine(table: pa.Table) -> pa.Table:
    """One component's quotes, clustered in time order as the store clusters them on ingest."""
    from quotetrace.spark.rows import input_order
    from quotetrace.store.cluster import ClusterMatch, clusters_to_join, match

    quotes = sorted(table.to_pylist(), key=lambda q: (*input_order(q), q["index"]))
    cluster_of: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    tokens = {q["quote_id"]: tuple(q["tokens"]) for q in quotes}
    pk = {q["quote_id"]: i for i, q in enumerate(quotes)}  # the store's insertion order

    def longest(cid: str) -> tuple[str, ...]:
        return tokens[min(members[cid], key=lambda m: (-len(" ".join(tokens[m])), pk[m]))]

    for quote in quotes:
        qid, mine = quote["quote_id"], tokens[quote["quote_id"]]
        best: dict[str, float] = {}
        for other in quote["neighbours"] or ():
            if other in cluster_of:
                score = match(mine, tokens[other])
                cid = cluster_of[other]
                if score > best.get(cid, 0.0):
                    best[cid] = score
        found = []
        for cid, score in best.items():
            wording = longest(cid)
            found.append(
                ClusterMatch(cid, score, match(mine, wording) > 0.0, len(wording) > len(mine))
            )
        joined = clusters_to_join(found)
        if not joined:
            target = cluster_id_of(qid)
            members[target] = []
        else:
            target = min(joined, key=lambda c: (-len(members[c]), c))
            for other in sorted(joined - {target}):
                for member in members.pop(other):
                    cluster_of[member] = target
                    members[target].append(member)
        cluster_of[qid] = target
        members[target].append(qid)
    rows = [{"quote_id": q, "cluster_id": c} for q, c in cluster_of.items()]
    return pa.Table.from_pylist(rows, schema=ASSIGNED)


def summarise(table: pa.Table) -> pa.Table:
    """One cluster's row of ``CLUSTERS`` from its quotes."""
    from quotetrace.spark.rows import input_order
    from quotetrace.store.cluster import variant_counts
    from quotetrace.store.speakers import speaker_key

    quotes = sorted(table.to_pylist(), key=lambda q: (*input_order(q), q["index"]))
    first = quotes[0]
    names: dict[str, tuple[str, int]] = {}
    for quote in quotes:
        key = speaker_key(quote["speaker_name"]) if quote["speaker_name"] else None
        if key is not None:
            shown, n = names.get(key.key, (key.display, 0))
            names[key.key] = (shown, n + 1)
    speakers = sorted(names.values(), key=lambda s: (-s[1], s[0]))
    row = {
        "cluster_id": first["cluster_id"],
        "size": len(quotes),
        "articles": len({q["article_id"] for q in quotes}),
        "first_quote_id": first["quote_id"],
        "first_article_id": first["article_id"],
        "first_published": first["published"],
        "first_outlet": first["outlet"],
        "first_url": first["url"],
        "first_text": first["text"],
        "first_speaker": first["speaker_name"],
        "quote_ids": [q["quote_id"] for q in quotes],
        "variants": [{"text": t, "count": n} for t, n in variant_counts(q["text"] for q in quotes)],
        "speakers": [{"name": s, "count": n} for s, n in speakers],
        "conflicting_speakers": len(speakers) > 1,
    }
    return pa.Table.from_pylist([row], schema=CLUSTERS)


# --- in the driver ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClusterSummary:
    quotes: int
    candidate_pairs: int
    verified_pairs: int
    clusters: int
    multi: int  # clusters of two quotes or more
    conflicting: int


def _pairs_from_keys(keyed: Any, key: str, F: Any) -> Any:
    """Pairs (a < b) of quotes sharing ``key``; a key of more than MAX_BUCKET quotes links them
    in a chain (each to the next) instead of every pair."""
    from pyspark.sql import Window

    sized = keyed.withColumn("n", F.count("*").over(Window.partitionBy(key)))
    small = sized.where(F.col("n") <= MAX_BUCKET)
    pairs = (
        small.alias("x")
        .join(small.alias("y"), F.col(f"x.{key}") == F.col(f"y.{key}"))
        .where(F.col("x.quote_id") < F.col("y.quote_id"))
        .select(F.col("x.quote_id").alias("a"), F.col("y.quote_id").alias("b"))
    )
    big = sized.where(F.col("n") > MAX_BUCKET).withColumn(
        "next", F.lead("quote_id").over(Window.partitionBy(key).orderBy("quote_id"))
    )
    chain = big.where(F.col("next").isNotNull()).select(
        F.col("quote_id").alias("a"), F.col("next").alias("b")
    )
    return pairs.unionByName(chain)


def _components(spark: Any, edges: Any, F: Any, max_rounds: int = 50) -> Any:
    """(quote_id, component) for every quote in a verified pair: the smallest id reachable."""
    both = edges.select("a", "b").unionByName(
        edges.select(F.col("b").alias("a"), F.col("a").alias("b"))
    )
    both = both.localCheckpoint()
    labels = (
        both.select(F.col("a").alias("quote_id"))
        .distinct()
        .withColumn("component", F.col("quote_id"))
    )
    labels = labels.localCheckpoint()
    for _ in range(max_rounds):
        proposed = both.join(labels, both.b == labels.quote_id).select(
            F.col("a").alias("quote_id"), F.col("component").alias("offer")
        )
        updated = (
            labels.join(proposed, "quote_id", "left")
            .groupBy("quote_id")
            .agg(
                F.least(F.min("component"), F.coalesce(F.min("offer"), F.min("component"))).alias(
                    "component"
                )
            )
            .localCheckpoint()
        )
        changed = (
            updated.alias("u")
            .join(labels.alias("l"), "quote_id")
            .where(F.col("u.component") != F.col("l.component"))
            .count()
        )
        labels = updated
        if changed == 0:
            break
    return labels


def run_cluster(spark: Any, folder: str) -> ClusterSummary:
    """Cluster the quotes of ``folder``/quotes; write ``folder``/clusters (one row per cluster)
    and ``folder``/quote_clusters (quote_id, cluster_id)."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    base = folder.rstrip("/")
    quotes = spark.read.parquet(base + "/quotes").select(
        "quote_id", "article_id", "index", "text", "content", F.col("speaker.name").alias("speaker_name"),
        "published", "published_date", "outlet", "url", "input_file", "input_record",
    )  # fmt: skip
    quotes = quotes.withColumn(
        "start", F.expr("aggregate(content, 2147483647, (m, s) -> least(m, s[0]))")
    )
    quotes = quotes.withColumn("end", F.expr("aggregate(content, 0, (m, s) -> greatest(m, s[1]))"))
    quotes = quotes.persist(StorageLevel.MEMORY_AND_DISK)
    feats = quotes.select("quote_id", "text").mapInArrow(features, from_arrow_schema(FEATURES))
    feats = feats.persist(StorageLevel.MEMORY_AND_DISK)
    usable = feats.where(F.size("tokens") >= MIN_TOKENS)

    by_band = usable.select("quote_id", F.explode("bands").alias("band"))
    lsh_pairs = _pairs_from_keys(by_band, "band", F)

    term_rows = usable.select("quote_id", F.explode("terms").alias("term"))
    df = term_rows.groupBy("term").agg(F.count("*").alias("df"))
    rare_terms = df.where(F.col("df") <= MAX_CANDIDATES)
    holders = term_rows.join(rare_terms, "term")
    # a quote's three rarest terms: another quote holding two of them (one, if it has one) is a
    # candidate (the store's term lookup, both ways round)
    from pyspark.sql import Window

    ranked = holders.withColumn(
        "rank", F.row_number().over(Window.partitionBy("quote_id").orderBy("df", "term"))
    ).where(F.col("rank") <= 3)
    need = ranked.groupBy("quote_id").agg(F.least(F.count("*"), F.lit(2)).alias("need"))
    shared = (
        ranked.select(F.col("quote_id").alias("a"), "term")
        .join(holders.select(F.col("quote_id").alias("b"), "term"), "term")
        .where(F.col("a") != F.col("b"))
        .groupBy("a", "b")
        .agg(F.count("*").alias("shared"))
        .join(need.withColumnRenamed("quote_id", "a"), "a")
        .where(F.col("shared") >= F.col("need"))
        .select("a", "b")
    )
    # a short quote b whose anchor term quote a holds is a candidate for a
    anchored = (
        usable.select(F.col("quote_id").alias("b"), F.explode("anchors").alias("term"))
        .join(holders.select(F.col("quote_id").alias("a"), "term"), "term")
        .where(F.col("a") != F.col("b"))
        .select("a", "b")
    )
    # (a, b): b is a candidate for a, as the store looks candidates up for a new quote a; the
    # term lookups are one-way, as in the store, LSH both ways
    lsh_both = lsh_pairs.unionByName(lsh_pairs.select(F.col("b").alias("a"), F.col("a").alias("b")))
    candidates = lsh_both.unionByName(shared).unionByName(anchored).distinct()
    candidates = candidates.persist(StorageLevel.MEMORY_AND_DISK)

    place = quotes.select("quote_id", "article_id", "start", "end")
    toks = feats.select("quote_id", "tokens")
    joined = (
        candidates.join(place.toDF("a", "art_a", "s_a", "e_a"), "a")
        .join(place.toDF("b", "art_b", "s_b", "e_b"), "b")
        .where(
            ~(
                (F.col("art_a") == F.col("art_b"))
                & (F.col("s_a") < F.col("e_b"))
                & (F.col("s_b") < F.col("e_a"))
            )
        )
        .join(toks.toDF("a", "ta"), "a")
        .join(toks.toDF("b", "tb"), "b")
        .select("a", "b", "ta", "tb")
    )
    edges = joined.mapInArrow(verify, from_arrow_schema(EDGES)).persist(
        StorageLevel.MEMORY_AND_DISK
    )
    labels = _components(spark, edges, F)

    # each quote's verified candidates; refine uses those already clustered before it, as the
    # store does on ingest
    neighbours = edges.groupBy(F.col("a").alias("quote_id")).agg(
        F.collect_list("b").alias("neighbours")
    )
    linked = (
        quotes.select(
            "quote_id", "article_id", "index", "published_date", "input_file", "input_record"
        )
        .join(labels, "quote_id")
        .join(toks, "quote_id")
        .join(neighbours, "quote_id", "left")
    )
    refined = linked.groupBy("component").applyInArrow(refine, from_arrow_schema(ASSIGNED))
    single = quotes.join(labels, "quote_id", "left_anti").select(
        "quote_id",
        F.substring(
            F.sha2(F.concat(F.lit("cluster\x00"), F.col("quote_id"), F.lit("\x00")), 256), 1, 16
        ).alias("cluster_id"),
    )
    assigned = refined.unionByName(single).persist(StorageLevel.MEMORY_AND_DISK)
    assigned.write.mode("overwrite").parquet(base + "/quote_clusters")

    summary = (
        quotes.join(assigned, "quote_id")
        .select(
            "cluster_id",
            "quote_id",
            "article_id",
            "index",
            "text",
            "speaker_name",
            "published",
            "published_date",
            "outlet",
            "url",
        )  # fmt: skip
        .groupBy("cluster_id")
        .applyInArrow(summarise, from_arrow_schema(CLUSTERS))
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    summary.write.mode("overwrite").parquet(base + "/clusters")
    totals = summary.agg(
        F.count("*").alias("clusters"),
        F.count(F.when(F.col("size") > 1, 1)).alias("multi"),
        F.count(F.when(F.col("conflicting_speakers"), 1)).alias("conflicting"),
    ).first()
    result = ClusterSummary(
        quotes=quotes.count(),
        candidate_pairs=candidates.count(),
        verified_pairs=edges.count(),
        clusters=int(totals["clusters"]),
        multi=int(totals["multi"]),
        conflicting=int(totals["conflicting"]),
    )
    for frame in (quotes, feats, candidates, edges, assigned, summary):
        frame.unpersist()
    return result


# --- agreement with the store -------------------------------------------------------------------


@dataclass(frozen=True)
class Agreement:
    """How the Spark clusters compare with a store's, over the quotes both hold (same ids)."""

    quotes: int  # quotes in both
    only_spark: int
    only_store: int
    store_pairs: int  # pairs of quotes the store puts together
    spark_pairs: int
    both_pairs: int
    same_clusters: int  # store clusters (of 2+) that Spark reproduces exactly
    store_clusters: int  # store clusters of 2+ quotes
    same_id: int  # quotes with the very same cluster id

    @property
    def precision(self) -> float:
        return self.both_pairs / self.spark_pairs if self.spark_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.both_pairs / self.store_pairs if self.store_pairs else 1.0


def agreement(spark_clusters: dict[Any, str], store_clusters: dict[Any, str]) -> Agreement:
    """Pairwise agreement of two quote → cluster maps (keyed alike)."""
    from itertools import combinations

    common = spark_clusters.keys() & store_clusters.keys()

    def groups(of: dict[Any, str]) -> dict[str, list[Any]]:
        found: dict[str, list[Any]] = {}
        for quote in sorted(common):
            found.setdefault(of[quote], []).append(quote)
        return found

    def pairs(found: dict[str, list[Any]]) -> set[tuple[Any, Any]]:
        return {pair for members in found.values() for pair in combinations(members, 2)}

    ours, theirs = groups(spark_clusters), groups(store_clusters)
    p_ours, p_theirs = pairs(ours), pairs(theirs)
    ours_sets = {frozenset(m) for m in ours.values()}
    multi = [frozenset(m) for m in theirs.values() if len(m) > 1]
    return Agreement(
        quotes=len(common),
        only_spark=len(spark_clusters.keys() - common),
        only_store=len(store_clusters.keys() - common),
        store_pairs=len(p_theirs),
        spark_pairs=len(p_ours),
        both_pairs=len(p_ours & p_theirs),
        same_clusters=sum(m in ours_sets for m in multi),
        store_clusters=len(multi),
        same_id=sum(spark_clusters[q] == store_clusters[q] for q in common),
    )
