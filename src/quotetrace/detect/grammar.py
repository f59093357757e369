"""Grammar helpers the detectors share: token spans on a parsed sentence and trimming them.

Every function works on ``quotetrace.nlp`` tokens (character offsets into the article text), so a
span they return slices the original text exactly.
"""

from __future__ import annotations

from collections.abc import Iterable

from quotetrace.nlp import ParsedSentence, Token

# punctuation a content span never ends with
TRAILING = ".,;:!?—–-"
# punctuation a content span never starts with
LEADING = ",;:—–"
_QUOTE_MARKS = "\"“”‘’'«»"


def span_of(tokens: Iterable[Token]) -> tuple[int, int] | None:
    """The character span from the first to the last of ``tokens``, punctuation other than quote
    marks left out; None when nothing is left."""
    toks = [t for t in tokens if t.pos != "PUNCT" or t.text in _QUOTE_MARKS]
    if not toks:
        return None
    return (min(t.start for t in toks), max(t.end for t in toks))


def first_token(sent: ParsedSentence, tok: Token) -> Token:
    """The first token of ``tok``'s subtree."""
    return min(sent.subtree(tok.i), key=lambda t: t.i)


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """``start``–``end`` without white space and leading (``LEADING``) or trailing
    (``TRAILING``) punctuation."""
    while start < end and (text[start].isspace() or text[start] in LEADING):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in TRAILING):
        end -= 1
    return start, end
