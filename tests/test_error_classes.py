"""Error classes of ``eval --errors``: missed quotes by cue kind, wrong speakers by cause."""

from __future__ import annotations

from quotetrace.error_classes import cue_kind, known_name_words, speaker_cause
from quotetrace.evaluate import parse_gold_doc, score_documents


def _at(text: str, piece: str) -> tuple[int, int]:
    start = text.index(piece)
    return (start, start + len(piece))


def test_cue_kinds() -> None:
    text = "Critics voiced the warning that prices will rise. As Smith put it, costs soared."
    assert cue_kind(text, [_at(text, "warning")], [_at(text, "Critics")]) == "noun cue"
    assert cue_kind(text, [_at(text, "put")], [_at(text, "Smith")]) == "as-clause"
    assert cue_kind(text, [], []) == "no cue, continuation"
    text = "Smith, who said that the plan failed, left. Jones (according to Lee) won."
    assert cue_kind(text, [_at(text, "said")], [_at(text, "who")]) == "relative clause"
    assert cue_kind(text, [_at(text, "according to")], [_at(text, "Lee")]) == "according to"


def test_speaker_causes() -> None:
    text = "He said it. The senator said it. Ada Lane and the Centers for Disease Control spoke."
    known = known_name_words(["Ada Lane", "Centers for Disease Control"])
    he, senator = _at(text, "He"), _at(text, "The senator")
    assert speaker_cause(text, [he], "Ada Lane", "Bob Smith", known) == "non-name"
    assert speaker_cause(text, [he], "Ada Lane", "Centers for Disease Control", known) == "pronoun"
    assert speaker_cause(text, [senator], "Ada Lane", "senator", known) == "role noun"
    org = _at(text, "Centers for Disease Control")
    assert speaker_cause(text, [org], "Centers for Disease Control", "Ada", known) == "organisation"
    assert speaker_cause(text, [he], "Ada Lane", None, known) == "no name"


def test_eval_counts_classes_and_confident_names() -> None:
    text = 'Ada Lane said the bridge will open. "It is late," she said.'
    gold = parse_gold_doc(
        {
            "id": "d",
            "text": text,
            "quotes": [
                {
                    "id": "g1",
                    "type": "indirect",
                    "content": [list(_at(text, "the bridge will open"))],
                    "speaker": [list(_at(text, "Ada Lane"))],
                    "speaker_name": "Ada Lane",
                },
                {
                    "id": "g2",
                    "type": "direct",
                    "content": [list(_at(text, "It is late,"))],
                    "speaker": [list(_at(text, "she"))],
                    "speaker_name": "Ada Lane",
                },
            ],
        }
    )
    pred = {
        "id": "d",
        "quotes": [
            {
                "id": "p1",
                "type": "indirect",
                "content": [list(_at(text, "the bridge will open"))],
                "speaker": {"mention": [list(_at(text, "Ada Lane"))], "name": "Ada Lane"},
                "confidence": 0.9,
            },
            {
                "id": "p2",
                "type": "direct",
                "content": [list(_at(text, "It is late"))],
                "speaker": {"mention": [list(_at(text, "she"))], "name": "Bridge"},
                "confidence": 0.3,
            },
        ],
    }
    result = score_documents([gold], {"d": pred})
    fields = result.overlap.fields
    assert (fields["speaker_name"].correct, fields["speaker_name"].total) == (1, 2)
    # the wrong name came with a low confidence: above the threshold every name is right
    assert (fields["speaker_name_confident"].correct, fields["speaker_name_confident"].total) == (
        1,
        1,
    )
    assert result.error_classes == {"wrong name: non-name": 1}
    assert "wrong name: non-name" in result.format_table(per_document=True)
