"""The typed data model: every position is a half-open character offset into ``Article.text``.

Token indices never leave the analysis stage. A field holding spans is a tuple of ``(start, end)``
pairs so that a quote interrupted by its cue is one quote with two spans.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

Span = tuple[int, int]
Spans = tuple[Span, ...]

QuoteType = Literal["direct", "indirect", "mixed"]
Kind = Literal["speech", "writing", "thought", "perception", "finding"]


def content_hash(*parts: str, length: int = 16) -> str:
    """A stable id from content: the same inputs always give the same id."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()[:length]


def join_spans(text: str, spans: Spans, sep: str = " ") -> str:
    """The text of a span set, pieces joined by ``sep``."""
    return sep.join(text[start:end] for start, end in spans)


@dataclass(frozen=True)
class Article:
    """One input article. ``text`` is what every offset refers to."""

    id: str
    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None  # ISO 8601 as given
    url: str | None = None
    outlet: str | None = None
    source: str | None = None  # where it was read from (file path, "stdin", ...)
    # Character ranges of boilerplate lines (photo credits, "Trending Now"): never quotes or speakers.
    boilerplate: Spans = ()
    from_html: bool = False

    @property
    def fingerprint(self) -> str:
        """Hash of everything that changes extraction: same article, same fingerprint."""
        return content_hash(self.id, self.text, self.title or "", self.published or "")


@dataclass(frozen=True)
class Failure:
    """What went wrong with one article; the batch goes on."""

    article_id: str
    reason: str  # one line, for people
    source: str | None = None


@dataclass(frozen=True)
class Party:
    """A speaker or addressee: the mention as written and the person it resolves to."""

    mention: Spans = ()
    name: str | None = None
    entity: str | None = None


@dataclass(frozen=True)
class Occasion:
    type: str  # interview, phone call, press conference, speech, hearing, statement, post, letter
    with_: str | None = None
    mention: Spans = ()


@dataclass(frozen=True)
class SaidOn:
    date: str | None  # ISO date when it can be resolved
    text: str
    mention: Spans = ()


@dataclass(frozen=True)
class Quote:
    id: str
    type: QuoteType
    content: Spans
    text: str
    cue: Spans = ()
    speaker: Party | None = None
    addressee: Party | None = None
    parent: str | None = None
    hedge: str | None = None
    kind: Kind = "speech"
    occasion: Occasion | None = None
    said_on: SaidOn | None = None
    confidence: float = 0.5
    evidence: str = ""  # which detector / rule proposed it


@dataclass(frozen=True)
class Entity:
    """A person or organisation clustered within one article."""

    id: str
    name: str
    mentions: Spans = ()
    label: str = "PERSON"


@dataclass(frozen=True)
class Finding:
    """An article-level observation, e.g. a headline that rests on one source."""

    type: str
    message: str
    source: str | None = None
    spans: Spans = ()


@dataclass(frozen=True)
class Document:
    """All layers of one article after extraction."""

    article: Article
    quotes: tuple[Quote, ...] = ()
    entities: tuple[Entity, ...] = ()
    findings: tuple[Finding, ...] = ()
    error: str | None = None
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)
