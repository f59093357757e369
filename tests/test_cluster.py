"""Quote clusters: normalisation, verification, the LSH index, and P/R on the labelled groups."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_store import make_doc

from quotetrace.cli import main
from quotetrace.store import Store
from quotetrace.store.cluster import (
    ClusterMatch,
    NearDuplicateIndex,
    clusters_to_join,
    evaluate_groups,
    match,
    normalise,
    same_quote,
)

GROUPS = Path(__file__).parent / "data" / "cluster_groups.jsonl"


def same(a: str, b: str) -> bool:
    return same_quote(normalise(a), normalise(b))


def test_normalise_folds_case_punctuation_spelling_and_numbers() -> None:
    assert normalise("“It’s the COLOUR of Défense…” [sic]") == (
        "it",
        "the",
        "color",
        "of",
        "defense",
        "sic",
    )
    assert normalise("We organised 1,000 programmes") == normalise("we organized 1000 programs")
    assert normalise("ten years") == ("10", "years")
    assert normalise("the centre travelled") == normalise("the center traveled")
    assert normalise("Biden's plan") == ("biden", "plan")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # the example: a headline's shortened form inside the quote
        ("It Was Putin", "It was not me … Putin was the one launching them"),
        ("It was not me, Putin was the one.", "it was NOT me — Putin was the one"),
        ("We will finish the bridge", "We will finish the bridge whatever it costs, and soon"),
        (
            "We will finish the bridge … and soon",
            "We will finish the bridge whatever it costs, and soon",
        ),
        (
            "the defence of the realm is our first priority",
            "The defense of the realm is our first priority.",
        ),
        (
            "a threat of 10 years in jail for making this decision",
            "a threat of ten years in jail for making this decision",
        ),
    ],
)
def test_variants_match(a: str, b: str) -> None:
    assert same(a, b) and same(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Biden's plan is not a solution to the virus", "Biden's plan is a solution to the virus"),
        ("It is not a license for abortion", "It is a license for abortion on demand"),
        ("a threat of 10 years in jail", "a threat of 14 years in jail"),
        ("one of the best officers to ever serve at CIA", "one of the best officers to ever serve in the NYPD"),
        ("what they want", "voters should vote for what they want"),  # too common alone
        ("to do", "to do"),  # too short
        ("he had tested positive for COVID-19", "he and his wife First Lady Melania Trump tested positive for COVID-19"),
        ("True justice takes courage", "True justice takes time"),
    ],
)  # fmt: skip
def test_different_statements_do_not_match(a: str, b: str) -> None:
    assert not same(a, b) and not same(b, a)


def test_match_scores_the_share_covered() -> None:
    assert match(normalise("a b c d"), normalise("a b c d")) == 1.0
    score = match(normalise("finish the bridge"), normalise("we will finish the bridge today"))
    assert score == pytest.approx(3 / 6)


def test_a_short_fragment_does_not_chain_two_statements() -> None:
    both = [ClusterMatch("c1", 0.5, True, True), ClusterMatch("c2", 0.4, True, True)]
    assert clusters_to_join(both) == {"c1"}
    containing = [ClusterMatch("c1", 0.5, True, False), ClusterMatch("c2", 0.4, True, False)]
    assert clusters_to_join(containing) == {"c1", "c2"}  # the new quote holds both: merge
    assert clusters_to_join([ClusterMatch("c1", 0.5, False, True)]) == set()


def test_near_duplicate_index() -> None:
    index = NearDuplicateIndex()
    tokens = normalise("we will not give up our land to anyone ever again in this war")
    index.add(1, tokens)
    index.add_many([(2, normalise("peace is possible this year")), (3, tokens)])
    assert {1, 3} <= index.query(tokens)
    index.remove(1)
    assert 1 not in index.query(tokens) and len(index) == 2
    assert index.query(()) == set()


def test_the_store_clusters_variants_and_keeps_statements_apart() -> None:
    docs = [
        make_doc("a", 'He said "We will finish the bridge whatever it costs."', [("We will finish the bridge whatever it costs.", "Ann Smith")]),
        make_doc("b", 'Headline: "Finish the Bridge Whatever It Costs"', [("Finish the Bridge Whatever It Costs", None)]),
        make_doc("c", '"We will not finish the bridge whatever it costs," Bob said.', [("We will not finish the bridge whatever it costs,", "Bob")]),
        make_doc("d", '"We will finish the bridge…whatever it costs" she said', [("We will finish the bridge…whatever it costs", "Ann Smith")]),
    ]  # fmt: skip
    with Store.open(":memory:") as store:
        for doc in docs:
            store.ingest_document(doc)
        cluster = dict(store.conn.execute("SELECT article_id, cluster_id FROM quotes"))
        assert cluster["a"] == cluster["b"] == cluster["d"]
        assert cluster["c"] != cluster["a"]
        assert store.counts()["clusters"] == 2
        assert store.check() == []


def test_a_nested_quote_is_not_a_repetition_of_its_parent() -> None:
    text = "Reuters said the source had said the talks will resume on Monday morning."
    outer = "the source had said the talks will resume on Monday morning"
    doc = make_doc(
        "a", text, [(outer, "Reuters"), ("the talks will resume on Monday morning", "the source")]
    )
    with Store.open(":memory:") as store:
        store.ingest_document(doc)
        assert store.counts()["clusters"] == 2  # overlapping spans: two layers, not a repeat


def test_replacing_an_article_drops_its_quotes_from_clusters() -> None:
    with Store.open(":memory:") as store:
        store.ingest_document(
            make_doc(
                "a",
                '"Peace is possible this very year"',
                [("Peace is possible this very year", "X")],
            )
        )
        store.ingest_document(
            make_doc(
                "b",
                '"Peace is possible this very year!"',
                [("Peace is possible this very year!", "X")],
            )
        )
        assert store.counts()["clusters"] == 1
        store.ingest_document(
            make_doc(
                "b",
                '"Something else entirely was said here"',
                [("Something else entirely was said here", "X")],
            )
        )
        assert store.counts()["clusters"] == 2
        store.ingest_document(
            make_doc(
                "c",
                '"peace is possible this very year"',
                [("peace is possible this very year", "Y")],
            )
        )
        assert store.counts()["clusters"] == 2
        assert store.check() == []


@pytest.mark.skipif(not GROUPS.is_file(), reason="cluster groups file missing")
def test_precision_and_recall_on_the_labelled_groups() -> None:
    score = evaluate_groups(GROUPS, seed=0)
    assert score.groups >= 50 and score.quotes >= 150
    # floors a little under the measured figures (see tests/data/README.md); they only go up
    assert score.precision >= 0.95
    assert score.recall >= 0.75
    variants = {v for v, _, _ in score.by_variant}
    assert {
        "truncation",
        "partial",
        "ellipsis",
        "punctuation_case",
        "headline",
        "spelling",
    } <= variants


def test_cluster_eval_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cluster-eval", str(GROUPS), "--seeds", "1"]) == 0
    out = capsys.readouterr().out
    assert "precision" in out and "recall" in out
