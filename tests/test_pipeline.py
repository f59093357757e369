"""The whole pipeline (pipeline.py) with the real spaCy model: it never raises, offsets slice."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quotetrace import pipeline as pipeline_module
from quotetrace.model import Article, Document, Failure, Quote, Span, join_spans
from quotetrace.pipeline import Pipeline


@pytest.fixture(scope="module")
def pipe(pipeline: Pipeline) -> Pipeline:
    return pipeline


def run(pipe: Pipeline, text: str, **kw: str) -> Document:
    return pipe.process(Article(id="t", text=text, **kw))  # type: ignore[arg-type]


def all_spans(q: Quote) -> Iterator[tuple[str, Span]]:
    for s in q.content:
        yield "content", s
    for s in q.cue:
        yield "cue", s
    for name, party in (("speaker", q.speaker), ("addressee", q.addressee)):
        if party is not None:
            for s in party.mention:
                yield f"{name}.mention", s
    if q.occasion is not None:
        for s in q.occasion.mention:
            yield "occasion.mention", s
    if q.said_on is not None:
        for s in q.said_on.mention:
            yield "said_on.mention", s


def check_document(doc: Document, text: str) -> None:
    """Every invariant the output promises, whatever the extraction found."""
    if text.strip():
        assert doc.error is None, doc.error
    ids = [q.id for q in doc.quotes]
    assert len(ids) == len(set(ids)), ids
    for q in doc.quotes:
        assert q.content, q
        for what, (s, e) in all_spans(q):
            assert isinstance(s, int) and isinstance(e, int)
            assert 0 <= s < e <= len(text), (q.id, what, s, e, len(text))
        assert q.text == join_spans(text, q.content)
        assert q.parent is None or q.parent in ids, (q.id, q.parent)
        assert q.parent != q.id
        assert q.type in ("direct", "indirect", "mixed")
        assert 0.0 <= q.confidence <= 1.0
    entity_ids = [entity.id for entity in doc.entities]
    assert len(entity_ids) == len(set(entity_ids)), entity_ids
    for entity in doc.entities:
        for s, e in entity.mentions:
            assert 0 <= s < e <= len(text)
    for q in doc.quotes:
        for party in (q.speaker, q.addressee):
            if party is not None and party.entity is not None:
                assert party.entity in entity_ids, (q.id, party.entity)


# --- property tests ----------------------------------------------------------------------------

MARKS = list("\"'“”‘’«»„")
CHARS = st.text(
    alphabet=st.sampled_from([*"abcdefghij ABC   ", "\n", *MARKS, *".,!?:"]), max_size=300
)
WORDS = st.lists(
    st.sampled_from(
        [
            "He",
            "She",
            "they",
            "Mr.",
            "Anna",
            "Berg",
            "Carl Dahl",
            "the minister",
            "said",
            "told",
            "says",
            "wrote",
            "added",
            "according to",
            "reportedly",
            "on Monday",
            "in an interview with",
            "reporters",
            "that",
            "we",
            "will",
            "win",
            "it",
            "was",
            "not",
            ",",
            ".",
            ":",
            "?",
            "!",
            "\n",
            "\n\n",
            *MARKS,
        ]
    ),
    max_size=80,
).map(" ".join)
ARBITRARY = st.one_of(CHARS, WORDS, st.text(max_size=200))

PROPERTY = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@PROPERTY
@given(text=ARBITRARY)
def test_process_never_raises_and_offsets_slice_the_text(pipe: Pipeline, text: str) -> None:
    doc = run(pipe, text)
    if not text.strip():
        assert doc.error == "empty article"
    check_document(doc, text)


@PROPERTY
@given(text=WORDS, published=st.sampled_from([None, "2024-03-05", "2024-03-05T10:00:00Z", "bad"]))
def test_process_with_dates_never_raises(pipe: Pipeline, text: str, published: str | None) -> None:
    doc = pipe.process(Article(id="t", text=text, published=published, title="A title"))
    check_document(doc, text)


# --- specific inputs ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\n", " \t\n "])
def test_empty_text_is_an_empty_article(pipe: Pipeline, text: str) -> None:
    doc = run(pipe, text)
    assert doc.error == "empty article"
    assert doc.quotes == ()


def test_simple_direct_quote(pipe: Pipeline) -> None:
    text = "“We will rebuild the bridge,” the mayor said on Monday."
    doc = run(pipe, text)
    check_document(doc, text)
    assert len(doc.quotes) == 1
    q = doc.quotes[0]
    assert q.type == "direct"
    assert q.text.rstrip(",") == "We will rebuild the bridge"
    assert [text[s:e] for s, e in q.cue] == ["said"]


def test_nested_quote_has_its_parent(pipe: Pipeline) -> None:
    text = (
        "“Then Dahl told me, ‘I will resign before noon,’ and he left,” Anna Berg said.\n"
        "The council met later."
    )
    doc = run(pipe, text)
    check_document(doc, text)
    by_text = {q.text: q for q in doc.quotes}
    inner = next((q for t, q in by_text.items() if t.startswith("I will resign")), None)
    assert inner is not None, list(by_text)
    assert inner.parent is not None
    outer = next(q for q in doc.quotes if q.id == inner.parent)
    assert "Then Dahl told me" in outer.text


def test_a_long_paragraph_without_punctuation(pipe: Pipeline) -> None:
    words = "the council discussed the bridge and the budget for hours"
    text = " ".join([words] * (100_000 // (len(words) + 1) + 1))[:100_000]
    assert len(text) == 100_000
    doc = run(pipe, text)
    check_document(doc, text)


def test_three_hundred_unbalanced_quote_marks(pipe: Pipeline) -> None:
    marks = "“‘«„\"'"
    pieces = [f"{marks[i % len(marks)]}word{i} said Berg" for i in range(300)]
    text = " ".join(pieces) + "."
    assert sum(text.count(m) for m in marks) == 300
    doc = run(pipe, text)
    check_document(doc, text)


def test_only_closing_marks_and_only_opening_marks(pipe: Pipeline) -> None:
    for text in ("”" * 50 + " he said.", "“" * 50 + " she said.", "’’’ ‘‘‘ »»» «««"):
        check_document(run(pipe, text), text)


PARAGRAPH = (
    "“We will finish bridge number {n} by May,” Mayor Anna Berg told reporters on Monday. "
    "Carl Dahl, the council's treasurer, said that the costs had doubled since the spring. "
    "According to the budget office, the city had spent the reserve. "
    "“He told me, ‘there is no money left,’ and I believe him,” Berg added."
)


def test_long_text_is_processed_in_blocks(pipe: Pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline_module, "BLOCK_CHARS", 2000)
    blocks: list[Span] = []
    original = pipeline_module._blocks

    def spy(text: str, size: int) -> Iterator[Span]:
        for block in original(text, size):
            blocks.append(block)
            yield block

    monkeypatch.setattr(pipeline_module, "_blocks", spy)
    paragraphs: list[str] = []
    n = 0
    while sum(len(p) + 2 for p in paragraphs) < 6000:
        paragraphs.append(PARAGRAPH.format(n=n))
        n += 1
    text = "\n\n".join(paragraphs)
    assert len(text) > 3 * 2000
    doc = run(pipe, text)
    check_document(doc, text)
    assert len(blocks) >= 3
    assert blocks[0][0] == 0 and blocks[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(blocks, blocks[1:], strict=False))
    assert doc.quotes
    # quotes from every block, each still slicing the original text
    contents = {q.text.rstrip(",") for q in doc.quotes}
    for i in range(n):
        assert f"We will finish bridge number {i} by May" in contents, i
    starts = [q.content[0][0] for q in doc.quotes]
    assert max(starts) > 4000
    berg = [e for e in doc.entities if e.name == "Anna Berg"]
    assert berg
    for e in berg:
        assert all(text[s:t].endswith("Berg") for s, t in e.mentions)


def test_process_all_turns_failures_into_error_documents(pipe: Pipeline) -> None:
    items: list[Article | Failure] = [
        Article(id="ok", text="“Yes,” she said."),
        Failure("bad", "binary file, not text", "bad.txt"),
        Article(id="empty", text=""),
    ]
    docs = list(pipe.process_all(items))
    assert [d.article.id for d in docs] == ["ok", "bad", "empty"]
    assert [d.error for d in docs] == [None, "binary file, not text", "empty article"]


def test_join_turns_makes_one_quote_per_speaker_turn(
    pipe: Pipeline, make_pipeline: Callable[..., Pipeline]
) -> None:
    text = (
        "“The plant will close in June,” said Peter Hall, the director. "
        "“Nobody will lose their pension. My deputy told me, ‘We have the money.’”"
    )
    separate = pipe.process(Article("t", text))
    joined = make_pipeline(join_turns=True).process(Article("t", text))
    top = [q for q in separate.quotes if q.parent is None]
    assert len(top) == 2
    (one,) = [q for q in joined.quotes if q.parent is None]
    assert one.content == top[0].content + top[1].content
    assert one.speaker is not None and one.speaker.name == "Peter Hall"
    assert all(q.parent == one.id for q in joined.quotes if q is not one)
    for q in joined.quotes:
        assert q.text == " ".join(text[s:e] for s, e in q.content)


def test_the_acronym_who_is_not_a_relative_pronoun(pipe: Pipeline) -> None:
    doc = run(pipe, "On Tuesday, WHO said that the outbreak was over.")
    (q,) = doc.quotes
    assert q.speaker is not None and q.speaker.name == "WHO"
