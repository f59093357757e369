"""Search: any user string is a valid query; filters; formats; the benchmark command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_store import make_doc

from quotetrace.cli import main
from quotetrace.errors import StoreError
from quotetrace.store import Store
from quotetrace.store.bench import format_timings, generate_store, time_queries
from quotetrace.store.search import HOSTILE_QUERIES, check_day, fts_phrase, like_pattern


@pytest.fixture
def store() -> Store:
    s = Store.open(":memory:")
    rows = [
        ("a1", "2019-03-01", "Kyiv Post", "Zelenskyy", "We will not give up our land", "speech"),
        ("a2", "2019-06-01", "Kyiv Post", "Volodymyr Zelensky", "Peace is possible this year", "writing"),
        ("a3", "2020-02-01", "The Times", "Boris Johnson", "Get Brexit done, 100% done", "speech"),
        ("a4", "2021-01-01", "The Times", "officials", "The bridge is 50_000 tonnes of steel", "finding"),
        ("a5", None, None, None, 'She called it "fake" and NEAR(perfect) * OR not', "speech"),
    ]  # fmt: skip
    for article_id, date, outlet, speaker, words, kind in rows:
        text = f'{speaker or "Someone"} said: "{words}."'
        s.ingest_document(
            make_doc(article_id, text, [(words, speaker)], published=date, outlet=outlet, kind=kind)
        )
    return s


def test_at_least_thirty_hostile_strings() -> None:
    assert len(HOSTILE_QUERIES) >= 30


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_strings_never_raise(store: Store, query: str) -> None:
    hits = store.search(query)
    assert isinstance(hits, list)
    # the same strings as filters and in other sort orders
    store.search("peace", speaker=query, outlet=query, sort="newest")
    store.search(query, kinds=(query,), sort="oldest")
    assert store.trace(query) is None or store.trace(query) is not None


def test_hostile_strings_through_the_command(tmp_path: Path) -> None:
    db = str(tmp_path / "q.db")
    with Store.open(db) as s:
        s.ingest_document(
            make_doc("a1", 'He said "hello there world".', [("hello there world", "He")])
        )
    for query in HOSTILE_QUERIES:
        if "\x00" in query or "\ud800" in query:
            continue  # not possible in a command line argument
        assert main(["search", "--db", db, "--", query]) in (0, 1)
        assert main(["search", f"--speaker={query}", f"--outlet={query}", "--db", db, "x"]) in (
            0,
            1,
        )


def test_query_building() -> None:
    assert fts_phrase('say "hi" NEAR(x)') == '"say ""hi"" NEAR(x)"'
    assert fts_phrase("a\x00b") == '"ab"'
    assert fts_phrase("***") is None
    assert fts_phrase("") is None
    assert like_pattern("50%_\\") == "%50\\%\\_\\\\%"


def test_words_are_a_phrase_in_order(store: Store) -> None:
    assert [h.quote_id for h in store.search("peace is possible")] != []
    assert store.search("possible is peace") == []
    assert len(store.search("zelenskyy")) == 0  # the name is the speaker, not the quote


def test_punctuation_only_falls_back_to_like(store: Store) -> None:
    (hit,) = store.search("%")
    assert "100%" in hit.text
    (hit,) = store.search("_")
    assert "50_000" in hit.text
    assert len(store.search("")) == 5  # an empty query lists everything


def test_operators_are_plain_words(store: Store) -> None:
    (hit,) = store.search("NEAR(perfect) * OR not")
    assert hit.quote_id
    assert store.search("give OR peace") == []


def test_speaker_filter_matches_every_spelling(store: Store) -> None:
    for name in (
        "Zelenskyy",
        "zelensky",
        "President Zelenskiy",
        "Volodymyr Zelenskyy",
        "V. Zelensky",
    ):
        hits = store.search("", speaker=name)
        assert {h.speaker for h in hits} == {"Volodymyr Zelensky"}, name
        assert len(hits) == 2
    assert store.search("", speaker="Oleksandr Zelensky") == []
    assert len(store.search("", speaker="officials")) == 1


def test_outlet_date_and_kind_filters(store: Store) -> None:
    assert len(store.search("", outlet="kyiv")) == 2
    assert len(store.search("", since="2020")) == 2
    assert len(store.search("", until="2019-06")) == 2
    assert len(store.search("", since="2019-06-01", until="2019-06-01")) == 1
    assert len(store.search("", kinds=("speech",))) == 3
    assert len(store.search("", kinds=("speech", "writing"), outlet="Post")) == 2
    with pytest.raises(StoreError):
        store.search("", since="2019-13-01")
    assert check_day("2020") == "2020"


def test_sort_orders(store: Store) -> None:
    newest = [h.published for h in store.search("", sort="newest")]
    assert newest[0] == "2021-01-01" and newest[-1] is None
    oldest = [h.published for h in store.search("", sort="oldest")]
    assert oldest[0] == "2019-03-01"


def test_search_command_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "q.db")
    with Store.open(db) as s:
        s.ingest_document(
            make_doc("a1", 'Ann said "the bridge is ours".', [("the bridge is ours", "Ann Smith")])
        )
    assert main(["search", "bridge", "--db", db]) == 0
    assert "the bridge is ours" in capsys.readouterr().out
    assert main(["search", "bridge", "--db", db, "--format", "jsonl"]) == 0
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert row["speaker"] == "Ann Smith"
    assert main(["search", "bridge", "--db", db, "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("quote_id,text,")
    assert main(["search", "tunnel", "--db", db]) == 1


def test_bad_dates_are_refused_by_the_command(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main(["search", "x", "--db", str(tmp_path / "q.db"), "--since", "yesterday"])
    with pytest.raises(SystemExit):
        main(["search", "x", "--db", str(tmp_path / "q.db"), "--kind", "gossip"])


def test_bench_store_and_timings(tmp_path: Path) -> None:
    path = str(tmp_path / "bench.db")
    built = generate_store(path, 2_500, seed=3)
    assert built.quotes == 2_500 and built.articles == 250
    with Store.open(path) as s:
        assert s.counts()["quotes"] == 2_500
        assert s.check() == []
    timings = time_queries(path, 40, seed=3)
    assert len(timings["all"]) == 40 + len(HOSTILE_QUERIES)
    assert "hostile" in timings and "phrase + speaker" in timings
    assert "p95 ms" in format_timings(built, timings)


def test_bench_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench-search", "--quotes", "500", "--queries", "20"]) == 0
    out = capsys.readouterr().out
    assert "p50 ms" in out and "500 quotes" in out


def test_occasion_and_said_since_filters(tmp_path: Path) -> None:
    from dataclasses import replace

    from quotetrace.model import Occasion, SaidOn

    with Store.open(tmp_path / "ctx.db") as db:
        doc = make_doc(
            "ctx1",
            'Ana said "the bridge will open in May" and later "the budget is fine".',
            [("the bridge will open in May", "Ana Ortiz"), ("the budget is fine", "Ana Ortiz")],
        )
        first, second = doc.quotes
        first = replace(
            first,
            occasion=Occasion("interview", "Tom Baker", ((0, 3),)),
            said_on=SaidOn("2024-03-03", "on March 3", ((0, 3),)),
        )
        second = replace(second, occasion=Occasion("press conference", None, ((0, 3),)))
        db.ingest_document(replace(doc, quotes=(first, second)))
        assert [h.text for h in db.search("", occasion="interview")] == [first.text]
        assert [h.text for h in db.search("", occasion="Press Conference")] == [second.text]
        assert [h.text for h in db.search("", said_since="2024-03")] == [first.text]
        assert db.search("", said_since="2024-04") == []
