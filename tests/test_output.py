"""Output stage (output/jsonl.py, table.py, html_report.py, chains.py) on hand-built Documents."""

from __future__ import annotations

import json
import re
from typing import Any

from quotetrace.model import (
    Article,
    Document,
    Entity,
    Finding,
    Occasion,
    Party,
    Quote,
    SaidOn,
    Span,
    join_spans,
)
from quotetrace.output import chains, html_report, jsonl, table

TEXT = (
    "Anna Berg told the city council on Monday that she had spoken to Carl Dahl. "
    "“Carl called me and said ‘I will resign before noon, and Erik Holm knows it,’ "
    "so I asked him to wait,” Berg said in an interview with Radio North.\n"
    "The council reportedly voted later."
)

QUOTE_FIELDS = {
    "id",
    "type",
    "content",
    "text",
    "cue",
    "speaker",
    "addressee",
    "parent",
    "hedge",
    "kind",
    "occasion",
    "said_on",
    "confidence",
}
KNOWN_EXTRA_QUOTE_FIELDS = {"evidence"}
PARTY_FIELDS = {"mention", "name", "entity"}
OCCASION_FIELDS = {"type", "with", "mention"}
SAID_ON_FIELDS = {"date", "text", "mention"}


def span(piece: str, text: str = TEXT, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(piece, start + 1)
    return (start, start + len(piece))


def party(mention: str | None, name: str | None, entity: str | None = None, nth: int = 0) -> Party:
    return Party(mention=(span(mention, nth=nth),) if mention else (), name=name, entity=entity)


def quote(qid: str, content: tuple[Span, ...], text: str = TEXT, **kw: Any) -> Quote:
    return Quote(id=qid, type="direct", content=content, text=join_spans(text, content), **kw)


OUTER = quote(
    "q1",
    (
        span(
            "Carl called me and said ‘I will resign before noon, and Erik Holm knows it,’ so I asked"
        ),
    ),
    cue=(span("said", nth=1),),
    speaker=party("Berg", "Anna Berg", "e1", nth=1),
    addressee=party("Radio North", "Radio North"),
    occasion=Occasion("interview", "Radio North", (span("in an interview with Radio North"),)),
    said_on=SaidOn("2024-05-06", "on Monday", (span("on Monday"),)),
    confidence=0.9,
)
INNER = quote(
    "q2",
    (span("I will resign before noon, and Erik Holm knows it,"),),
    cue=(span("said"),),
    speaker=party("Carl", "Carl Dahl", "e2"),
    addressee=party("me", "Anna Berg", "e1"),
    parent="q1",
    hedge=None,
    confidence=0.7,
)
INDIRECT = Quote(
    id="q3",
    type="indirect",
    content=(span("she had spoken to Carl Dahl"),),
    text="she had spoken to Carl Dahl",
    cue=(span("told"),),
    speaker=party("Anna Berg", "Anna Berg", "e1"),
    addressee=party("the city council", None),
    hedge="reportedly",
    kind="speech",
    confidence=0.75,
)
ENTITIES = (
    Entity("e1", "Anna Berg", (span("Anna Berg"), span("Berg", nth=1))),
    Entity("e2", "Carl Dahl", (span("Carl Dahl"),)),
)


def doc(**kw: Any) -> Document:
    article = Article(id="berg-1", text=TEXT, title="Berg on Dahl", outlet="Gazette")
    return Document(article, quotes=(OUTER, INNER, INDIRECT), entities=ENTITIES, **kw)


def is_spans(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(pair, list)
        and len(pair) == 2
        and all(isinstance(x, int) and not isinstance(x, bool) for x in pair)
        and pair[0] < pair[1]
        for pair in value
    )


# --- JSON Lines ---------------------------------------------------------------------------------


def test_jsonl_line_is_one_json_object_with_the_format_fields() -> None:
    line = jsonl.dumps(doc())
    assert "\n" not in line
    obj = json.loads(line)
    assert {"id", "quotes", "entities", "error"} <= set(obj)
    assert obj["id"] == "berg-1"
    assert obj["error"] is None
    assert [q["id"] for q in obj["quotes"]] == ["q1", "q2", "q3"]


def test_every_quote_has_exactly_the_format_fields() -> None:
    obj = json.loads(jsonl.dumps(doc()))
    for q in obj["quotes"]:
        # FORMAT.md §2 fields, plus only the extras named above
        assert set(q) - KNOWN_EXTRA_QUOTE_FIELDS == QUOTE_FIELDS, set(q) ^ QUOTE_FIELDS
        assert q["type"] in {"direct", "indirect", "mixed"}
        assert q["kind"] in {"speech", "writing", "thought", "perception", "finding"}
        assert 0.0 <= q["confidence"] <= 1.0
        assert is_spans(q["content"]) and q["content"]
        assert is_spans(q["cue"])
        for name in ("speaker", "addressee"):
            if q[name] is not None:
                assert set(q[name]) == PARTY_FIELDS
                assert is_spans(q[name]["mention"])
        if q["occasion"] is not None:
            assert set(q["occasion"]) == OCCASION_FIELDS
            assert is_spans(q["occasion"]["mention"])
        if q["said_on"] is not None:
            assert set(q["said_on"]) == SAID_ON_FIELDS
            assert is_spans(q["said_on"]["mention"])


def test_quote_values_round_trip() -> None:
    obj = json.loads(jsonl.dumps(doc()))
    q1, q2, q3 = obj["quotes"]
    assert q1["content"] == [list(OUTER.content[0])]
    assert q1["text"] == OUTER.text
    assert q1["speaker"] == {
        "mention": [list(span("Berg", nth=1))],
        "name": "Anna Berg",
        "entity": "e1",
    }
    assert q1["occasion"] == {
        "type": "interview",
        "with": "Radio North",
        "mention": [list(span("in an interview with Radio North"))],
    }
    assert q1["said_on"] == {
        "date": "2024-05-06",
        "text": "on Monday",
        "mention": [list(span("on Monday"))],
    }
    assert q1["parent"] is None and q2["parent"] == "q1"
    assert q2["addressee"]["name"] == "Anna Berg"
    assert q3["type"] == "indirect" and q3["hedge"] == "reportedly"
    assert q3["addressee"] == {
        "mention": [list(span("the city council"))],
        "name": None,
        "entity": None,
    }
    for q in obj["quotes"]:
        assert " ".join(TEXT[s:e] for s, e in q["content"]) == q["text"]


def test_absent_parts_are_null_and_empty() -> None:
    bare = Quote(id="q1", type="direct", content=((0, 4),), text=TEXT[0:4])
    obj = json.loads(jsonl.dumps(Document(Article("a", TEXT), quotes=(bare,))))
    q = obj["quotes"][0]
    assert q["cue"] == []
    for name in ("speaker", "addressee", "parent", "hedge", "occasion", "said_on"):
        assert q[name] is None
    assert q["kind"] == "speech"


def test_split_content_is_a_list_of_pairs() -> None:
    content = (span("Anna Berg"), span("Carl Dahl"))
    q = quote("q1", content)
    obj = json.loads(jsonl.dumps(Document(Article("a", TEXT), quotes=(q,))))
    assert obj["quotes"][0]["content"] == [list(content[0]), list(content[1])]
    assert obj["quotes"][0]["text"] == "Anna Berg Carl Dahl"


def test_entities_are_listed_with_mentions() -> None:
    obj = json.loads(jsonl.dumps(doc()))
    assert [e["id"] for e in obj["entities"]] == ["e1", "e2"]
    assert obj["entities"][0]["name"] == "Anna Berg"
    assert all(is_spans(e["mentions"]) for e in obj["entities"])


def test_error_document() -> None:
    obj = json.loads(jsonl.dumps(Document(Article("bad", ""), error="empty article")))
    assert obj["id"] == "bad"
    assert obj["quotes"] == [] and obj["entities"] == []
    assert obj["error"] == "empty article"


def test_text_is_included_for_html_input_or_on_request() -> None:
    plain = Document(Article("a", "Hello."))
    from_html = Document(Article("b", "Hello.", from_html=True))
    assert "text" not in json.loads(jsonl.dumps(plain))
    assert json.loads(jsonl.dumps(plain, include_text=True))["text"] == "Hello."
    assert json.loads(jsonl.dumps(from_html))["text"] == "Hello."


def test_non_ascii_is_kept_as_is() -> None:
    line = jsonl.dumps(doc())
    assert "‘" in line and "\\u2018" not in line


# --- chains --------------------------------------------------------------------------------------


def test_chain_of_a_top_level_quote() -> None:
    assert (
        chains.chain_in_words(OUTER, doc().quotes)
        == "Anna Berg to Radio North, as the article reports"
    )


def test_chain_of_a_nested_quote() -> None:
    assert (
        chains.chain_in_words(INNER, doc().quotes)
        == "Carl Dahl to Anna Berg, as Anna Berg told Radio North, as the article reports"
    )


def test_chain_of_three_levels_and_unknown_speakers() -> None:
    deepest = Quote(
        "q4", "direct", ((0, 4),), TEXT[:4], speaker=Party(name="Erik Holm"), parent="q2"
    )
    quotes = (*doc().quotes, deepest)
    assert chains.chain_in_words(deepest, quotes) == (
        "Erik Holm, as Carl Dahl told Anna Berg, as Anna Berg told Radio North, "
        "as the article reports"
    )
    anonymous_parent = Quote("p", "direct", ((0, 4),), TEXT[:4])
    child = Quote("c", "direct", ((0, 2),), TEXT[:2], parent="p")
    assert chains.chain_in_words(child, [anonymous_parent, child]) == (
        "an unnamed source, as an unnamed source said, as the article reports"
    )
    assert chains.chain_path(deepest, quotes) == [
        "article",
        "Anna Berg",
        "Carl Dahl",
        "Erik Holm",
    ]


def test_chain_survives_a_parent_cycle_and_a_missing_parent() -> None:
    a = Quote("a", "direct", ((0, 4),), TEXT[:4], parent="b", speaker=Party(name="A"))
    b = Quote("b", "direct", ((0, 4),), TEXT[:4], parent="a", speaker=Party(name="B"))
    assert chains.chain_in_words(a, [a, b]) == "A, as B said, as the article reports"
    orphan = Quote("o", "direct", ((0, 4),), TEXT[:4], parent="gone")
    assert chains.chain_in_words(orphan, [orphan]).endswith("as the article reports")


# --- table ---------------------------------------------------------------------------------------


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def test_table_shows_nested_quotes_indented() -> None:
    out = table.format_document(doc())
    lines = out.splitlines()
    assert lines[0].startswith("== Berg on Dahl") and "[berg-1]" in lines[0]
    q1 = next(line for line in lines if line.lstrip().startswith("q1 "))
    q2 = next(line for line in lines if line.lstrip().startswith("q2 "))
    q3 = next(line for line in lines if line.lstrip().startswith("q3 "))
    assert _indent(q2) > _indent(q1)
    assert _indent(q3) == _indent(q1)
    assert "Carl Dahl to Anna Berg, as Anna Berg told Radio North" in q2
    assert "hedge: reportedly" in out
    assert "interview with Radio North" in out
    assert "said 2024-05-06" in out


def test_table_for_errors_and_empty_documents() -> None:
    failed = table.format_document(Document(Article("x", ""), error="binary file, not text"))
    assert "error: binary file, not text" in failed
    empty = table.format_document(Document(Article("y", "Nothing here.")))
    assert "(no quotes found)" in empty


# --- HTML report ---------------------------------------------------------------------------------

NASTY_TEXT = (
    "“<script>alert('x')</script> is fine,” said <b>Eve</b>. "
    "“<img src=x onerror=alert(1)> too,” she added."
)


def nasty_doc() -> Document:
    first = span("<script>alert('x')</script> is fine,", NASTY_TEXT)
    second = span("<img src=x onerror=alert(1)> too,", NASTY_TEXT)
    quotes = (
        quote("q1", (first,), NASTY_TEXT, speaker=Party(name="<script>evil()</script>")),
        quote("q2", (second,), NASTY_TEXT, speaker=Party(name="Eve <img src=y onerror=z()>")),
    )
    article = Article(
        id="<script>id()</script>",
        text=NASTY_TEXT,
        title="<script>alert('title')</script><img src=t onerror=alert(2)>",
    )
    findings = (Finding("headline", "<script>finding()</script>"),)
    return Document(article, quotes=quotes, findings=findings)


def test_html_report_escapes_quote_text_titles_and_names() -> None:
    out = html_report.render([nasty_doc(), Document(Article("e", ""), error="<script>e</script>")])
    assert "<script" not in out.lower()
    assert "<img" not in out.lower()
    assert "<b>" not in out
    assert "&lt;script&gt;" in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out


def test_html_report_highlights_quotes() -> None:
    out = html_report.render([doc()])
    assert out.startswith("<!doctype html>")
    assert out.count("<article>") == 1
    assert 'data-q="q1"' in out and 'data-q="q2"' in out
    # the inner quote gets its own mark (innermost wins)
    inner_mark = re.search(r'<mark class="q" data-q="q2"[^>]*>([^<]*)</mark>', out)
    assert inner_mark is not None
    assert inner_mark.group(1) == "I will resign before noon, and Erik Holm knows it,"


def test_html_report_of_nothing_is_a_page() -> None:
    out = html_report.render([])
    assert out.startswith("<!doctype html>") and out.endswith("</html>")
