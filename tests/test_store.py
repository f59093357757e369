"""The store: migrations, idempotent ingest, replacement, speakers, trace, export, crash safety."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from quotetrace.cli import main
from quotetrace.errors import StoreError
from quotetrace.model import Article, Document, Entity, Party, Quote
from quotetrace.pipeline import Pipeline
from quotetrace.store import Store
from quotetrace.store.schema import DATA_TABLES, MIGRATIONS, Migration, migrate
from quotetrace.store.speakers import fold, speaker_key

WIKINEWS = Path(__file__).resolve().parents[2] / "shared" / "data" / "wikinews" / "articles.jsonl"


def make_doc(
    article_id: str,
    text: str,
    quotes: Iterable[tuple[str, str | None]] = (),
    *,
    published: str | None = "2024-01-01",
    outlet: str | None = "Example News",
    url: str | None = None,
    kind: str = "speech",
) -> Document:
    """A Document whose quotes are the given (quoted words, speaker name) pairs found in text."""
    out = []
    for n, (words, speaker) in enumerate(quotes, start=1):
        start = text.index(words)
        party = Party(name=speaker) if speaker else None
        out.append(
            Quote(
                id=f"q{n}",
                type="direct",
                content=((start, start + len(words)),),
                text=words,
                speaker=party,
                kind=kind,  # type: ignore[arg-type]
            )
        )
    article = Article(id=article_id, text=text, published=published, outlet=outlet, url=url)
    return Document(article, quotes=tuple(out))


def data_counts(store: Store) -> dict[str, int]:
    counts = store.counts()
    return {table: counts[table] for table in DATA_TABLES}


# --- schema -------------------------------------------------------------------------------------


def test_migrations_are_named_recorded_and_applied_once(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    with Store.open(path) as store:
        names = [r[0] for r in store.conn.execute("SELECT name FROM migrations ORDER BY rowid")]
        assert names == [m.name for m in MIGRATIONS]
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with Store.open(path) as store:  # reopening applies nothing again
        assert migrate(store.conn) == []


def test_a_failing_migration_leaves_no_trace() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    migrate(conn)
    broken = Migration("9999_broken", ("CREATE TABLE extra (x)", "CREATE TABLE extra (y)"))
    with pytest.raises(StoreError):
        migrate(conn, (*MIGRATIONS, broken))
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "extra" not in tables
    assert "9999_broken" not in {r[0] for r in conn.execute("SELECT name FROM migrations")}


def test_a_database_from_a_newer_version_is_refused() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    migrate(conn)
    conn.execute("INSERT INTO migrations VALUES ('9999_future', 'now')")
    with pytest.raises(StoreError, match="does not know"):
        migrate(conn)


def test_open_in_a_missing_folder_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        Store.open(tmp_path / "no" / "such" / "q.db")


# --- ingest -------------------------------------------------------------------------------------

TEXT = 'Mayor Ann Smith said: "We will finish the bridge whatever it costs." Critics disagreed.'


def test_ingesting_the_same_article_again_changes_nothing() -> None:
    with Store.open(":memory:") as store:
        doc = make_doc("a1", TEXT, [("We will finish the bridge whatever it costs.", "Ann Smith")])
        assert store.ingest_document(doc) == "new"
        before = data_counts(store)
        assert store.ingest_document(doc) == "unchanged"
        assert data_counts(store) == before
        assert before["articles"] == 1 and before["quotes"] == 1
        assert store.check() == []


def test_a_changed_article_replaces_its_old_rows() -> None:
    with Store.open(":memory:") as store:
        first = make_doc(
            "a1",
            TEXT + ' "The river will not stop us," she added.',
            [
                ("We will finish the bridge whatever it costs.", "Ann Smith"),
                ("The river will not stop us,", "Ann Smith"),
            ],
        )
        store.ingest_document(first)
        second = make_doc(
            "a1",
            TEXT.replace("Critics", "Some critics"),
            [("We will finish the bridge whatever it costs.", "Bob Jones")],
        )
        assert store.ingest_document(second) == "replaced"
        rows = store.conn.execute("SELECT speaker_name FROM quotes").fetchall()
        assert rows == [("Bob Jones",)]
        assert [s.name for s in store.speakers()] == ["Bob Jones"]  # Ann Smith's row is gone
        assert store.counts()["articles"] == 1
        assert store.check() == []


def test_force_re_extracts_an_unchanged_article() -> None:
    with Store.open(":memory:") as store:
        store.ingest_document(make_doc("a1", TEXT, [("We will finish the bridge", "Ann Smith")]))
        # same text, a better extraction (after an upgrade or with a cue model)
        better = make_doc(
            "a1", TEXT, [("We will finish the bridge whatever it costs.", "Ann Smith")]
        )
        assert store.ingest_document(better) == "unchanged"
        rows = store.conn.execute("SELECT text FROM quotes").fetchall()
        assert rows == [("We will finish the bridge",)]
        assert store.ingest_document(better, force=True) == "re-extracted"
        rows = store.conn.execute("SELECT text FROM quotes").fetchall()
        assert rows == [("We will finish the bridge whatever it costs.",)]
        assert store.counts()["articles"] == 1 and store.check() == []


def test_ingest_command_force_and_cue_model_options(tmp_path: Path) -> None:
    from quotetrace.cli import main

    article = tmp_path / "a.txt"
    article.write_text("Ann Smith said that the bridge would open in May.\n", encoding="utf-8")
    db = str(tmp_path / "q.db")
    assert main(["ingest", str(article), "--db", db]) == 0
    assert main(["ingest", str(article), "--db", db, "--force"]) == 0
    with Store.open(db) as store:
        assert store.counts()["articles"] == 1
        assert store.counts()["quotes"] == 1
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    assert main(["ingest", str(article), "--db", db, "--cue-model", str(bad)]) == 2
    with Store.open(db) as store:  # a refused command leaves the store as it was
        assert store.counts()["quotes"] == 1


def test_ingest_says_why_each_failed_article_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "good.txt").write_text("Ann Smith said that it rained.\n", encoding="utf-8")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    db = str(tmp_path / "q.db")
    assert main(["ingest", str(tmp_path), "--db", db, "--no-progress"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert "quotetrace: empty: empty article" in err
    assert any(line.startswith("quotetrace: image: binary file") for line in err)
    assert "1 new" in err[-1] and "2 failed article(s)" in err[-1]
    with Store.open(db) as store:
        assert store.counts()["articles"] == 1


def test_offsets_are_integers_and_spans_slice_the_text() -> None:
    with Store.open(":memory:") as store:
        text = "He said: \u201cNon\u00e9 \U0001f600 of this is true.\u201d"
        words = "Non\u00e9 \U0001f600 of this is true."
        store.ingest_document(make_doc("a1", text, [(words, "He")]))
        start, end, kind = store.conn.execute(
            "SELECT start, end, typeof(start) FROM quote_spans WHERE role = 'content'"
        ).fetchone()
        assert kind == "integer"
        assert text[start:end] == words
        stored = store.conn.execute("SELECT text FROM articles").fetchone()[0]
        assert stored[start:end] == words


def test_lone_surrogates_and_nul_are_stored_without_moving_offsets() -> None:
    with Store.open(":memory:") as store:
        text = 'A\ud800B\x00C said "bad bytes here are fine" today.'
        store.ingest_document(make_doc("a1", text, [("bad bytes here are fine", "C")]))
        (start,) = store.conn.execute("SELECT start FROM quotes").fetchone()
        assert start == text.index("bad")
        assert store.check() == []


def test_entities_and_mentions_are_stored() -> None:
    with Store.open(":memory:") as store:
        doc = make_doc("a1", TEXT, [("We will finish the bridge whatever it costs.", "Ann Smith")])
        entity = Entity("e1", "Ann Smith", ((6, 15), (6, 15)))  # a repeated mention is kept once
        quote = doc.quotes[0]
        quote = replace(quote, speaker=Party(((6, 15),), "Ann Smith", "e1"))
        store.ingest_document(Document(doc.article, quotes=(quote,), entities=(entity,)))
        assert store.counts()["entities"] == 1 and store.counts()["mentions"] == 1
        assert store.check() == []


def test_a_failed_article_is_recorded_once() -> None:
    with Store.open(":memory:") as store:
        bad = Document(Article(id="broken", text="", source="x.txt"), error="empty article")
        assert store.ingest_document(bad) == "failed"
        assert store.ingest_document(bad) == "failed"
        assert store.counts()["failures"] == 1
        assert store.conn.execute("SELECT seen FROM failures").fetchone()[0] == 2


# --- speakers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Zelenskyy", "p:zelensky:"),
        ("Zelensky", "p:zelensky:"),
        ("Zelenskiy's", "p:zelensky:"),
        ("President Zelenskyy", "p:zelensky:"),
        ("Volodymyr Zelenskyy", "p:zelensky:v"),
        ("Volodymyr Zelenskiy", "p:zelensky:v"),
        ("Sergei Lavrov", "p:lavrov:s"),
        ("Sergey Lavrov", "p:lavrov:s"),
        ("Lech Wałęsa", "p:walesa:l"),
        ("House Speaker Nancy Pelosi", "p:pelosi:n"),
        ("Donald J. Trump Jr.", "p:trump:d"),
        ("Ursula von der Leyen", "p:vonderleyen:u"),
    ],
)
def test_speaker_keys(name: str, key: str) -> None:
    found = speaker_key(name)
    assert found is not None and found.key == key


def test_organisations_keep_their_whole_name() -> None:
    patrol = speaker_key("Florida Highway Patrol", label="ORG")
    assert patrol is not None and patrol.key == "o:florida highway patrol"
    assert not patrol.is_person
    officials = speaker_key("officials")
    assert officials is not None and officials.key == "o:officials"
    assert speaker_key("  ") is None and speaker_key(None) is None
    assert fold("Ærø Łódź") == "aero lodz"


def _zelenskyy_docs(order: list[str]) -> list[Document]:
    docs = []
    for n, name in enumerate(order):
        text = f'{name} said: "We will defend every town number {n} to the end."'
        docs.append(make_doc(f"z{n}", text, [(f"We will defend every town number {n}", name)]))
    return docs


@pytest.mark.parametrize("surname_first", [True, False])
def test_one_speaker_for_every_spelling(surname_first: bool) -> None:
    names = ["Zelenskyy", "Zelensky", "Volodymyr Zelenskyy", "President Zelenskyy", "Zelenskiy"]
    if not surname_first:
        names = names[2:3] + names[:2] + names[3:]
    with Store.open(":memory:") as store:
        for doc in _zelenskyy_docs(names):
            store.ingest_document(doc)
        (speaker,) = store.speakers()
        assert speaker.name == "Volodymyr Zelenskyy"
        assert speaker.quotes == 5 and speaker.articles == 5
        assert {alias for alias, _ in speaker.aliases} == set(names)
        assert store.check() == []


def test_two_people_of_one_surname_stay_apart() -> None:
    with Store.open(":memory:") as store:
        for doc in _zelenskyy_docs(["Oleksandr Zelensky", "Volodymyr Zelensky", "Zelensky"]):
            store.ingest_document(doc)
        names = sorted(s.name for s in store.speakers())
        assert names == ["Oleksandr Zelensky", "Volodymyr Zelensky", "Zelensky"]


# --- trace and export ---------------------------------------------------------------------------

LONG = "It was not me … Putin was the one launching them"


def _putin_docs() -> list[Document]:
    """One quote repeated in different words by four dated articles, given out of date order."""
    return [
        make_doc(
            "later",
            f'Lukashenko told him: "{LONG.upper()}!"',
            [(LONG.upper() + "!", "Lukashenko")],
            published="2025-01-08",
            outlet="Second Outlet",
        ),
        make_doc(
            "headline",
            '"It Was Putin": Lukashenko apologises',
            [("It Was Putin", "Lukashenko")],
            published="2025-01-09T10:00:00+01:00",
            outlet="Headline Daily",
        ),
        make_doc(
            "first",
            f'Zelenskyy said Lukashenko told him: "{LONG}."',
            [(LONG + ".", "Alexander Lukashenko")],
            published="2025-01-05",
            outlet="First Outlet",
            url="https://example.org/first",
        ),
        make_doc(
            "misattributed",
            f'"{LONG}," Zelenskyy said.',
            [(LONG, "Volodymyr Zelenskyy")],
            published="2025-01-07",
        ),
        make_doc(
            "other",
            '"It was a good harvest," the farmer said.',
            [("It was a good harvest", "farmer")],
            published="2025-01-01",
        ),
    ]


def test_trace_names_the_earliest_article_as_first_appearance() -> None:
    with Store.open(":memory:") as store:
        for doc in _putin_docs():
            store.ingest_document(doc)
        found = store.trace("It was Putin")
        assert found is not None
        assert found.first.article_id == "first"
        assert found.first.url == "https://example.org/first"
        assert [a.article_id for a in found.appearances] == [
            "first",
            "misattributed",
            "later",
            "headline",
        ]
        assert len(found.variants) == 4
        assert dict(found.speakers) == {"Alexander Lukashenko": 3, "Volodymyr Zelenskyy": 1}
        assert found.conflicting_speakers
        assert store.trace(found.cluster_id) == found
        assert store.trace("an unrelated sentence about the weather") is None


def test_article_lookup() -> None:
    with Store.open(":memory:") as store:
        for doc in _putin_docs():
            store.ingest_document(doc)
        found = store.article("first")
        assert found is not None and found["url"] == "https://example.org/first"
        (quote,) = found["quotes"]
        ((start, end),) = quote["content"]
        assert found["text"][start:end] == quote["text"]
        assert quote["speaker"] == "Alexander Lukashenko" and quote["cluster_size"] == 4
        assert store.article("missing") is None and store.article("\x00\ud800") is None


def test_trace_and_speakers_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "q.db")
    with Store.open(db) as store:
        for doc in _putin_docs():
            store.ingest_document(doc)
    assert main(["trace", "Putin was the one launching them", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "first appearance: 2025-01-05  First Outlet  https://example.org/first" in out
    assert "different speakers" in out
    assert main(["trace", "It was Putin", "--db", db, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["first"]["article_id"] == "first" and data["conflicting_speakers"]
    assert main(["trace", "nothing like it at all", "--db", db]) == 1
    assert main(["speakers", "--db", db]) == 0
    assert "Alexander Lukashenko" in capsys.readouterr().out
    assert main(["speakers", "--db", str(tmp_path / "missing.db")]) == 2


def test_export_jsonl_csv_parquet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "q.db")
    with Store.open(db) as store:
        for doc in _putin_docs():
            store.ingest_document(doc)
    assert main(["export", "--db", db, "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 5
    assert rows[0]["article_id"] == "other"  # publication order
    first = next(r for r in rows if r["article_id"] == "first")
    assert first["speaker"] == "Alexander Lukashenko" and first["cluster_size"] == 4
    assert isinstance(first["content"][0][0], int)
    assert main(["export", "--db", db, "--format", "csv", "-o", str(tmp_path / "q.csv")]) == 0
    assert (tmp_path / "q.csv").read_text(encoding="utf-8").count("\n") == 6
    assert main(["export", "--db", db, "--format", "parquet"]) == 2  # needs --output
    out = tmp_path / "q.parquet"
    assert main(["export", "--db", db, "--format", "parquet", "-o", str(out)]) == 0
    import pyarrow.parquet as pq

    table = pq.read_table(out)
    assert table.num_rows == 5
    assert set(table.column("cluster_size").to_pylist()) == {1, 4}


# --- the command, with the real extractor -------------------------------------------------------


@pytest.mark.skipif(not WIKINEWS.is_file(), reason="../shared/data/wikinews not present")
def test_ingest_twice_leaves_the_same_row_counts(tmp_path: Path) -> None:
    lines = WIKINEWS.read_text(encoding="utf-8").splitlines()[:6]
    corpus = tmp_path / "six.jsonl"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = str(tmp_path / "q.db")
    assert main(["ingest", str(corpus), "--db", db, "--no-progress"]) == 0
    with Store.open(db) as store:
        first = data_counts(store)
        assert first["articles"] == 6 and first["quotes"] > 0
    assert main(["ingest", str(corpus), "--db", db, "--no-progress"]) == 0
    with Store.open(db) as store:
        assert data_counts(store) == first
        assert store.counts()["runs"] == 2
        assert store.check() == []


# --- crash safety -------------------------------------------------------------------------------

_QUOTED = re.compile(r"[\"“]([^\"”]{12,300})[\"”]")
_NAMES = ["Zelenskyy", "Volodymyr Zelensky", "Nancy Pelosi", "Pelosi", "officials", None]


def _corpus_docs(limit: int = 12) -> list[Document]:
    """Real Wikinews texts (or made-up ones without the data), with their quoted passages."""
    texts: list[tuple[str, str]] = []
    if WIKINEWS.is_file():
        for line in WIKINEWS.read_text(encoding="utf-8").splitlines()[:limit]:
            obj = json.loads(line)
            texts.append((obj["id"], obj["text"]))
    else:
        for n in range(limit):
            body = " ".join(
                f'Speaker {n} said "quote number {n} part {k} of it".' for k in range(8)
            )
            texts.append((f"made-{n}", body))
    docs = []
    for number, (article_id, text) in enumerate(texts):
        pairs = [
            (m.group(1), _NAMES[(number + k) % len(_NAMES)])
            for k, m in enumerate(_QUOTED.finditer(text))
        ]
        docs.append(make_doc(article_id, text, pairs, published=f"2020-01-{number + 1:02d}"))
    return docs


def _edited(doc: Document, version: int, writer: int = 0) -> Document:
    """The same article with a changed text (so a new fingerprint), quotes moved along."""
    prefix = f"Update {writer}-{version}. "
    article = replace(doc.article, text=prefix + doc.article.text)
    quotes = tuple(
        replace(q, content=tuple((s + len(prefix), e + len(prefix)) for s, e in q.content))
        for q in doc.quotes[version % 2 :]
    )
    return Document(article, quotes=quotes)


def _writer(db: str, docs: list[Document], seed: int) -> Iterator[None]:
    """Ingests forever: new versions of every article, so rows are replaced all the time."""
    rng = random.Random(seed)
    with Store.open(db) as store:
        version = 0
        while True:
            version += 1
            for doc in rng.sample(docs, len(docs)):
                store.ingest_document(_edited(doc, version, seed))
                yield


@pytest.mark.slow  # twenty forked writers, each killed
def test_sigkill_at_random_points_leaves_a_consistent_store(tmp_path: Path) -> None:
    import datasketch  # noqa: F401  (loaded before forking, so each child starts writing at once)

    docs = _corpus_docs()
    db = str(tmp_path / "crash.db")
    with Store.open(db) as store:  # the schema exists before the first child starts
        store.ingest_document(docs[0])
    rng = random.Random(20)
    rounds = 20
    versions_seen: set[int] = set()
    for round_no in range(rounds):
        pid = os.fork()
        if pid == 0:  # the child writes until it is killed
            try:
                for _ in _writer(db, docs, round_no):
                    pass
            finally:
                os._exit(0)
        time.sleep(rng.uniform(0.05, 0.5))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        with Store.open(db) as store:
            assert store.check() == [], f"round {round_no}"
            # no half-written article: every stored article has every quote of its version
            for article_id, text, n_quotes in store.conn.execute(
                "SELECT id, text, n_quotes FROM articles"
            ):
                match = re.match(r"Update (\d+)-(\d+)\. ", text)
                original = next(d for d in docs if d.article.id == article_id)
                expected = len(original.quotes)
                if match:
                    writer, version = int(match.group(1)), int(match.group(2))
                    versions_seen.add(writer)
                    expected = len(_edited(original, version, writer).quotes)
                assert n_quotes == expected
    assert len(versions_seen) >= rounds // 2  # the children did write (and were killed writing)
    with Store.open(db) as store:
        assert store.counts()["articles"] == len(docs)


def test_a_stored_article_comes_back_as_the_same_document(pipeline: Pipeline) -> None:
    from quotetrace.model import Article

    text = (
        "Mayor Ann Smith said on Monday: “Engineers told me, ‘The bridge is safe,’ and I believe "
        "them.” Critics said that the council had ignored the residents."
    )
    doc = pipeline.process(Article(id="a1", text=text, published="2024-03-04"))
    assert len(doc.quotes) >= 3 and any(q.parent for q in doc.quotes)
    with Store.open(":memory:") as store:
        store.ingest_document(doc)
        loaded = store.document("a1")
        assert loaded is not None and store.document("missing") is None
        back, ids = loaded
        assert back.article.text == text and back.article.published == "2024-03-04"
        for before, after in zip(doc.quotes, back.quotes, strict=True):
            assert (after.id, after.type, after.content, after.cue, after.parent) == (
                before.id,
                before.type,
                before.content,
                before.cue,
                before.parent,
            )
            assert after.speaker == before.speaker or (
                after.speaker and before.speaker and after.speaker.name == before.speaker.name
            )
            assert ids[after.id]  # every quote has its store id


def test_odd_article_ids_never_raise_when_read_back() -> None:
    with Store.open(":memory:") as store:
        store.ingest_document(
            make_doc("a\x00b", TEXT, [("We will finish the bridge", "Ann Smith")])
        )
        for ident in ("a\x00b", "a\ud800b", "\x00", ""):
            store.document(ident)
            store.article(ident)
        loaded = store.document("a\x00b")  # stored as "a\ufffdb": the same id finds it
        assert loaded is not None and store.article("a\x00b") is not None
