"""Near-linear pairing (issue 12): the interval index answers as a scan would, the indexed merge
decides exactly as the old quadratic one did, and nesting is capped. Speed itself is measured by
``quotetrace bench-scaling``, not asserted here."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from reference_merge import reference_merge

from quotetrace.bench_scaling import marks_text, nested_text
from quotetrace.detect.candidate import Candidate, contains, overlap
from quotetrace.detect.evidence import ClauseRule, Evidence
from quotetrace.detect.quotemarks import MAX_NESTING, find_marked_quotes
from quotetrace.intervals import IntervalIndex, union_spans
from quotetrace.merge import merge

spans = st.lists(
    st.tuples(st.integers(0, 60), st.integers(0, 20)).map(lambda p: (p[0], p[0] + p[1])),
    max_size=40,
)


@given(spans, st.integers(-2, 85), st.integers(0, 20))
def test_interval_index_answers_as_a_scan(items: list[tuple[int, int]], a: int, width: int) -> None:
    index = IntervalIndex(items)
    query = (a, a + width)
    assert index.stabbing(a) == [k for k, (s, e) in enumerate(items) if s <= a <= e]
    assert index.containing(query) == [k for k, sp in enumerate(items) if contains(sp, query)]
    assert index.overlapping(query) == [k for k, sp in enumerate(items) if overlap(sp, query) > 0]
    assert index.starting_in(a, a + width) == [
        k for k, (s, _) in enumerate(items) if a <= s <= a + width
    ]


@given(spans, st.integers(0, 85))
def test_union_covers_the_same_characters(items: list[tuple[int, int]], pos: int) -> None:
    merged = union_spans(items)
    assert any(a <= pos < b for a, b in merged) == any(a <= pos < b for a, b in items)
    assert all(merged[i][1] < merged[i + 1][0] for i in range(len(merged) - 1))


_PIECES = ["“", "”", "“", "”", "‘", "’", '"', "'", "Ann said ", "we ", "it ", ". ", "\n", "x "]


@st.composite
def merge_inputs(draw: st.DrawFn) -> tuple[str, list, list, list, list]:  # type: ignore[type-arg]
    text = "".join(draw(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=40)))
    n = len(text)
    marked = find_marked_quotes(text)

    def span() -> tuple[int, int]:
        s = draw(st.integers(0, max(0, n - 1)))
        return (s, draw(st.integers(s + 1, max(s + 1, n))))

    def cue() -> tuple[tuple[int, int], ...]:  # short, like a verb
        if not draw(st.booleans()):
            return ()
        s = draw(st.integers(0, max(0, n - 1)))
        return ((s, s + draw(st.integers(1, 3))),)

    direct = []
    for i, q in enumerate(marked):
        if draw(st.booleans()):
            evidence = draw(st.sampled_from([Evidence.DIRECT_CUE_AFTER, Evidence.DIRECT_NO_CUE]))
            direct.append(Candidate(q.content, "direct", evidence, cue=cue(), marked=i))
    clauses = []
    for _ in range(draw(st.integers(0, 8))):
        content = tuple(sorted({span() for _ in range(draw(st.integers(1, 2)))}))
        full = span() if draw(st.booleans()) else None
        kind = draw(st.sampled_from(["speech", "thought"]))
        clauses.append(
            Candidate(
                content,
                draw(st.sampled_from(["indirect", "mixed"])),
                Evidence.CUE_CLAUSE,
                cue=cue(),
                speaker=(span(),) if draw(st.booleans()) else (),
                kind=kind,
                negated=draw(st.booleans()) and draw(st.booleans()),
                full_content=full,
                confidence=draw(st.sampled_from([0.5, 0.6, 0.7])),
                rule=draw(st.sampled_from([None, ClauseRule.OBJECT_COMPLEMENT])),
            )
        )
    turns = [
        Candidate((span(),), "direct", Evidence.TRANSCRIPT_TURN)
        for _ in range(draw(st.integers(0, 2)))
    ]
    return text, marked, direct, clauses, turns


@settings(max_examples=400, deadline=None)
@given(merge_inputs())
def test_indexed_merge_decides_as_the_old_scans_did(
    case: tuple[str, list, list, list, list],  # type: ignore[type-arg]
) -> None:
    text, marked, direct, clauses, turns = case
    assert merge(text, marked, direct, clauses, turns) == reference_merge(
        text, marked, direct, clauses, turns
    )


def test_nesting_deeper_than_the_cap_pairs_marks_but_reports_no_quote() -> None:
    text = nested_text(10_000)
    quotes = find_marked_quotes(text)
    assert len(quotes) == MAX_NESTING
    assert [q.depth for q in quotes] == list(range(MAX_NESTING))
    outer = quotes[0]
    assert outer.close is not None and text[outer.close] == "”"
    assert text[outer.close + 1 :] == " on Monday.\n"  # the outermost pair is still the right one
    assert quotes[-1].parent == MAX_NESTING - 2


def test_generated_worst_cases_have_their_marks() -> None:
    assert sum(text.count(m) for m in "“”" for text in [marks_text(1000)]) == 1000
    assert len(find_marked_quotes(marks_text(1000))) == 500
