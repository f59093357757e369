"""nlp.py: the one module that talks to spaCy."""

from __future__ import annotations

import numpy
import pytest

from quotetrace.nlp import ParsedSentence, Token, small_pages_for_numpy


def _huge_pages_now() -> bool:
    setter = numpy._core.multiarray._set_madvise_hugepage
    before = bool(setter(True))
    setter(before)
    return before


def test_numpy_stops_asking_for_huge_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    setter = numpy._core.multiarray._set_madvise_hugepage
    before = setter(True)
    try:
        monkeypatch.delenv("NUMPY_MADVISE_HUGEPAGE", raising=False)
        assert small_pages_for_numpy() is True
        assert _huge_pages_now() is False
        setter(True)
        monkeypatch.setenv("NUMPY_MADVISE_HUGEPAGE", "1")  # the user's choice is kept
        assert small_pages_for_numpy() is False
        assert _huge_pages_now() is True
    finally:
        setter(before)


def _token(i: int, head: int) -> Token:
    return Token(i, i * 2, i * 2 + 1, "w", "NOUN", "NN", "dep", head, "", False)


def test_subtree_is_in_text_order_also_when_not_contiguous() -> None:
    # 0 <- 2 -> 4, 1 and 3 hang on 5 (the root): the subtree of 2 skips 3
    heads = [2, 5, 5, 5, 2, 5]
    sentence = ParsedSentence(0, 12, tuple(_token(i, h) for i, h in enumerate(heads)))
    assert [t.i for t in sentence.subtree(2)] == [0, 2, 4]
    assert [t.i for t in sentence.subtree(5)] == [0, 1, 2, 3, 4, 5]
    assert [t.i for t in sentence.subtree(3)] == [3]


def test_the_numpy_blas_parse_is_spacys_own() -> None:
    """NumPy's BLAS instead of thinc's BLIS: the same tags, heads, labels and entities."""
    import spacy

    from quotetrace.nlp import DISABLED_COMPONENTS, MODEL_PACKAGE, SpacyAnalyzer

    text = (
        "“We will rebuild the bridge by May,” Mayor Ana Ortiz told reporters in Riverton on "
        "Tuesday. The council, which met for six hours, said it had found the money. Carl Dahl "
        "of the Harbour Safety Board warned that the river could rise again next spring."
    )
    spans = [(0, 92), (93, 166), (167, len(text))]
    ours = SpacyAnalyzer().parse(text, spans)
    plain = spacy.load(MODEL_PACKAGE, exclude=list(DISABLED_COMPONENTS))
    for (start, end), sentence in zip(spans, ours, strict=True):
        doc = plain(text[start:end])
        assert [(t.text, t.tag_, t.dep_, t.head.i, t.ent_type_) for t in doc] == [
            (t.text, t.tag, t.dep, t.head, t.ent) for t in sentence.tokens
        ]
