"""The web app's speaker pages, quote pages and "Add by URL".

``/api/speakers/{id}``: a speaker's record (store/profiles.py). ``/api/quote/{id}``: one quote with
its context and trace. ``POST /api/fetch``: fetch one URL, extract it and add it to the store; it
answers 403 unless the server was started with ``--allow-fetch``. Fetching goes through the guarded
fetcher: the host is resolved and every address checked before connecting (private, loopback,
link-local, ... refused, on redirects too), with a size cap, a time cap, robots.txt and no retries.
``FetchSettings.allow_networks`` is the one documented way to let a private network through (the
tests' local server, or an intranet the operator names with ``--fetch-allow``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field

from quotetrace.errors import (
    ApiError,
    BlockedAddress,
    FetchError,
    RobotsDisallowed,
    StoreError,
    UnreadableArticle,
)
from quotetrace.exports import ANNO_CONTEXT, claim_reviews, web_annotations
from quotetrace.fetch.client import Fetcher, FetchPolicy, check_url
from quotetrace.fetch.sources import PageRecord, article_from_result, remember
from quotetrace.model import content_hash
from quotetrace.store.profiles import quote_detail, speaker_profile
from quotetrace.web import schemas

if TYPE_CHECKING:
    from quotetrace.web.app import Extractor, StoreAccess


@dataclass(frozen=True)
class FetchSettings:
    """``allowed``: whether "Add by URL" works at all (``serve --allow-fetch``)."""

    allowed: bool = False
    max_bytes: int = 5_000_000
    timeout: float = 15.0
    allow_networks: tuple[str, ...] = field(default=())

    def policy(self) -> FetchPolicy:
        return FetchPolicy(
            connect_timeout=min(5.0, self.timeout),
            read_timeout=self.timeout,
            total_timeout=self.timeout * 2,
            max_bytes=self.max_bytes,
            retries=0,
            host_delay=1.0,
            block_private=True,
            allow_networks=self.allow_networks,
        )


class FetchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(..., min_length=1, max_length=2000, description="an http(s) URL")


def add_routes(
    app: FastAPI,
    stores: StoreAccess,
    extractor: Extractor,
    settings: FetchSettings,
    errors: Any,
) -> None:
    from quotetrace.web.app import document_view

    lock = threading.Lock()
    fetcher: list[Fetcher] = []

    @app.get(
        "/api/speakers/{speaker_id}",
        tags=["store"],
        summary="A speaker's record: quotes by date, occasions, addressees, quotes per week",
        responses=errors(404, 503),
        response_model=schemas.SpeakerProfileOut,
    )
    def speaker(speaker_id: str) -> dict[str, Any]:
        with stores._open() as store:
            found = speaker_profile(store.conn, speaker_id)
        if found is None:
            raise ApiError(404, "no such speaker in the store", {"id": speaker_id})
        return found

    @app.get(
        "/api/quote/{quote_id}",
        tags=["store"],
        summary="One stored quote with its context, nested quotes and trace",
        responses=errors(404, 503),
        response_model=schemas.QuoteDetailOut,
    )
    def quote(quote_id: str) -> dict[str, Any]:
        with stores._open() as store:
            found = quote_detail(store.conn, quote_id)
        if found is None:
            raise ApiError(404, "no such quote in the store", {"id": quote_id})
        return found

    @app.get(
        "/api/quote/{quote_id}/claimreview",
        tags=["export"],
        summary="schema.org ClaimReview JSON-LD for a quote's cluster (ready for a fact-checker)",
        responses=errors(404, 503),
        response_model=schemas.ClaimReviewOut,
        response_model_exclude_unset=True,
    )
    def claimreview(quote_id: str) -> dict[str, Any]:
        with stores._open() as store:
            found = claim_reviews(store.conn, [quote_id])
        if not found:
            raise ApiError(404, "no such quote in the store", {"id": quote_id})
        return found[0]

    @app.get(
        "/api/quote/{quote_id}/annotation",
        tags=["export"],
        summary="W3C Web Annotation of a quote (TextQuoteSelector and TextPositionSelector)",
        responses=errors(404, 503),
        response_model=schemas.AnnotationOut,
        response_model_exclude_unset=True,
    )
    def annotation(quote_id: str) -> dict[str, Any]:
        with stores._open() as store:
            row = store.conn.execute(
                "SELECT article_id FROM quotes WHERE id = ?", (quote_id,)
            ).fetchone()
            loaded = store.document(row[0]) if row else None
        if loaded is None:
            raise ApiError(404, "no such quote in the store", {"id": quote_id})
        doc, store_ids = loaded
        (item,) = web_annotations(doc, store_ids, [quote_id])
        return {"@context": ANNO_CONTEXT, **item}

    @app.post(
        "/api/fetch",
        tags=["extract"],
        summary="Fetch a page by URL, extract it and add it to the store (serve --allow-fetch)",
        responses=errors(400, 403, 422, 502, 503),
        response_model=schemas.FetchedDocumentView,
        response_model_exclude_unset=True,
    )
    def fetch(req: FetchRequest) -> dict[str, Any]:
        """Off unless the server runs with `--allow-fetch`. Addresses that are private,
        loopback or link-local are refused after DNS resolution, on redirects too."""
        if not settings.allowed:
            raise ApiError(
                403,
                "fetching is off",
                {"hint": "start the server with: quotetrace serve --allow-fetch"},
            )
        try:
            check_url(req.url)
        except FetchError as exc:
            raise ApiError(422, str(exc)) from exc
        with lock:
            if not fetcher:
                fetcher.append(Fetcher(settings.policy()))
            try:
                result = fetcher[0].fetch(req.url)
            except BlockedAddress as exc:
                raise ApiError(400, "this address is not fetched", str(exc)) from exc
            except RobotsDisallowed as exc:
                raise ApiError(403, "the site's robots.txt disallows this page", str(exc)) from exc
            except FetchError as exc:
                raise ApiError(502, "the page could not be fetched", str(exc)) from exc
        try:
            article = article_from_result(result)
        except UnreadableArticle as exc:
            raise ApiError(422, f"cannot read the page: {exc}") from exc
        doc = extractor.process(article)
        out = document_view(doc)
        out["stored"] = False
        out["final_url"] = result.final_url
        if stores.db_path is not None:
            try:
                with stores._open() as store:
                    outcome = store.ingest_document(doc)
                    if outcome != "failed":
                        digest = content_hash(result.final_url, result.body.decode("latin-1"))
                        remember(
                            store.conn,
                            PageRecord(
                                result.url,
                                result.final_url,
                                article.id,
                                result.etag,
                                result.last_modified,
                                digest,
                                result.fetched_at,
                            ),
                        )
            except StoreError as exc:
                raise ApiError(503, "the store cannot be written", str(exc)) from exc
            out["stored"] = outcome != "failed"
            out["outcome"] = outcome
        return out
