"""Quote clusters across articles: the same words, with small variants, are one cluster.

Candidates come from two places and every candidate is verified before two quotes are merged:

* near duplicates: MinHash LSH (datasketch) over the set of normalised tokens;
* partial quotes, whose token sets are too small beside the whole quote for LSH to see them: the
  ``quote_terms`` table (content terms of every quote; "anchor" terms of short quotes).

Verification (``same_quote``) works on normalised tokens (case and accents folded, punctuation
and ellipses dropped, British spellings mapped to American): the shorter quote must appear in
order inside the longer one within a short window (truncation, ellipsis, partial and headline
forms), or the two must share most of their words in order (a changed word). A lone "not"/"never"
missing from the middle, or a number one side lacks, keeps two quotes apart.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from difflib import SequenceMatcher
from typing import Any, NamedTuple

from quotetrace import lexicon
from quotetrace.model import content_hash
from quotetrace.store.speakers import fold

MIN_TOKENS = 3  # shorter quotes are never merged
SHORT_TOKENS = 12  # quotes up to this length get anchor terms for partial-quote lookup
LSH_THRESHOLD = 0.5
NUM_PERM = 128
MAX_CANDIDATES = 1000
_CHUNK = 500  # parameters per IN (...) list

STOPWORDS = lexicon.words("stopwords")
# Frequent content words: a short quote made only of these and stopwords ("what they want",
# "end of life") is too common to identify a statement.
COMMON = lexicon.words("common_words")
_NEGATIONS = lexicon.words("negations")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_THOUSANDS = re.compile(r"(?<=\d)[,.](?=\d{3}\b)")
_NUMBER = re.compile(r"^\d")

# British → American spellings that no rule below covers.
_SPELLINGS = lexicon.pairs("british_spellings")
_NUMBER_WORDS = {word: str(i) for i, word in enumerate(lexicon.entries("number_words"))}
_OUR_KEEP = frozenset({"flour", "devour", "detour", "contour", "troubadour", "paramour"})
_OUR = re.compile(r"^(..+?)our(s|ed|ing|able|ably|ite|ites|ful|less)?$")
_RE_END = re.compile(r"(?<=[b-df-hj-np-tv-xz])re(s?)$")
_DOUBLE_L = re.compile(r"^(.*[aeiouy][^aeiouy]+[aeiouy])ll(ed|ing|er|ers)$")
_OGUE = re.compile(r"ogue(s?)$")
_AE = re.compile(r"(?<=[^aeiou])ae(?=[^aeiouy])")


def _spelling(word: str) -> str:
    if word.endswith("'s"):
        word = word[:-2]  # possessive (and "it's": the "is" is lost on both sides alike)
    if word in _SPELLINGS:
        return _SPELLINGS[word]
    if word in _NUMBER_WORDS:
        return _NUMBER_WORDS[word]
    if len(word) < 5 or _NUMBER.match(word):
        return word
    match = _OUR.match(word)
    if match and match[1] + "our" not in _OUR_KEEP:
        word = match[1] + "or" + (match[2] or "")
    word = word.replace("iz", "is").replace("yz", "ys")  # organize/organise, analyze/analyse
    word = _RE_END.sub(r"er\1", word)
    word = _DOUBLE_L.sub(r"\1l\2", word)
    word = _OGUE.sub(r"og\1", word)
    return _AE.sub("e", word)


def normalise(text: str) -> tuple[str, ...]:
    """Comparable tokens: folded, punctuation and ellipses dropped, spellings unified."""
    text = _THOUSANDS.sub("", fold(text).translate(_APOSTROPHES))
    return tuple(_spelling(word) for word in _WORD.findall(text))


def content_terms(tokens: Sequence[str]) -> list[str]:
    """Distinct non-stopword tokens, in order of first appearance (all tokens if none is left)."""
    seen = dict.fromkeys(t for t in tokens if t not in STOPWORDS)
    return list(seen or dict.fromkeys(tokens))


def anchor_terms(tokens: Sequence[str]) -> list[str]:
    """The two longest content terms of a short quote: a quote inside another shares them."""
    if len(tokens) > SHORT_TOKENS:
        return []
    return sorted(content_terms(tokens), key=lambda t: (-len(t), t))[:2]


def _numbers(tokens: Iterable[str]) -> set[str]:
    return {t for t in tokens if _NUMBER.match(t)}


def _pairs(blocks: Sequence[Any]) -> list[tuple[Any, Any]]:
    return list(zip(blocks, blocks[1:], strict=False))


def _negation_gap(blocks: Sequence[Any], long: Sequence[str], *, whole: bool) -> bool:
    """Whether a negation in the longer quote, between matched stretches, changes the meaning.

    A gap that is only a negation ("is [not] a solution") always does. A negation inside a longer
    elision ("It was [not me …] Putin") is allowed only when the shorter quote is ``whole``ly
    contained; otherwise a reworded negation ("it [did not make] me") is taken as a change.
    """
    for left, right in _pairs(blocks):
        gap = long[left.b + left.size : right.b]
        negations = [t for t in gap if t in _NEGATIONS]
        if negations and (len(negations) == len(gap) or not whole):
            return True
    return False


def _unmatched(tokens: Sequence[str], blocks: Sequence[Any], side: str) -> list[str]:
    """Tokens of one side ("a" or "b") that no matching block covers."""
    covered: set[int] = set()
    for block in blocks:
        start = block.a if side == "a" else block.b
        covered.update(range(start, start + block.size))
    return [t for i, t in enumerate(tokens) if i not in covered]


def _unmatched_negation(a: Sequence[str], b: Sequence[str]) -> bool:
    return bool((set(a) ^ set(b)) & _NEGATIONS)


def informative(tokens: Iterable[str]) -> list[str]:
    """Tokens that are neither stopwords nor very common words."""
    return [t for t in tokens if t not in STOPWORDS and t not in COMMON]


class _Block(NamedTuple):
    a: int  # start in the shorter quote
    b: int  # start in the longer quote
    size: int


def _gap_limit(short: Sequence[str]) -> int:
    return max(4, len(short) // 2)


def _align(short: Sequence[str], long: Sequence[str]) -> list[_Block]:
    """Matching stretches of ``short`` in ``long``, in order. A stretch of stopwords at either
    end, far from the rest, is dropped: "it" found twenty words earlier is not part of the match.
    """
    matcher = SequenceMatcher(None, short, long, autojunk=False)
    blocks = [_Block(m.a, m.b, m.size) for m in matcher.get_matching_blocks() if m.size]
    limit = _gap_limit(short)

    def stray(block: _Block, neighbour: _Block) -> bool:
        gap = abs(neighbour.b - block.b) - (block.size if block.b < neighbour.b else neighbour.size)
        weak = all(t in STOPWORDS for t in short[block.a : block.a + block.size])
        return weak and gap > limit

    while len(blocks) > 1 and stray(blocks[0], blocks[1]):
        blocks.pop(0)
    while len(blocks) > 1 and stray(blocks[-1], blocks[-2]):
        blocks.pop()
    return blocks


def _changed_in_long(
    short: Sequence[str], long: Sequence[str], blocks: Sequence[_Block]
) -> list[str]:
    """Tokens of the longer quote left unmatched between the matched stretches and just beyond
    them, where the shorter quote has unmatched tokens too."""
    first, last = blocks[0], blocks[-1]
    head, tail = first.a, len(short) - last.a - last.size
    start = max(0, first.b - head - 2) if head else first.b
    end = min(len(long), last.b + last.size + tail + 2) if tail else last.b + last.size
    covered = {i for block in blocks for i in range(block.b, block.b + block.size)}
    return [long[i] for i in range(start, end) if i not in covered]


def match(a: Sequence[str], b: Sequence[str]) -> float:
    """How well two normalised quotes match as the same words (0.0: they do not).

    The score is the share of the longer quote that the shorter one covers.
    """
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) < MIN_TOKENS or (len(short) < 6 and not informative(short)):
        return 0.0
    if tuple(short) == tuple(long):
        return 1.0
    if _numbers(short) - _numbers(long):
        return 0.0
    blocks = _align(short, long)
    if not blocks:
        return 0.0
    matched = sum(block.size for block in blocks)
    score = matched / len(long)
    missing = _unmatched(short, blocks, "a")
    if any(t in _NEGATIONS for t in missing):
        return 0.0  # the shorter one says "not" where the longer one does not
    if informative(missing) and informative(_changed_in_long(short, long, blocks)):
        return 0.0  # a content word swapped for another: "Warm water" / "Cold water"
    # the shorter one inside the longer: truncation, ellipsis, partial quote, headline form
    need = len(short) if len(short) <= 6 else math.ceil(0.85 * len(short))
    if matched >= need and (len(short) > 5 or len(blocks) <= 2):
        gaps = [right.b - left.b - left.size for left, right in _pairs(blocks)]
        whole = matched == len(short)
        # an elision of any length between long matched stretches ("A B C D … E F G"), or short
        # gaps between smaller ones
        elided = whole and all(block.size >= 3 for block in blocks)
        if (elided or max(gaps, default=0) <= _gap_limit(short)) and not _negation_gap(
            blocks, long, whole=whole
        ):
            return score
    if _unmatched_negation(short, long):
        return 0.0
    # near duplicates: a word or two changed in a quote long enough to stay specific
    if len(short) >= 6 and matched >= 0.75 * len(short) and matched >= 0.6 * len(long):
        return score
    # a long stretch word for word
    return score if max(block.size for block in blocks) >= 10 else 0.0


def same_quote(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether two normalised quotes are the same words, allowing the variants described above."""
    return match(a, b) > 0.0


@dataclass(frozen=True)
class ClusterMatch:
    """A stored cluster that a new quote matched."""

    cluster_id: str
    score: float  # the best match score with one of its quotes
    fits: bool  # the new quote also matches the cluster's longest quote
    has_longer: bool  # the cluster's longest quote is longer than the new quote


def clusters_to_join(matches: Iterable[ClusterMatch]) -> set[str]:
    """The clusters a new quote joins; more than one are merged.

    A cluster is joined only when the new quote matches its longest wording too: a quote that
    shares a short fragment with one member ("three days of mourning") is not pulled in. A quote
    that lies inside the longest wording of several clusters joins only the best of them, so that
    a short fragment never chains two different statements together.
    """
    fitting = [m for m in matches if m.fits]
    if len(fitting) > 1 and any(m.has_longer for m in fitting):
        best = max(fitting, key=lambda m: (m.score, m.cluster_id))
        return {best.cluster_id}
    return {m.cluster_id for m in fitting}


class NearDuplicateIndex:
    """MinHash LSH over token sets (datasketch), keyed by quote pk; lives in memory."""

    def __init__(self, *, threshold: float = LSH_THRESHOLD, num_perm: int = NUM_PERM) -> None:
        from datasketch import MinHash, MinHashLSH  # imported here: it takes a second to load

        self._num_perm = num_perm
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        # the permutations depend only on num_perm and the seed: make them once, not per quote
        template = MinHash(num_perm=num_perm)
        self._permutations, self._scheme = template.permutations, template.scheme
        self._keys: set[int] = set()

    def _minhash(self, tokens: Sequence[str]) -> Any:
        from datasketch import MinHash

        minhash = MinHash(
            num_perm=self._num_perm, permutations=self._permutations, scheme=self._scheme
        )
        minhash.update_batch([t.encode("utf-8") for t in set(tokens)])
        return minhash

    def add_many(self, items: Iterable[tuple[int, Sequence[str]]]) -> None:
        from datasketch import MinHash

        rows = [(pk, tokens) for pk, tokens in items if tokens and pk not in self._keys]
        sets = [[t.encode("utf-8") for t in set(tokens)] for _, tokens in rows]
        hashes = (
            MinHash.bulk(
                sets, num_perm=self._num_perm, permutations=self._permutations, scheme=self._scheme
            )
            if sets
            else []
        )
        with self._lsh.insertion_session() as session:
            for (pk, _), minhash in zip(rows, hashes, strict=True):
                session.insert(pk, minhash)
                self._keys.add(pk)

    def add(self, pk: int, tokens: Sequence[str]) -> None:
        if tokens and pk not in self._keys:
            self._lsh.insert(pk, self._minhash(tokens))
            self._keys.add(pk)

    def remove(self, pk: int) -> None:
        if pk in self._keys:
            self._lsh.remove(pk)
            self._keys.discard(pk)

    def query(self, tokens: Sequence[str]) -> set[int]:
        if not tokens or not self._keys:
            return set()
        return {int(pk) for pk in self._lsh.query(self._minhash(tokens))}

    def __len__(self) -> int:
        return len(self._keys)


def term_candidates(conn: sqlite3.Connection, tokens: Sequence[str]) -> set[int]:
    """Quotes that may contain this one (its rarest terms) or lie inside it (their anchors)."""
    terms = content_terms(tokens)
    if not terms:
        return set()
    found: set[int] = set()
    marks = ",".join("?" * len(terms))
    counts = dict(
        conn.execute(
            f"SELECT term, count(*) FROM quote_terms WHERE term IN ({marks}) GROUP BY term", terms
        ).fetchall()
    )
    rarest = sorted((t for t in terms if counts.get(t)), key=lambda t: (counts[t], t))[:3]
    if rarest:
        need = min(2, len(rarest))
        sql = (
            f"SELECT quote_pk FROM quote_terms WHERE term IN ({','.join('?' * len(rarest))}) "
            "GROUP BY quote_pk HAVING count(*) >= ? LIMIT ?"
        )
        found.update(r[0] for r in conn.execute(sql, [*rarest, need, MAX_CANDIDATES]))
    sql = (
        f"SELECT DISTINCT quote_pk FROM quote_terms WHERE anchor = 1 AND term IN ({marks}) LIMIT ?"
    )
    found.update(r[0] for r in conn.execute(sql, [*terms, MAX_CANDIDATES]))
    return found


# --- filing in the database ----------------------------------------------------------------------


class LiveIndex:
    """The LSH index of one connection's stored quotes: built on first use, kept in step with this
    connection's writes, rebuilt when another connection has changed the database."""

    def __init__(self) -> None:
        self._index: NearDuplicateIndex | None = None
        self._version: int | None = None

    def get(self, conn: sqlite3.Connection) -> NearDuplicateIndex:
        """The index, rebuilt when another connection changed the data (``data_version``)."""
        version = int(conn.execute("PRAGMA data_version").fetchone()[0])
        if self._index is None or version != self._version:
            index = NearDuplicateIndex()
            rows = conn.execute("SELECT pk, norm FROM quotes")
            index.add_many((pk, norm.split()) for pk, norm in rows)
            self._index, self._version = index, version
        return self._index

    def add(self, pk: int, tokens: Sequence[str]) -> None:
        if self._index is not None:
            self._index.add(pk, tokens)

    def remove(self, pk: int) -> None:
        if self._index is not None:
            self._index.remove(pk)

    def drop(self) -> None:
        """Forget the index (after a rolled-back write): the next use rebuilds it."""
        self._index = None


def cluster_for(
    conn: sqlite3.Connection,
    live: LiveIndex,
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
        candidates = live.get(conn).query(tokens) | term_candidates(conn, tokens)
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
            "SELECT norm FROM quotes WHERE cluster_id = ? ORDER BY length(norm) DESC, pk LIMIT 1",
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


# --- trace ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Appearance:
    """One quote of a cluster, in its article."""

    quote_id: str
    text: str
    type: str
    kind: str
    article_id: str
    published: str | None
    outlet: str | None
    url: str | None
    title: str | None
    speaker: str | None  # the store's name for the speaker
    speaker_id: str | None
    speaker_as_written: str | None  # the name the article gave

    def to_dict(self) -> dict[str, Any]:
        """Its fields, and ``date`` (YYYY-MM-DD of ``published``, or None)."""
        return {**asdict(self), "date": self.published[:10] if self.published else None}


@dataclass(frozen=True)
class Trace:
    cluster_id: str
    appearances: tuple[Appearance, ...]  # time order; undated ones last
    variants: tuple[tuple[str, int], ...]  # distinct wordings, most frequent first
    speakers: tuple[tuple[str, int], ...]  # names it was attributed to, with counts

    @property
    def first(self) -> Appearance:
        return self.appearances[0]

    @property
    def conflicting_speakers(self) -> bool:
        """Attributed to different speakers in different places."""
        return len(self.speakers) > 1

    def to_dict(self) -> dict[str, Any]:
        """The one JSON shape of a trace (``trace --format json``, ``/api/trace``, a quote's
        page): ``first`` is the earliest appearance, repeated as ``appearances[0]``."""
        appearances = [a.to_dict() for a in self.appearances]
        return {
            "cluster_id": self.cluster_id,
            "first": dict(appearances[0]),
            "appearances": appearances,
            "variants": [{"text": text, "count": n} for text, n in self.variants],
            "speakers": [{"name": name, "count": n} for name, n in self.speakers],
            "conflicting_speakers": self.conflicting_speakers,
        }


def variant_counts(texts: Iterable[str]) -> tuple[tuple[str, int], ...]:
    """Distinct wordings of a cluster's quotes (the same normalised words and the same text up to
    case and outer white space are one wording), most frequent first."""
    variants: dict[str, tuple[str, int]] = {}
    for raw in texts:
        key = " ".join(normalise(raw)) + "|" + raw.strip().casefold()
        text, n = variants.get(key, (raw.strip(), 0))
        variants[key] = (text, n + 1)
    return tuple(sorted(variants.values(), key=lambda v: (-v[1], v[0])))


_TRACE_SQL = """
SELECT q.id, q.text, q.type, q.kind, a.id, a.published, a.outlet, a.url, a.title,
       s.name, q.speaker_id, q.speaker_name
FROM quotes q JOIN articles a ON a.id = q.article_id LEFT JOIN speakers s ON s.id = q.speaker_id
WHERE q.cluster_id = ?
ORDER BY a.published_iso IS NULL, a.published_iso, a.seq, q.start
"""


def load_trace(conn: sqlite3.Connection, cluster_id: str) -> Trace | None:
    rows = conn.execute(_TRACE_SQL, (cluster_id,)).fetchall()
    if not rows:
        return None
    appearances = tuple(Appearance(*row) for row in rows)
    speakers: dict[str, int] = {}
    for app in appearances:
        if app.speaker_id is not None and app.speaker:
            speakers[app.speaker] = speakers.get(app.speaker, 0) + 1
    return Trace(
        cluster_id,
        appearances,
        variant_counts(app.text for app in appearances),
        tuple(sorted(speakers.items(), key=lambda s: (-s[1], s[0]))),
    )


# --- measuring ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClusterScore:
    """Pairwise precision and recall of the clusters made from labelled quote groups."""

    quotes: int
    groups: int
    gold_pairs: int
    predicted_pairs: int
    correct_pairs: int
    by_variant: tuple[tuple[str, int, int], ...]  # (variant, pairs with its original found, all)
    wrong_merges: tuple[tuple[str, str], ...]  # texts merged that belong to different groups
    missed: tuple[tuple[str, str], ...]  # texts of one group left in different clusters

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.gold_pairs if self.gold_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_groups(path: str | os.PathLike[str]) -> list[dict[str, str]]:
    """Rows of a groups file: one quote per line with ``group``, ``variant`` and ``text``."""
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            if not isinstance(row, dict) or not {"group", "text"} <= row.keys():
                raise ValueError(f"{path}:{number}: expected an object with group and text")
            rows.append(row)
    return rows


def evaluate_groups(path: str | os.PathLike[str], *, seed: int = 0) -> ClusterScore:
    """Cluster every quote of a groups file in a fresh in-memory store (in a shuffled order,
    one article per quote) and score the pairs merged against the groups."""
    from quotetrace.model import Article, Document, Quote
    from quotetrace.store import Store

    rows = load_groups(path)
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    with Store.open(":memory:") as store:
        for i in order:
            text = rows[i]["text"]
            article = Article(id=f"row{i}", text=text, published=f"2020-01-{1 + i % 28:02d}")
            quote = Quote(id="q1", type="direct", content=((0, len(text)),), text=text)
            store.ingest_document(Document(article, quotes=(quote,)))
        cluster_of = dict(store.conn.execute("SELECT article_id, cluster_id FROM quotes"))
    cluster = [cluster_of[f"row{i}"] for i in range(len(rows))]
    gold = pred = correct = 0
    wrong: list[tuple[str, str]] = []
    missed: list[tuple[str, str]] = []
    for i in range(len(rows)):
        for j in range(i + 1, len(rows)):
            same_group = rows[i]["group"] == rows[j]["group"]
            same_cluster = cluster[i] == cluster[j]
            gold += same_group
            pred += same_cluster
            correct += same_group and same_cluster
            if same_cluster and not same_group:
                wrong.append((rows[i]["text"], rows[j]["text"]))
            elif same_group and not same_cluster:
                missed.append((rows[i]["text"], rows[j]["text"]))
    variants: dict[str, list[int]] = {}
    originals = {r["group"]: i for i, r in enumerate(rows) if r.get("variant") == "original"}
    for i, row in enumerate(rows):
        first = originals.get(row["group"])
        if first is None or first == i:
            continue
        tally = variants.setdefault(row.get("variant", "?"), [0, 0])
        tally[0] += cluster[i] == cluster[first]
        tally[1] += 1
    return ClusterScore(
        quotes=len(rows),
        groups=len({r["group"] for r in rows}),
        gold_pairs=gold,
        predicted_pairs=pred,
        correct_pairs=correct,
        by_variant=tuple((v, n[0], n[1]) for v, n in sorted(variants.items())),
        wrong_merges=tuple(wrong),
        missed=tuple(missed),
    )
