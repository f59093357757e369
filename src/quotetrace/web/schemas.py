"""Typed response models of the JSON API, so that ``/openapi.json`` documents every answer.

The endpoints build plain dicts (FORMAT.md §2 through ``output/jsonl.py``, the store's records
through ``store/profiles.py``); FastAPI validates each against its model here and writes it in
the same field order, so the JSON on the wire is what it was before these models (a test compares
every endpoint's answer with the dict the endpoint built). Fields that an answer leaves out when
they have no value (JSON-LD's optional properties) are declared with a default and the endpoint
uses ``response_model_exclude_unset``, so they stay absent rather than appearing as ``null``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Span = tuple[int, int]  # [start, end] character offsets into the article text
Number = int | float  # a coordinate of the graph: written as computed (40, not 40.0)


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


# -- FORMAT.md §2 ------------------------------------------------------------------------------


class PartyOut(_Model):
    mention: list[Span]
    name: str | None
    entity: str | None


class OccasionOut(_Model):
    type: str
    with_: str | None = Field(alias="with")
    mention: list[Span]


class SaidOnOut(_Model):
    date: str | None
    text: str | None
    mention: list[Span]


class QuoteOut(_Model):
    """One quotation (FORMAT.md §2); offsets refer to the answer's ``text``."""

    id: str
    type: str = Field(description="direct, indirect or mixed")
    content: list[Span]
    text: str
    cue: list[Span]
    speaker: PartyOut | None
    addressee: PartyOut | None
    parent: str | None = Field(description="id of the quote this one sits in")
    hedge: str | None
    kind: str
    occasion: OccasionOut | None
    said_on: SaidOnOut | None
    confidence: float
    evidence: str


class StoredQuoteOut(QuoteOut):
    store_id: str | None = Field(description="the quote's id in the store (/api/quote/{id})")


class EntityOut(_Model):
    id: str
    name: str
    label: str
    mentions: list[Span]


class FindingOut(_Model):
    type: str
    message: str
    source: str | None
    spans: list[Span]


# -- what the page draws -----------------------------------------------------------------------


class ViewSpeaker(_Model):
    key: str
    label: str
    colour: str
    quotes: int


class GraphNode(_Model):
    id: str
    label: str
    short: str
    kind: str
    colour: str
    x: Number
    y: Number
    rx: Number
    ry: Number
    quotes: list[str]


class GraphEdge(_Model):
    source: str
    target: str
    kind: str
    dashed: bool
    quotes: list[str]
    label: str
    path: str
    label_x: Number
    label_y: Number
    label_anchor: str


class GraphOut(_Model):
    width: Number
    height: Number
    nodes: list[GraphNode]
    edges: list[GraphEdge]


class ViewOut(_Model):
    speakers: list[ViewSpeaker]
    quote_colours: dict[str, str]
    chains: dict[str, str] = Field(description="each quote's chain in words")
    graph: GraphOut


class DocumentView(_Model):
    """FORMAT.md §2 output with ``text`` (every offset refers to it) and ``findings``, plus
    ``view``: speaker colours, each quote's chain in words and the who-quotes-whom graph."""

    id: str
    title: str | None
    author: str | None
    published: str | None
    url: str | None
    outlet: str | None
    text: str
    quotes: list[QuoteOut]
    entities: list[EntityOut]
    findings: list[FindingOut]
    error: str | None
    view: ViewOut


class StoredDocumentView(DocumentView):
    quotes: list[StoredQuoteOut]  # type: ignore[assignment]


class FetchedDocumentView(DocumentView):
    stored: bool = Field(description="whether the page was added to the store")
    final_url: str
    outcome: str | None = Field(None, description="the store's outcome: new, replaced, ...")


class ExampleOut(_Model):
    id: str | None
    title: str | None
    published: str | None
    outlet: str | None
    url: str | None
    license: str | None
    text: str | None


class HealthOut(_Model):
    ok: bool
    version: str
    store: bool = Field(description="whether a store is configured")
    fetch: bool = Field(description="whether 'Add by URL' may fetch")


# -- the store ---------------------------------------------------------------------------------


class SearchFilters(_Model):
    q: str | None
    speaker: str | None
    outlet: str | None
    since: str | None
    until: str | None
    kind: list[str] | None


class SearchResult(_Model):
    quote_id: str
    text: str
    type: str
    kind: str
    speaker: str | None
    speaker_as_written: str | None
    cluster_id: str
    article_id: str
    published: str | None
    outlet: str | None
    url: str | None
    title: str | None
    speaker_id: str | None
    date: str | None


class SearchOut(_Model):
    filters: SearchFilters
    count: int
    offset: int
    results: list[SearchResult]


class Appearance(_Model):
    quote_id: str
    text: str
    type: str
    kind: str
    article_id: str
    published: str | None
    outlet: str | None
    url: str | None
    title: str | None
    speaker: str | None
    speaker_id: str | None
    speaker_as_written: str | None
    date: str | None


class NameCount(_Model):
    name: str
    count: int


class TextCount(_Model):
    text: str
    count: int


class TraceOut(_Model):
    cluster_id: str
    first: Appearance = Field(description="the earliest appearance (also appearances[0])")
    appearances: list[Appearance] = Field(description="time order, undated ones last")
    variants: list[TextCount]
    speakers: list[NameCount]
    conflicting_speakers: bool


class SpeakerSummaryOut(_Model):
    id: str
    name: str
    key: str
    is_person: bool
    quotes: int
    articles: int
    first_date: str | None
    last_date: str | None
    aliases: list[NameCount]


class SpeakersOut(_Model):
    speakers: list[SpeakerSummaryOut]


class StoredQuote(_Model):
    """A quote as the store keeps it, with its article."""

    id: str
    text: str
    type: str
    kind: str
    speaker_id: str | None
    speaker: str | None
    speaker_as_written: str | None
    addressee: str | None
    occasion: OccasionOut | None
    said_on: SaidOnOut | None
    hedge: str | None
    parent_id: str | None
    cluster_id: str | None
    confidence: float
    start: int
    end: int
    article_id: str
    title: str | None
    published: str | None
    date: str | None
    outlet: str | None
    url: str | None


class QuoteContext(_Model):
    before: str
    quote: str
    after: str
    cut_before: bool
    cut_after: bool


class QuoteWithContext(StoredQuote):
    spans: dict[str, list[Span]] = Field(description="content, cue, speaker, ... spans by role")
    context: QuoteContext


class QuoteDetailOut(_Model):
    quote: QuoteWithContext
    parent: StoredQuote | None
    nested: list[StoredQuote]
    trace: TraceOut | None


class PersonCount(_Model):
    speaker_id: str | None
    name: str
    count: int


class OccasionCount(_Model):
    occasion: str
    count: int


class OutletCount(_Model):
    outlet: str | None
    count: int


class WeekCount(_Model):
    week: str
    count: int


class Timeline(_Model):
    weeks: list[WeekCount]
    undated: int
    max: int


class SpeakerProfileOut(_Model):
    id: str
    name: str
    is_person: bool
    quotes: list[StoredQuote]
    count: int
    articles: int
    first_date: str | None
    last_date: str | None
    written_as: list[NameCount]
    occasions: list[OccasionCount]
    addressees: list[NameCount]
    quotes_whom: list[PersonCount]
    quoted_by: list[PersonCount]
    reported_by: list[OutletCount]
    timeline: Timeline


# -- exports: schema.org ClaimReview and W3C Web Annotation --------------------------------------


class Named(_Model):
    type: str = Field(alias="@type", description="Person or Organization")
    name: str


class NewsArticleOut(_Model):
    type: Literal["NewsArticle"] = Field(alias="@type")
    url: str | None = None
    headline: str | None = None
    datePublished: str | None = None
    publisher: Named | None = None


class ClaimOut(_Model):
    type: Literal["Claim"] = Field(alias="@type")
    author: Named | None = None
    datePublished: str | None = None
    appearance: list[NewsArticleOut]
    firstAppearance: NewsArticleOut


class ClaimReviewOut(_Model):
    """schema.org ClaimReview JSON-LD without the reviewer's part (url, author, rating)."""

    context: str = Field(alias="@context")
    type: Literal["ClaimReview"] = Field(alias="@type")
    claimReviewed: str
    itemReviewed: ClaimOut


class TextualBody(_Model):
    type: str
    purpose: str
    value: str
    format: str | None = None


class Selector(_Model):
    """A TextQuoteSelector (exact, prefix, suffix) or a TextPositionSelector (start, end)."""

    type: Literal["TextQuoteSelector", "TextPositionSelector"]
    exact: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    start: int | None = None
    end: int | None = None


class Target(_Model):
    type: str
    source: str
    selector: list[Selector]


class Generator(_Model):
    type: str
    name: str


class AnnotationOut(_Model):
    """A W3C Web Annotation of one quote: one target per content span (one object when single)."""

    context: str = Field(alias="@context")
    id: str
    type: Literal["Annotation"]
    motivation: str
    created: str
    generator: Generator
    body: list[TextualBody]
    target: Target | list[Target]
