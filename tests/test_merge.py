"""The merge step on hand-made candidates (merge.py): evidence vs new quote, split quotes,
mixed quotes and nesting."""

from __future__ import annotations

from dataclasses import replace

from quotetrace.detect.candidate import Candidate
from quotetrace.detect.evidence import Evidence
from quotetrace.detect.quotemarks import find_marked_quotes
from quotetrace.merge import merge


def _direct(text: str, marked_index: int, cue: str, *, occurrence: int = 0) -> Candidate:
    quotes = find_marked_quotes(text)
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(cue, start + 1)
    return Candidate(
        content=quotes[marked_index].content,
        type="direct",
        evidence=Evidence.DIRECT_CUE_AFTER,
        cue=((start, start + len(cue)),),
        marked=marked_index,
    )


def _clause(text: str, content: str, cue: str) -> Candidate:
    start = text.index(content)
    c = text.index(cue)
    return Candidate(
        content=((start, start + len(content)),),
        type="indirect",
        evidence=Evidence.CUE_CLAUSE,
        cue=((c, c + len(cue)),),
        full_content=(start, start + len(content)),
    )


def test_split_quote_around_one_cue_is_one_quote() -> None:
    text = "“We have the money,” Ortiz said, “and we have the will.”"
    marked = find_marked_quotes(text)
    drafts = merge(text, marked, [_direct(text, 0, "said"), _direct(text, 1, "said")], [])
    assert len(drafts) == 1
    assert len(drafts[0].cand.content) == 2
    assert drafts[0].cand.label == "direct:cue-after+split"


def test_clause_that_is_the_quote_is_only_evidence() -> None:
    text = "Ortiz said: “We will not raise taxes this year.”"
    marked = find_marked_quotes(text)
    clause = _clause(text, "We will not raise taxes this year", "said")
    drafts = merge(text, marked, [_direct(text, 0, "said")], [clause])
    assert [d.cand.type for d in drafts] == ["direct"]


def test_clause_with_quoted_words_becomes_mixed() -> None:
    text = "Dunn said the proposal was “a recipe for disaster” and should be dropped."
    marked = find_marked_quotes(text)
    clause = _clause(text, "the proposal was “a recipe for disaster” and should be dropped", "said")
    drafts = merge(text, marked, [], [clause])
    assert [d.cand.type for d in drafts] == ["mixed"]


def test_negated_clause_is_dropped() -> None:
    text = "The minister did not say that the border would reopen."
    clause = Candidate(
        content=((text.index("the border"), len(text) - 1),),
        type="indirect",
        evidence=Evidence.CUE_CLAUSE,
        cue=((text.index("say"), text.index("say") + 3),),
        negated=True,
    )
    assert merge(text, [], [], [clause]) == []


def test_nested_quote_gets_its_parent() -> None:
    text = "“He told me, ‘I will resign,’ and left,” Garcia said."
    marked = find_marked_quotes(text)
    outer = _direct(text, 0, "said")
    inner = _direct(text, 1, "told")
    drafts = merge(text, marked, [outer, inner], [])
    parents = {d.cand.marked: d.parent for d in drafts}
    assert parents[0] is None
    assert drafts[parents[1]].cand.marked == 0


def _belief(text: str, content: str, cue: str) -> Candidate:
    lee = text.index("Lee")
    return replace(_clause(text, content, cue), kind="thought", speaker=((lee, lee + 3),))


def test_belief_nested_in_a_reported_clause_goes() -> None:
    # the article reports Ortiz's words; Lee's belief is part of them, not its own attribution
    text = "Ortiz said that Lee believes the bridge will open in June."
    outer = _clause(text, "Lee believes the bridge will open in June", "said")
    inner = _belief(text, "the bridge will open in June", "believes")
    drafts = merge(text, [], [], [outer, inner])
    assert [(d.cand.kind, d.parent) for d in drafts] == [("speech", None)]


def test_speech_nested_in_a_dropped_belief_moves_up_to_the_outer_quote() -> None:
    text = "Ortiz said Lee thinks Kim told staff the bridge will open in June."
    outer = _clause(text, "Lee thinks Kim told staff the bridge will open in June", "said")
    middle = _belief(text, "Kim told staff the bridge will open in June", "thinks")
    kim = text.index("Kim")
    inner = replace(
        _clause(text, "the bridge will open in June", "told"), speaker=((kim, kim + 3),)
    )
    drafts = merge(text, [], [], [outer, middle, inner])
    assert [(d.cand.kind, d.parent) for d in drafts] == [("speech", None), ("speech", 0)]


def test_belief_that_is_not_nested_stays() -> None:
    text = "Lee believes the bridge will open in June."
    drafts = merge(text, [], [], [_belief(text, "the bridge will open in June", "believes")])
    assert [(d.cand.kind, d.parent) for d in drafts] == [("thought", None)]


def test_dropped_beliefs_that_hold_each_other_leave_no_parent() -> None:
    # two equal-sized holders can each be the other's parent; the walk up must still end
    from quotetrace.merge import Draft, drop_nested_beliefs

    text = "Lee believes A. Kim thinks B. Ortiz said C."
    a = _belief(text, "A", "believes")
    b = replace(_belief(text, "B", "thinks"), speaker=())
    c = _clause(text, "C", "said")
    drafts = [Draft(a, 1), Draft(b, 0), Draft(c, 0)]
    assert drop_nested_beliefs(drafts) == [Draft(c, None)]
