"""The store's commands: ingest, speakers, search, trace, export, bench-search, cluster-eval.

Each command is an ``add_arguments(parser)`` and a ``run(args) -> exit code`` pair that cli.py
wires in. Only this module of the store prints. Exit codes follow cli.py: 0 done, 1 some articles
failed (or nothing matched), 2 the command could not run.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import itertools
import json
import math
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

from quotetrace import lexicon
from quotetrace.cue_model import add_cue_model_argument
from quotetrace.errors import InputError, StoreError
from quotetrace.kinds import kinds_argument
from quotetrace.model import Article, Failure
from quotetrace.progress import progress

DEFAULT_DB = "quotetrace.db"


# --- shared -------------------------------------------------------------------------------------


def _db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=DEFAULT_DB, help=f"the store (default {DEFAULT_DB})")


def _open_existing(path: str) -> Any:
    from quotetrace.store import Store

    if path != ":memory:" and not Path(path).is_file():
        raise StoreError(f"no store at {path}; create it with: quotetrace ingest PATH --db {path}")
    return Store.open(path)


def _day(value: str) -> str:
    from quotetrace.store.search import check_day

    try:
        return check_day(value)
    except StoreError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


MAX_COUNT = 1_000_000_000


def _count(value: str) -> int:
    """A --limit: a whole number from 0 to MAX_COUNT (SQLite takes 64-bit integers only)."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value[:20]!r}") from None
    if not 0 <= number <= MAX_COUNT:
        raise argparse.ArgumentTypeError(f"must be between 0 and {MAX_COUNT:,}")
    return number


def _output(path: str | None) -> TextIO:
    return open(path, "w", encoding="utf-8", newline="") if path else sys.stdout  # noqa: SIM115


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int]) -> str:
    def cell(value: Any, width: int) -> str:
        text = "" if value is None else " ".join(str(value).split())
        return (text[: width - 1] + "…" if len(text) > width else text).ljust(width)

    lines = ["  ".join(cell(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(cell(v, w) for v, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def _write_rows(out: TextIO, rows: list[dict[str, Any]], fmt: str) -> None:
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        if rows:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]))
            writer.writeheader()
            for row in rows:
                writer.writerow(
                    {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in row.items()}
                )


# --- ingest -------------------------------------------------------------------------------------


def iter_inputs(
    paths: Sequence[str], *, report: Any = None, stdin: Any = None, limits: Any = None
) -> Iterator[Article | Failure]:
    """Everything ``quotetrace extract`` reads, plus .warc and .warc.gz files (also in folders
    and globs), in order."""
    from quotetrace.ingest import INPUT_SUFFIXES, iter_articles, read_file, unique_ids
    from quotetrace.ingest.paths import InputFile, PathProblem, expand
    from quotetrace.limits import DEFAULT_LIMITS
    from quotetrace.store.warc import WARC_SUFFIXES, is_warc, iter_warc

    limits = limits or DEFAULT_LIMITS

    # folders and globs walked as for extract (links followed once, special files refused);
    # files read with the id extract gives them; an id given twice (outside WARC crawls, where a
    # later capture of a page replaces it) is an error line
    def items() -> Iterator[Article | Failure | _Crawled]:
        for item in expand(paths, INPUT_SUFFIXES + WARC_SUFFIXES):
            if isinstance(item, PathProblem):
                yield Failure(item.name, item.reason, item.source)
            elif isinstance(item, InputFile) and is_warc(item.path):
                for record in iter_warc(item.path, report=report):
                    yield _Crawled(record) if isinstance(record, Article) else record
            elif isinstance(item, InputFile):
                yield from read_file(item.path, limits, item.name)
            else:
                yield from iter_articles(["-"], stdin=stdin, limits=limits)

    for item in unique_ids(items()):
        yield item.article if isinstance(item, _Crawled) else item


class _Crawled:
    """A WARC article, exempt from the duplicate-id check (a later capture replaces a page)."""

    def __init__(self, article: Article) -> None:
        self.article = article


def add_ingest_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="*", help="files, folders, globs, .warc(.gz), - (stdin), or http(s) URLs"
    )
    parser.add_argument(
        "--feed",
        action="append",
        default=[],
        metavar="FEED_URL",
        help="an RSS/Atom feed or a sitemap: fetch the articles it links to (repeatable)",
    )
    _db_argument(parser)
    parser.add_argument("--jobs", "-j", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument(
        "--kinds",
        type=kinds_argument,
        default=("speech", "writing"),
        help="kinds of attribution to analyse: comma list or 'all' (default speech,writing; "
        "'all' also finds thoughts and findings, and is slower)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="extract unchanged articles again and replace their quotes (after an upgrade, or "
        "with a new cue model)",
    )
    add_cue_model_argument(parser)
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)
    from quotetrace.fetch.commands import add_fetch_arguments

    add_fetch_arguments(parser)
    from quotetrace.limits import add_limit_arguments

    add_limit_arguments(parser)


def run_ingest(args: argparse.Namespace) -> int:
    from quotetrace.fetch import commands as fetch_commands
    from quotetrace.limits import limits_from_args
    from quotetrace.runner import run_pipeline
    from quotetrace.store import Store
    from quotetrace.store.warc import WarcReport

    report = WarcReport()
    tally: Counter[str] = Counter()
    if not args.paths and not args.feed:
        raise InputError("give files, folders or URLs to ingest, or --feed FEED_URL")
    web = _web_source(args)
    if args.cue_model:
        from quotetrace.cue_model import CueModel

        CueModel.load(args.cue_model)  # a bad model stops the command before the run starts
    with Store.open(args.db) as store:
        known = store.fingerprints()
        run_id = store.start_run("ingest", args.paths)

        def fresh(items: Iterable[Article | Failure]) -> Iterator[Article | Failure]:
            # unchanged articles skip extraction (this runs in the pool's feeder thread: no db)
            for item in items:
                if (
                    not args.force
                    and isinstance(item, Article)
                    and known.get(item.id) == item.fingerprint
                ):
                    tally["unchanged"] += 1
                    continue
                yield item

        items: Iterable[Article | Failure] = iter_inputs(
            [p for p in args.paths if web is None or not fetch_commands.is_url(p)],
            report=report,
            stdin=sys.stdin.buffer,
            limits=limits_from_args(args),
        )
        if web is not None:
            web.stored = set(known)
            web.pages = fetch_commands.load_pages(store.conn)
            urls = [p for p in args.paths if fetch_commands.is_url(p)]
            items = itertools.chain(items, web.articles(urls), web.feed_articles(args.feed))
        docs: Iterable[Any] = run_pipeline(
            fresh(items),
            jobs=args.jobs,
            kinds=args.kinds,
            cue_model=args.cue_model,
            limits=limits_from_args(args),
        )
        show = args.progress if args.progress is not None else sys.stderr.isatty()
        docs = progress(docs, enabled=show, desc="ingest")
        for doc in docs:
            outcome = store.ingest_document(doc, run_id=run_id, force=args.force)
            tally[outcome] += 1
            if web is not None and outcome != "failed":
                for record in web.stored_ok(doc.article.id):
                    fetch_commands.remember(store.conn, record)
        if web is not None:
            for record in web.flush():
                fetch_commands.remember(store.conn, record)
            web.fetcher.close()
        if tally["new"] or tally["replaced"] or tally["re-extracted"]:
            store.settle()  # speakers and clusters independent of the order of ingest
        store.finish_run(run_id, dict(tally))
        counts = store.counts()
    print(
        f"quotetrace: {tally['new']} new, {tally['replaced']} replaced, "
        f"{tally['re-extracted']} re-extracted, "
        f"{tally['unchanged']} unchanged, {tally['failed']} failed article(s) -> {args.db} "
        f"({counts['articles']} articles, {counts['quotes']} quotes, "
        f"{counts['speakers']} speakers, {counts['clusters']} clusters)",
        file=sys.stderr,
    )
    if report.records:
        print(f"quotetrace: {report.summary()}", file=sys.stderr)
    if web is not None:
        print(f"quotetrace: {fetch_commands.web_summary(web.tally)}", file=sys.stderr)
    return 1 if tally["failed"] or (web is not None and web.tally["feeds failed"]) else 0


def _web_source(args: argparse.Namespace) -> Any:
    """A WebSource when URLs or feeds are among the inputs (nothing is fetched otherwise)."""
    from quotetrace.fetch import commands as fetch_commands

    if not args.feed and not any(fetch_commands.is_url(p) for p in args.paths):
        return None
    fetcher = fetch_commands.Fetcher(fetch_commands.policy_from_args(args), log=fetch_commands.log)
    return fetch_commands.WebSource(fetcher, log=fetch_commands.log)


# --- speakers -----------------------------------------------------------------------------------


def add_speakers_arguments(parser: argparse.ArgumentParser) -> None:
    _db_argument(parser)
    parser.add_argument("--format", choices=("table", "jsonl", "csv"), default="table")
    parser.add_argument("--limit", type=_count, default=None, help="show only the first N")


def run_speakers(args: argparse.Namespace) -> int:
    with _open_existing(args.db) as store:
        found = store.speakers()[: args.limit]
    if args.format == "table":
        rows = [
            (
                s.quotes,
                s.articles,
                s.name,
                ", ".join(f"{name} ({n})" for name, n in s.aliases),
                s.first_date,
                s.last_date,
            )
            for s in found
        ]
        headers = ("quotes", "articles", "speaker", "written as", "first", "last")
        print(_table(headers, rows, (6, 8, 28, 50, 10, 10)))
    else:
        _write_rows(sys.stdout, [asdict(s) for s in found], args.format)
    return 0


# --- search -------------------------------------------------------------------------------------


def add_search_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", help="words to find (any string; empty matches every quote)")
    _db_argument(parser)
    parser.add_argument("--speaker", help="a speaker, in any spelling")
    parser.add_argument("--outlet", help="part of an outlet's name")
    parser.add_argument("--since", type=_day, help="published on or after YYYY[-MM[-DD]]")
    parser.add_argument("--until", type=_day, help="published on or before YYYY[-MM[-DD]]")
    parser.add_argument(
        "--kind", type=kinds_argument, help="comma list of kinds, e.g. speech,writing"
    )
    parser.add_argument(
        "--occasion",
        help="interview, phone call, press conference, speech, hearing, statement, ...",
    )
    parser.add_argument("--said-since", type=_day, help="said on or after YYYY[-MM[-DD]]")
    parser.add_argument("--sort", choices=("relevance", "newest", "oldest"), default="relevance")
    parser.add_argument("--limit", type=_count, default=20, help="at most N results (default 20)")
    parser.add_argument("--format", choices=("table", "jsonl", "csv"), default="table")


def run_search(args: argparse.Namespace) -> int:
    with _open_existing(args.db) as store:
        hits = store.search(
            args.text,
            speaker=args.speaker,
            outlet=args.outlet,
            since=args.since,
            until=args.until,
            kinds=args.kind,
            occasion=args.occasion,
            said_since=args.said_since,
            sort=args.sort,
            limit=args.limit,
        )
    if args.format == "table":
        rows = [
            ((h.published or "")[:10], h.outlet, h.speaker or h.speaker_as_written, h.kind, h.text)
            for h in hits
        ]
        print(_table(("date", "outlet", "speaker", "kind", "quote"), rows, (10, 14, 22, 8, 80)))
    else:
        _write_rows(sys.stdout, [asdict(h) for h in hits], args.format)
    if not hits:
        print("quotetrace: no quote matches", file=sys.stderr)
    return 0 if hits else 1


# --- trace --------------------------------------------------------------------------------------


def add_trace_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", help="a quote (any wording of it), a quote id or a cluster id")
    _db_argument(parser)
    parser.add_argument("--format", choices=("table", "json"), default="table")


def trace_to_dict(found: Any) -> dict[str, Any]:
    return {
        "cluster_id": found.cluster_id,
        "first": asdict(found.first),
        "appearances": [asdict(a) for a in found.appearances],
        "variants": [{"text": text, "count": n} for text, n in found.variants],
        "speakers": [{"name": name, "count": n} for name, n in found.speakers],
        "conflicting_speakers": found.conflicting_speakers,
    }


def run_trace(args: argparse.Namespace) -> int:
    with _open_existing(args.db) as store:
        found = store.trace(args.text)
    if found is None:
        print("quotetrace: no stored quote matches", file=sys.stderr)
        return 1
    if args.format == "json":
        print(json.dumps(trace_to_dict(found), ensure_ascii=False, indent=2))
        return 0
    first = found.first
    articles = len({a.article_id for a in found.appearances})
    print(f"cluster {found.cluster_id}: {len(found.appearances)} quote(s) in {articles} article(s)")
    print(
        f"first appearance: {first.published or 'undated'}  {first.outlet or '-'}  "
        f"{first.url or '-'}  (article {first.article_id})"
    )
    print(f'  "{first.text}" — {first.speaker or first.speaker_as_written or "unattributed"}')
    later = found.appearances[1:]
    if later:
        print("\nlater, in time order:")
        rows = [
            (
                (a.published or "undated")[:10],
                a.outlet,
                a.speaker or a.speaker_as_written,
                a.article_id,
                a.url,
                a.text,
            )
            for a in later
        ]
        headers = ("date", "outlet", "speaker", "article", "url", "quote")
        print(_table(headers, rows, (10, 14, 22, 24, 40, 60)))
    print(f"\nvariants ({len(found.variants)}):")
    for text, n in found.variants:
        print(f'  {n}x "{text}"')
    speakers = ", ".join(f"{name} ({n})" for name, n in found.speakers) or "nobody"
    print(f"\nattributed to: {speakers}")
    if found.conflicting_speakers:
        print("WARNING: attributed to different speakers in different places")
    return 0


# --- export -------------------------------------------------------------------------------------


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    from quotetrace import export_commands

    parser.add_argument(
        "--format",
        choices=("jsonl", "csv", "parquet", *export_commands.FORMATS),
        default="jsonl",
        help="jsonl, csv, parquet: every quote; claimreview: schema.org ClaimReview JSON-LD; "
        "annotations: W3C Web Annotations; labelstudio: Label Studio tasks with pre-annotations",
    )
    _db_argument(parser)
    parser.add_argument("--output", "-o", help="write here (required for parquet)")
    export_commands.add_selection_arguments(parser)


def _write_parquet(rows: Iterator[dict[str, Any]], path: str, batch: int = 50_000) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    spans = pa.list_(pa.list_(pa.int64()))
    schema = pa.schema(
        [
            ("quote_id", pa.string()),
            ("article_id", pa.string()),
            ("quote_local_id", pa.string()),
            ("type", pa.string()),
            ("kind", pa.string()),
            ("text", pa.string()),
            ("content", spans),
            ("cue", spans),
            ("speaker_mention", spans),
            ("speaker_as_written", pa.string()),
            ("speaker_id", pa.string()),
            ("speaker", pa.string()),
            ("addressee_name", pa.string()),
            ("parent_id", pa.string()),
            ("hedge", pa.string()),
            ("confidence", pa.float64()),
            ("cluster_id", pa.string()),
            ("cluster_size", pa.int64()),
            ("published", pa.string()),
            ("outlet", pa.string()),
            ("url", pa.string()),
            ("title", pa.string()),
        ]
    )
    total = 0
    with pq.ParquetWriter(path, schema) as writer:
        chunk: list[dict[str, Any]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= batch:
                writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
                total += len(chunk)
                chunk = []
        if chunk or total == 0:
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
            total += len(chunk)
    return total


def run_export(args: argparse.Namespace) -> int:
    from quotetrace import export_commands

    if args.format in export_commands.FORMATS:
        with _open_existing(args.db) as store:
            return export_commands.write_export(args, store)
    if args.format == "parquet" and not args.output:
        raise StoreError("parquet is binary: give a file with --output")
    with _open_existing(args.db) as store:
        rows = store.export()
        if args.format == "parquet":
            n = _write_parquet(rows, args.output)
        else:
            out = _output(args.output)
            n = 0
            try:
                writer: csv.DictWriter[str] | None = None
                for row in rows:
                    n += 1
                    if args.format == "jsonl":
                        out.write(json.dumps(row, ensure_ascii=False) + "\n")
                        continue
                    if writer is None:
                        writer = csv.DictWriter(out, fieldnames=list(row))
                        writer.writeheader()
                    writer.writerow(
                        {k: json.dumps(v) if isinstance(v, list) else v for k, v in row.items()}
                    )
            finally:
                if out is not sys.stdout:
                    out.close()
    print(f"quotetrace: exported {n} quote(s)", file=sys.stderr)
    return 0


# --- bench-search and cluster-eval --------------------------------------------------------------


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
    with _open_existing(path) as store:
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
    with _open_existing(path) as store:
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


def add_bench_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quotes", type=int, default=1_000_000, help="quotes to generate")
    parser.add_argument("--queries", type=int, default=300, help="queries to time")
    parser.add_argument("--db", help="keep the generated store here (default: a temporary file)")
    parser.add_argument("--seed", type=int, default=1)


def run_bench(args: argparse.Namespace) -> int:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="quotetrace-bench-") as tmp:
        path = args.db or os.path.join(tmp, "bench.db")
        if os.path.exists(path):
            raise StoreError(f"{path} exists; bench-search writes a new store")
        print(f"generating {args.quotes} quotes in {path} ...", file=sys.stderr)
        built = generate_store(path, args.quotes, seed=args.seed)
        print(
            f"generated {built.quotes} quotes in {built.articles} articles "
            f"in {built.seconds:.1f} s ({built.megabytes:.0f} MB)",
            file=sys.stderr,
        )
        timings = time_queries(path, args.queries, seed=args.seed)
    print(format_timings(built, timings))
    return 0


def add_cluster_eval_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path",
        nargs="?",
        default="tests/data/cluster_groups.jsonl",
        help="quote groups, one quote a line (default tests/data/cluster_groups.jsonl)",
    )
    parser.add_argument("--seeds", type=int, default=5, help="insertion orders to average over")
    parser.add_argument("--show", action="store_true", help="list wrong merges and misses")


def run_cluster_eval(args: argparse.Namespace) -> int:
    from quotetrace.store.cluster import evaluate_groups

    if not Path(args.path).is_file():
        raise StoreError(f"no such groups file: {args.path}")
    scores = [evaluate_groups(args.path, seed=seed) for seed in range(args.seeds)]
    first = scores[0]
    print(f"{first.quotes} quotes in {first.groups} groups, {first.gold_pairs} same-group pairs")
    for seed, s in enumerate(scores):
        print(
            f"order {seed}: precision {s.precision:.3f}  recall {s.recall:.3f}  f1 {s.f1:.3f}  "
            f"({s.correct_pairs} of {s.predicted_pairs} merged pairs right)"
        )
    mean_p = sum(s.precision for s in scores) / len(scores)
    mean_r = sum(s.recall for s in scores) / len(scores)
    print(f"mean: precision {mean_p:.3f}  recall {mean_r:.3f}")
    print("recall of variant-to-original pairs (order 0):")
    for variant, found, total in first.by_variant:
        print(f"  {variant:<17} {found}/{total}")
    if args.show:
        for a, b in first.wrong_merges:
            print(f"  wrong: {a[:70]!r} ~ {b[:70]!r}")
        for a, b in first.missed:
            print(f"  missed: {a[:70]!r} ~ {b[:70]!r}")
    return 0


COMMANDS: tuple[tuple[str, str, Any, Any], ...] = (
    ("ingest", "extract articles into the store (also .warc/.warc.gz)", add_ingest_arguments, run_ingest),
    ("speakers", "everyone quoted in the store, spellings merged", add_speakers_arguments, run_speakers),
    ("search", "find stored quotes", add_search_arguments, run_search),
    ("trace", "where a quote first appeared and everywhere it went", add_trace_arguments, run_trace),
    ("export", "stored quotes with article, speaker and cluster", add_export_arguments, run_export),
    ("bench-search", "search speed on a generated store", add_bench_arguments, run_bench),
    ("cluster-eval", "precision and recall of quote clustering", add_cluster_eval_arguments, run_cluster_eval),
)  # fmt: skip


def add_commands(sub: Any) -> None:
    """Add every store command to cli.py's subparsers."""
    for name, help_text, add_arguments, run in COMMANDS:
        parser = sub.add_parser(name, help=help_text)
        add_arguments(parser)
        parser.set_defaults(func=run)
