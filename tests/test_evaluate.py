"""Scoring as FORMAT.md §3, on small hand-made documents."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotetrace.cli.eval import add_arguments, run
from quotetrace.errors import EvaluationError, InputError
from quotetrace.evaluate import (
    EvalResult,
    GoldDoc,
    jaccard,
    last_word,
    load_gold,
    load_predictions,
    pair_quotes,
    parse_gold_doc,
    score_documents,
    span_set,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "shared" / "examples"

TEXT = (
    'The mayor said: "We will open the bridge in May." '
    "Later she told reporters that the costs had doubled since the spring. "
    '"It is too early," Tom Baker said, "to talk about tolls."'
)


def sp(text: str, piece: str, nth: int = 0) -> list[int]:
    """The [start, end] of the nth occurrence of ``piece``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(piece, start + 1)
    return [start, start + len(piece)]


def gq(qid: str, content: list[list[int]], **kw: Any) -> dict[str, Any]:
    quote: dict[str, Any] = {
        "id": qid,
        "type": "direct",
        "content": content,
        "speaker": [],
        "speaker_name": None,
        "cue": [],
        "addressee": [],
        "addressee_name": None,
        "parent": None,
    }
    quote.update(kw)
    return quote


def pq(qid: str, content: list[list[int]], **kw: Any) -> dict[str, Any]:
    quote: dict[str, Any] = {
        "id": qid,
        "type": "direct",
        "content": content,
        "cue": [],
        "speaker": None,
        "addressee": None,
        "parent": None,
    }
    quote.update(kw)
    return quote


def speaker(mention: list[list[int]] | None = None, name: str | None = None) -> dict[str, Any]:
    return {"mention": mention or [], "name": name, "entity": None}


def doc(quotes: list[dict[str, Any]], text: str = TEXT, doc_id: str = "d1") -> GoldDoc:
    return parse_gold_doc({"id": doc_id, "text": text, "quotes": quotes})


def score(gold: GoldDoc, quotes: list[dict[str, Any]], **kw: Any) -> EvalResult:
    return score_documents([gold], {gold.id: {"id": gold.id, "quotes": quotes}}, **kw)


def full_gold() -> GoldDoc:
    return doc(
        [
            gq(
                "g1",
                [sp(TEXT, '"We will open the bridge in May."')],
                speaker=[sp(TEXT, "mayor")],
                speaker_name="Anna Berg",
                cue=[sp(TEXT, "said")],
            ),
            gq(
                "g2",
                [sp(TEXT, "the costs had doubled since the spring")],
                type="indirect",
                speaker=[sp(TEXT, "she")],
                speaker_name="Anna Berg",
                cue=[sp(TEXT, "told")],
                addressee=[sp(TEXT, "reporters")],
                addressee_name="reporters",
            ),
            gq(
                "g3",
                [sp(TEXT, '"It is too early,"'), sp(TEXT, '"to talk about tolls."')],
                speaker=[sp(TEXT, "Tom Baker")],
                speaker_name="Tom Baker",
                cue=[sp(TEXT, "said", 1)],
            ),
        ]
    )


def full_pred() -> list[dict[str, Any]]:
    return [
        pq(
            "p1",
            [sp(TEXT, "We will open the bridge in May.")],
            speaker=speaker([sp(TEXT, "The mayor")], "Anna Berg"),
            cue=[sp(TEXT, "said")],
        ),
        pq(
            "p2",
            [sp(TEXT, "the costs had doubled since the spring")],
            type="indirect",
            speaker=speaker([sp(TEXT, "she")], "Anna Berg"),
            cue=[sp(TEXT, "told")],
            addressee=speaker([sp(TEXT, "reporters")], "Reporters"),
        ),
        pq(
            "p3",
            [sp(TEXT, "It is too early,"), sp(TEXT, "to talk about tolls.")],
            speaker=speaker([sp(TEXT, "Baker")], "Tom Baker"),
            cue=[sp(TEXT, "said", 1)],
        ),
    ]


# --- spans and pairing ---------------------------------------------------------------------


def test_span_set_trims_marks_space_and_punctuation() -> None:
    text = " «“Yes — we can!”», "  # only the ends are trimmed: the inner dash stays
    assert "".join(text[i] for i in sorted(span_set(text, [(0, len(text))]))) == "Yes—wecan"
    # ":" alone is trimmed away, unless asked to keep it (cues)
    assert span_set("a: b", [(1, 2)]) == frozenset()
    assert span_set("a: b", [(1, 2)], keep_if_empty=True) == {1}


def test_jaccard_and_greedy_one_to_one_pairing() -> None:
    a, b = frozenset(range(10)), frozenset(range(5, 15))
    assert jaccard(a, b) == pytest.approx(5 / 15)
    assert jaccard(a, frozenset()) == 0.0
    # two predictions on one gold: the better one wins, the other stays unpaired
    pairs = pair_quotes([a], [b, frozenset(range(9))])
    assert [(g, p) for g, p, _ in pairs] == [(0, 1)]
    # disjoint sets are never paired
    assert pair_quotes([a], [frozenset(range(20, 30))]) == []


# --- quotes --------------------------------------------------------------------------------


def test_perfect_prediction_scores_one() -> None:
    result = score(full_gold(), full_pred())
    for view in (result.overlap, result.exact):
        assert (view.quotes.precision, view.quotes.recall, view.quotes.f1) == (1.0, 1.0, 1.0)
        assert view.quote_speaker.f1 == 1.0
        for name in ("content_exact", "cue", "speaker", "speaker_name", "addressee"):
            assert view.fields[name].accuracy == 1.0, name
    assert result.overlap.quotes.tp_gold == 3
    assert result.overlap.fields["cue"].total == 3
    assert result.overlap.fields["parent"].total == 0
    assert result.errors == []


def test_prediction_without_quote_marks_matches_gold_with_them_exactly() -> None:
    gold = doc([gq("g1", [sp(TEXT, '"We will open the bridge in May."')])])
    result = score(gold, [pq("p1", [sp(TEXT, "We will open the bridge in May")])])
    assert result.exact.quotes.tp_pred == 1
    assert result.exact.quotes.f1 == 1.0


def test_half_overlap_is_an_overlap_match_but_not_exact() -> None:
    gold = doc([gq("g1", [sp(TEXT, "We will open the bridge in May.")])])
    # 19 of the 24 non-space characters: Jaccard 0.79
    result = score(gold, [pq("p1", [sp(TEXT, "We will open the bridge")])])
    assert result.overlap.quotes.f1 == 1.0
    assert result.exact.quotes.tp_gold == 0
    assert result.exact.quotes.precision == 0.0
    assert result.overlap.fields["content_exact"].correct == 0


def test_discontinuous_span() -> None:
    gold = doc([gq("g1", [sp(TEXT, '"It is too early,"'), sp(TEXT, '"to talk about tolls."')])])
    both = score(gold, [pq("p1", [sp(TEXT, "It is too early"), sp(TEXT, "to talk about tolls")])])
    assert both.exact.quotes.f1 == 1.0
    # 12 of 28 characters: paired, but below 0.5
    first_only = score(gold, [pq("p1", [sp(TEXT, "It is too early")])])
    assert first_only.overlap.quotes.tp_gold == 0
    assert {e.kind for e in first_only.errors} == {"missed", "false alarm"}


def test_two_predictions_on_one_gold_leave_one_false_alarm() -> None:
    gold = doc([gq("g1", [sp(TEXT, "We will open the bridge in May.")])])
    preds = [
        pq("p1", [sp(TEXT, "We will open the bridge")]),
        pq("p2", [sp(TEXT, "We will open the bridge in May")]),
    ]
    result = score(gold, preds)
    q = result.overlap.quotes
    assert (q.tp_pred, q.n_pred, q.tp_gold, q.n_gold) == (1, 2, 1, 1)
    assert q.precision == 0.5
    assert [(e.kind, e.quote_id) for e in result.errors] == [("false alarm", "p1")]


def test_optional_gold_absorbs_a_prediction_and_is_never_a_miss() -> None:
    gold = doc(
        [
            gq("g1", [sp(TEXT, "We will open the bridge in May.")], meta={"borderline": True}),
            gq("g2", [sp(TEXT, "the costs had doubled since the spring")], type="indirect"),
            gq("g3", [sp(TEXT, "to talk about tolls.")], meta={"transcript": True}),
            gq("g4", [sp(TEXT, "It is too early,")], level="headline"),
        ]
    )
    assert [q.optional for q in gold.quotes] == [True, False, True, True]
    preds = [
        pq("p1", [sp(TEXT, "We will open the bridge in May")]),
        pq("p2", [sp(TEXT, "the costs had doubled since the spring")], type="indirect"),
        pq("p3", [sp(TEXT, "tolls")]),  # paired with g3 below 0.5: still absorbed
    ]
    result = score(gold, preds)
    for view in (result.overlap, result.exact):
        q = view.quotes
        assert (q.tp_pred, q.n_pred, q.tp_gold, q.n_gold) == (1, 1, 1, 1)
    assert result.n_absorbed == 2
    assert result.n_optional == 3
    assert result.errors == []


def test_per_type_counts_use_gold_type_for_recall_and_predicted_type_for_precision() -> None:
    gold = full_gold()
    preds = full_pred()
    preds[1]["type"] = "direct"  # the indirect gold predicted as direct
    preds.append(pq("p4", [sp(TEXT, "Later")], type="mixed"))  # a false alarm
    by_type = score(gold, preds).overlap.by_type
    assert (by_type["direct"].tp_gold, by_type["direct"].n_gold) == (2, 2)
    assert (by_type["direct"].tp_pred, by_type["direct"].n_pred) == (3, 3)
    assert (by_type["indirect"].tp_gold, by_type["indirect"].n_gold) == (1, 1)
    assert by_type["indirect"].n_pred == 0
    assert (by_type["mixed"].tp_pred, by_type["mixed"].n_pred, by_type["mixed"].n_gold) == (0, 1, 0)


def test_kinds_filter_predictions() -> None:
    gold = doc([gq("g1", [sp(TEXT, "We will open the bridge in May.")])])
    preds = [
        pq("p1", [sp(TEXT, "We will open the bridge in May")]),  # no kind: speech
        pq("p2", [sp(TEXT, "the costs had doubled")], kind="thought"),
    ]
    assert score(gold, preds).overlap.quotes.n_pred == 2
    kept = score(gold, preds, kinds=("speech", "writing")).overlap.quotes
    assert (kept.n_pred, kept.precision) == (1, 1.0)


# --- fields --------------------------------------------------------------------------------


def _speaker_result(gold_quote: dict[str, Any], pred_speaker: dict[str, Any] | None) -> bool:
    gold = doc([gold_quote])
    pred = pq("p1", gold_quote["content"], speaker=pred_speaker)
    result = score(gold, [pred])
    assert result.overlap.fields["speaker"].total == 1
    return result.overlap.fields["speaker"].correct == 1


def test_speaker_right_by_shared_character() -> None:
    g = gq("g1", [sp(TEXT, "to talk about tolls.")], speaker=[sp(TEXT, "Tom Baker")])
    assert _speaker_result(g, speaker([sp(TEXT, "Baker")], None))
    assert not _speaker_result(g, speaker([sp(TEXT, "mayor")], None))
    assert not _speaker_result(g, None)


def test_speaker_right_by_last_word_of_the_name() -> None:
    g = gq("g1", [sp(TEXT, "to talk about tolls.")], speaker=[sp(TEXT, "Tom Baker")])
    assert _speaker_result(g, speaker([sp(TEXT, "mayor")], "Thomas BAKER"))
    assert not _speaker_result(g, speaker([], "Tom Hanks"))


def test_pronoun_gold_mention_is_not_matched_by_name() -> None:
    g = gq("g1", [sp(TEXT, "the costs had doubled")], speaker=[sp(TEXT, "she")])
    # "she" is Anna Berg, but §3 matches names against named mentions only
    assert not _speaker_result(g, speaker([sp(TEXT, "The mayor")], "She"))
    assert not _speaker_result(g, speaker([], "Anna Berg"))
    assert _speaker_result(g, speaker([sp(TEXT, "she")], None))


def test_speaker_without_gold_mention() -> None:
    text = '"Come back soon." "We will."'
    named = gq("g1", [sp(text, "Come back soon.")], speaker_name="Lena Ortiz")
    assert _speaker_result_text(text, named, speaker([], "L. Ortiz"))
    assert not _speaker_result_text(text, named, None)
    unknown = gq("g1", [sp(text, "We will.")])
    assert _speaker_result_text(text, unknown, None)
    assert not _speaker_result_text(text, unknown, speaker([], "Lena Ortiz"))


def _speaker_result_text(text: str, g: dict[str, Any], s: dict[str, Any] | None) -> bool:
    result = score(doc([g], text=text), [pq("p1", g["content"], speaker=s)])
    return result.overlap.fields["speaker"].correct == 1


def test_names_compare_case_folded_without_accents() -> None:
    assert last_word("Volodymyr Zelenskyy") == last_word("ZELENSKYY") == "zelenskyy"
    assert last_word("José") == last_word("Jose")
    assert last_word("Martin Luther King Jr.") == "king"
    assert last_word("Zelenskyy's office") == "office"
    text = '"We are ready," José Núñez told Ms. Müller.'
    gold = doc(
        [
            gq(
                "g1",
                [sp(text, '"We are ready,"')],
                speaker=[sp(text, "José Núñez")],
                speaker_name="José Núñez",
                addressee=[sp(text, "Ms. Müller")],
                addressee_name="Greta Müller",
            )
        ],
        text=text,
    )
    pred = pq(
        "p1",
        [sp(text, "We are ready")],
        speaker=speaker([], "JOSE NUNEZ"),
        addressee=speaker([], "Mueller"),
    )
    fields = score(gold, [pred]).overlap.fields
    assert (fields["speaker"].correct, fields["speaker_name"].correct) == (1, 1)
    assert (fields["addressee"].correct, fields["addressee"].total) == (0, 1)


def test_cue_and_spurious_addressee() -> None:
    gold = full_gold()
    preds = full_pred()
    preds[0]["cue"] = [sp(TEXT, ":")]  # wrong cue
    preds[2]["addressee"] = speaker([], "Anna Berg")  # gold has no addressee here
    result = score(gold, preds)
    assert (result.overlap.fields["cue"].correct, result.overlap.fields["cue"].total) == (2, 3)
    assert result.overlap.addressee_spurious == 1


def test_parent_scoring() -> None:
    text = "Mr. Ode said: \"She told me, 'Never again,' and left.\""
    outer, inner = sp(text, "She told me, 'Never again,' and left."), sp(text, "Never again,")
    gold = doc([gq("g1", [outer]), gq("g2", [inner], parent="g1")], text=text)

    def parent_fields(parents: tuple[str | None, str | None]) -> tuple[int, ...]:
        preds = [pq("a", [outer], parent=parents[0]), pq("b", [inner], parent=parents[1])]
        f = score(gold, preds).overlap.fields
        return (f["parent"].correct, f["parent"].total) + (
            f["parent_pred"].correct,
            f["parent_pred"].total,
        )

    assert parent_fields((None, "a")) == (1, 1, 1, 1)
    assert parent_fields((None, "zz")) == (0, 1, 0, 1)
    assert parent_fields((None, None)) == (0, 1, 0, 0)
    # a parent where the gold has none is an error in the precision view
    assert parent_fields(("b", "a")) == (1, 1, 1, 2)


def test_results_aggregate_over_documents_and_serialise() -> None:
    gold_a = full_gold()
    gold_b = doc([gq("g1", [sp(TEXT, "Later")])], doc_id="d2")
    preds: dict[str, dict[str, Any]] = {
        "d1": {"id": "d1", "quotes": full_pred()},
        "d3": {"id": "d3", "quotes": []},
    }
    result = score_documents([gold_a, gold_b], preds, max_errors=1)
    q = result.overlap.quotes
    assert (q.tp_gold, q.n_gold, q.n_pred) == (3, 4, 3)
    assert [d.missing for d in result.documents] == [False, True]
    assert len(result.errors) == 1 and result.errors[0].kind == "missed"
    data = json.loads(json.dumps(result.to_dict()))
    assert data["overlap"]["quotes"]["recall"] == 0.75
    assert data["per_document"][1]["doc_id"] == "d2"
    table = result.format_table(per_document=True)
    assert "quote + speaker" in table and "d2" in table


# --- loading -------------------------------------------------------------------------------


@pytest.mark.skipif(not EXAMPLE.is_dir(), reason="shared examples not present")
def test_load_example_gold() -> None:
    (gold,) = load_gold(EXAMPLE / "lukashenko-apology.gold.json")
    assert gold.id == "lukashenko-apology"
    assert len(gold.quotes) == 16
    assert sum(q.optional for q in gold.quotes) == 2
    raw = json.loads((EXAMPLE / "lukashenko-apology.gold.json").read_text(encoding="utf-8"))
    for quote, obj in zip(gold.quotes, raw["quotes"], strict=True):
        if "content_text" in obj:
            assert " ".join(gold.text[s:e] for s, e in quote.content) == obj["content_text"]
    nested = {q.id: q.parent for q in gold.quotes if q.parent}
    assert nested and all(isinstance(v, str) for v in nested.values())
    assert any(q.addressee_name for q in gold.quotes)
    assert all(q.speaker_name for q in gold.quotes)


def test_load_jsonl_gold_and_predictions(tmp_path: Path) -> None:
    gold_path = tmp_path / "gold.jsonl"
    lines = [
        {"id": "a", "text": "x", "quotes": []},
        {"id": "b", "text": TEXT, "quotes": [gq("g1", [[0, 3]], meta={"borderline": True})]},
    ]
    gold_path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    docs = load_gold(gold_path)
    assert [d.id for d in docs] == ["a", "b"]
    assert docs[1].quotes[0].optional
    pred_path = tmp_path / "pred.jsonl"
    pred_path.write_text(json.dumps({"id": "b", "quotes": [], "error": None}) + "\n")
    assert list(load_predictions(pred_path)) == ["b"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": "a", "text": "x", "quotes": []}\n{"id": "b", "text": ', ":2:"),
        ('{"id": "a", "text": "xyz", "quotes": [{"content": [[0, 9]]}]}\n', "outside the text"),
        ('{"id": "a", "text": "xyz", "quotes": [{"content": [0, 2]}]}\n', "[start, end]"),
        ('{"id": "a", "text": "xyz", "quotes": [{"type": "direct"}]}\n', "no content"),
        ('{"id": "a", "quotes": []}\n', "no text"),
        ('{\n  "id": "a",\n  "text": \n}\n', ":4:"),
        (
            '{"id": "a", "text": "xyz", "quotes": [{"id": "q1", "content": [], "parent": "q7"}]}',
            "unknown parent",
        ),
    ],
)
def test_malformed_gold_raises(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(EvaluationError, match="bad.jsonl") as info:
        load_gold(path)
    assert message in str(info.value)


def test_malformed_prediction_raises() -> None:
    gold = doc([])
    with pytest.raises(EvaluationError, match="prediction 'd1'"):
        score(gold, [pq("p1", [[0, len(TEXT) + 5]])])
    with pytest.raises(EvaluationError, match="speaker"):
        score(gold, [pq("p1", [[0, 3]], speaker="Tom")])


def test_missing_gold_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        load_gold(tmp_path / "nope.jsonl")


# --- CLI glue ------------------------------------------------------------------------------


def _write_case(tmp_path: Path) -> tuple[Path, Path]:
    gold = full_gold()
    gold_path = tmp_path / "gold.jsonl"
    raw = {
        "id": gold.id,
        "text": TEXT,
        "quotes": [
            gq(q.id, [list(s) for s in q.content], speaker=[list(s) for s in q.speaker_mention])
            for q in gold.quotes
        ],
    }
    gold_path.write_text(json.dumps(raw) + "\n", encoding="utf-8")
    preds = full_pred()[:2] + [pq("p9", [sp(TEXT, "Later")])]
    preds[1]["speaker"] = speaker([sp(TEXT, "mayor")], None)
    pred_path = tmp_path / "pred.jsonl"
    pred_path.write_text(json.dumps({"id": "d1", "quotes": preds}) + "\n", encoding="utf-8")
    return gold_path, pred_path


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(list(argv))


def _no_extract(docs: list[GoldDoc]) -> dict[str, dict[str, Any]]:
    raise AssertionError("extract_fn must not be called with --pred")


def test_run_floors_give_exit_code_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold_path, pred_path = _write_case(tmp_path)
    # P = R = 2/3, speaker 1/2
    assert run(_args(str(gold_path), "--pred", str(pred_path)), _no_extract) == 0
    assert "quote + speaker" in capsys.readouterr().out
    args = _args(str(gold_path), "--pred", str(pred_path), "--min-f1", "0.6")
    assert run(args, _no_extract) == 0
    args = _args(str(gold_path), "--pred", str(pred_path), "--min-f1", "70")
    assert run(args, _no_extract) == 1
    assert "overlap F1" in capsys.readouterr().err
    args = _args(str(gold_path), "--pred", str(pred_path), "--min-speaker", "0.75")
    assert run(args, _no_extract) == 1
    assert "speaker accuracy" in capsys.readouterr().err


def test_run_extracts_when_no_pred_and_prints_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold_path, _ = _write_case(tmp_path)
    seen: list[str] = []

    def extract(docs: list[GoldDoc]) -> dict[str, dict[str, Any]]:
        seen.extend(d.id for d in docs)
        assert docs[0].text == TEXT
        return {d.id: {"id": d.id, "quotes": full_pred()} for d in docs}

    args = _args(str(gold_path), "--json", "--limit", "1", "--types", "speech", "--errors", "3")
    assert run(args, extract) == 0
    assert seen == ["d1"]
    data = json.loads(capsys.readouterr().out)
    assert data["overlap"]["quotes"]["f1"] == 1.0
    assert data["kinds"] == ["speech"]


def test_run_reports_bad_input_with_exit_code_two(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json}\n", encoding="utf-8")
    assert run(_args(str(bad)), _no_extract) == 2
    assert "bad.jsonl" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        _args(str(bad), "--types", "speech,gossip")


# --- property ------------------------------------------------------------------------------


@st.composite
def self_scored(draw: st.DrawFn) -> tuple[str, list[dict[str, Any]]]:
    text = draw(st.text(alphabet='ab cé."“”,\n', min_size=1, max_size=60))
    n = len(text)
    span = st.tuples(st.integers(0, n), st.integers(0, n)).map(lambda t: sorted(t))
    quotes = []
    for i in range(draw(st.integers(1, 5))):
        content = draw(st.lists(span, min_size=1, max_size=2))
        if not span_set(text, [(s, e) for s, e in content]):
            continue
        mention = draw(st.lists(span, max_size=1))
        quotes.append(
            pq(
                f"q{i}",
                content,
                type=draw(st.sampled_from(["direct", "indirect", "mixed"])),
                speaker=speaker(mention, draw(st.sampled_from([None, "Ana", "José Luis"]))),
            )
        )
    return text, quotes


@settings(max_examples=200, deadline=None)
@given(self_scored())
def test_prediction_scored_against_itself_is_perfect(
    case: tuple[str, list[dict[str, Any]]],
) -> None:
    text, quotes = case
    gold = doc(
        [
            gq(
                q["id"],
                q["content"],
                type=q["type"],
                speaker=q["speaker"]["mention"],
                speaker_name=q["speaker"]["name"],
            )
            for q in quotes
        ],
        text=text,
    )
    result = score(gold, quotes)
    if quotes:
        assert result.exact.quotes.f1 == 1.0
        assert result.overlap.quote_speaker.f1 == 1.0
    assert result.errors == []
