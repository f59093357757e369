"""Quote-mark pairing (detect/quotemarks.py): families, apostrophes, nesting, paragraphs."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quotetrace.detect.quotemarks import DOUBLE, SINGLE, MarkedQuote, find_marked_quotes


def contents(text: str) -> list[list[str]]:
    """Each quote's content pieces as text."""
    return [[text[s:e] for s, e in q.content] for q in find_marked_quotes(text)]


def only(text: str) -> MarkedQuote:
    quotes = find_marked_quotes(text)
    assert len(quotes) == 1, [[text[s:e] for s, e in q.content] for q in quotes]
    return quotes[0]


@pytest.mark.parametrize(
    ("opener", "closer", "family"),
    [
        ('"', '"', DOUBLE),
        ("“", "”", DOUBLE),
        ("'", "'", SINGLE),
        ("‘", "’", SINGLE),
        ("«", "»", DOUBLE),
        ("„", "“", DOUBLE),
        ("‹", "›", SINGLE),
    ],
)
def test_each_pair_of_marks(opener: str, closer: str, family: str) -> None:
    text = f"The minister said {opener}we will build it{closer} on Monday."
    q = only(text)
    assert [text[s:e] for s, e in q.content] == ["we will build it"]
    assert q.family == family
    assert text[q.open] == opener
    assert q.close is not None and text[q.close] == closer
    assert q.terminated
    assert q.parent is None and q.depth == 0
    assert text[q.outer[0] : q.outer[1]] == f"{opener}we will build it{closer}"


def test_content_excludes_the_marks_and_keeps_inner_punctuation() -> None:
    text = "“We will win,” she said."
    q = only(text)
    assert text[q.start : q.end] == "We will win,"
    assert (q.open, q.close) == (0, 13)


def test_spaced_guillemets_pair_and_hold_the_words() -> None:
    text = "Il a dit « nous gagnerons » hier."
    q = only(text)
    assert text[q.start : q.end].strip() == "nous gagnerons"


def test_two_quotes_in_one_sentence() -> None:
    text = "“It was not me,” he said, “it was the mayor.”"
    assert contents(text) == [["It was not me,"], ["it was the mayor."]]


# --- apostrophes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "“It wasn’t Russia’s fault,” he said.",
        "\"It wasn't Russia's fault,\" he said.",
        "“Back in the ’90s it was fine,” he said.",
        "“Back in the '90s it was fine,” he said.",
        "“The ‘90s were good,” he said.",
        "“We last won in '08 and it hurt,” he said.",
        "“O’Brien can’t come,” she said.",
    ],
)
def test_apostrophes_are_not_quote_marks(text: str) -> None:
    q = only(text)
    assert q.start == 1
    assert text[q.close or 0] == text[0].replace("“", "”")
    assert q.terminated


def test_apostrophe_inside_a_single_quoted_quote() -> None:
    text = "He said ‘it wasn’t me’ and left."
    assert contents(text) == [["it wasn’t me"]]


def test_rock_n_roll_keeps_the_outer_quote_whole() -> None:
    # 'n' may or may not be read as a nested quote; the outer quote must be intact.
    text = "“I love rock 'n' roll,” he said."
    outer = find_marked_quotes(text)[0]
    assert [text[s:e] for s, e in outer.content] == ["I love rock 'n' roll,"]
    assert outer.terminated and outer.parent is None


@pytest.mark.xfail(reason="'08 followed by punctuation is read as an opening mark", strict=False)
def test_year_apostrophe_before_a_comma() -> None:
    text = "'We won in '08,' he said."
    assert contents(text) == [["We won in '08,"]]


# --- nesting ----------------------------------------------------------------------------------


def test_single_inside_double_has_a_parent() -> None:
    text = "“He told me ‘never again’ and left,” she said."
    outer, inner = find_marked_quotes(text)
    assert [text[s:e] for s, e in outer.content] == ["He told me ‘never again’ and left,"]
    assert [text[s:e] for s, e in inner.content] == ["never again"]
    assert outer.parent is None and outer.depth == 0
    assert inner.parent == 0 and inner.depth == 1


def test_three_levels_of_nesting() -> None:
    text = "“A said ‘B said “go” twice’ once,” she said."
    quotes = find_marked_quotes(text)
    assert [[text[s:e] for s, e in q.content] for q in quotes] == [
        ["A said ‘B said “go” twice’ once,"],
        ["B said “go” twice"],
        ["go"],
    ]
    assert [q.parent for q in quotes] == [None, 0, 1]
    assert [q.depth for q in quotes] == [0, 1, 2]
    assert [q.family for q in quotes] == [DOUBLE, SINGLE, DOUBLE]


def test_sibling_nested_quotes_share_the_parent() -> None:
    text = "“He said ‘yes’ and then ‘no’,” she said. Later: “fine.”"
    quotes = find_marked_quotes(text)
    assert [[text[s:e] for s, e in q.content] for q in quotes] == [
        ["He said ‘yes’ and then ‘no’,"],
        ["yes"],
        ["no"],
        ["fine."],
    ]
    assert [q.parent for q in quotes] == [None, 0, 0, None]


def test_straight_single_inside_straight_double() -> None:
    text = "\"They called it 'a disgrace' on air,\" he said."
    quotes = find_marked_quotes(text)
    assert [[text[s:e] for s, e in q.content] for q in quotes] == [
        ["They called it 'a disgrace' on air,"],
        ["a disgrace"],
    ]
    assert quotes[1].parent == 0


# --- paragraphs -------------------------------------------------------------------------------


def test_quote_over_a_paragraph_break_that_reopens() -> None:
    text = "“The first part ends here.\n“The second part follows,” he said."
    q = only(text)
    assert [text[s:e] for s, e in q.content] == [
        "The first part ends here.",
        "The second part follows,",
    ]
    second = q.content[1]
    assert text[second[0] - 1] == "“"  # the re-opening mark is not content
    assert q.terminated and text[q.close or 0] == "”"


def test_quote_over_three_paragraphs_with_straight_marks() -> None:
    text = '"One.\n\n"Two.\n"Three," she said.'
    q = only(text)
    assert [text[s:e] for s, e in q.content] == ["One.", "Two.", "Three,"]


def test_quote_over_a_paragraph_break_without_reopening_closes_later() -> None:
    text = "“The first part ends here.\nThe second part follows,” he said."
    q = only(text)
    assert q.terminated
    assert q.close == text.index("”")
    assert text[q.start : q.end] == "The first part ends here.\nThe second part follows,"


def test_unbalanced_opener_ends_at_its_paragraph() -> None:
    text = "He said “this never closes and\nThe next paragraph has no marks at all."
    q = only(text)
    assert not q.terminated and q.close is None
    assert [text[s:e] for s, e in q.content] == ["this never closes and"]
    assert q.outer == (text.index("“"), text.index("\n"))


def test_unbalanced_opener_at_end_of_text() -> None:
    text = "He said “this never closes   "
    q = only(text)
    assert not q.terminated
    assert [text[s:e] for s, e in q.content] == ["this never closes"]


def test_single_quote_ends_at_paragraph_break() -> None:
    text = "She said ‘never\nThen she left."
    q = only(text)
    assert q.family == SINGLE and not q.terminated
    assert [text[s:e] for s, e in q.content] == ["never"]


def test_double_close_while_a_single_is_open() -> None:
    text = "“He said ‘stop now,” she added. “Next,” he said."
    quotes = find_marked_quotes(text)
    texts = [[text[s:e] for s, e in q.content] for q in quotes]
    assert texts == [["He said ‘stop now,"], ["stop now,"], ["Next,"]]
    outer, inner, nxt = quotes
    assert outer.terminated and text[outer.close or 0] == "”"
    assert not inner.terminated and inner.parent == 0
    assert nxt.parent is None and nxt.terminated


@pytest.mark.parametrize(
    "text",
    [
        "",
        "no marks at all",
        '"',
        "“",
        "”",
        "’",
        '""',
        "“”",
        "«»‹›„‚",
        "\n“\n”\n",
        "'''''",
        "“‘“‘“‘",
        "”’”’”’",
    ],
)
def test_degenerate_inputs_do_not_raise(text: str) -> None:
    for q in find_marked_quotes(text):
        for s, e in q.content:
            assert 0 <= s < e <= len(text)


def test_empty_quote_is_dropped() -> None:
    assert find_marked_quotes('He said "" and left.') == []


MARKY = st.text(alphabet=st.sampled_from(list("ab \n.,:;-'\"“”‘’«»„‚‹›0")), max_size=120)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKY)
def test_quotes_are_well_formed_on_arbitrary_marks(text: str) -> None:
    quotes = find_marked_quotes(text)
    for i, q in enumerate(quotes):
        assert q.content
        last = -1
        for s, e in q.content:
            assert 0 <= s < e <= len(text)
            assert s >= last
            last = e
        assert 0 <= q.open < q.start
        if q.close is not None:
            assert q.end <= q.close < len(text)
            assert text[q.close] in "\"'”’»›“"
        if q.parent is not None:
            assert 0 <= q.parent < i
            parent = quotes[q.parent]
            assert parent.open < q.open
            assert q.depth > parent.depth
