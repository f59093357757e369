"""The FastAPI application: the article view, the search and trace pages, and the JSON API.

Every error, whatever raised it, has one shape::

    {"error": {"status": 413, "message": "request body too large", "detail": {...} or null}}

Request bodies are capped (``MAX_BODY_BYTES``) before anything parses them. Nothing is fetched from
the network: an article's ``url`` is metadata only. The page renders article text through DOM text
nodes, never as markup; pages carry a strict Content-Security-Policy (scripts from this server only).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields, replace
from http import HTTPStatus
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote

import anyio
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from quotetrace import __version__
from quotetrace.errors import ApiError, StoreError, UnreadableArticle
from quotetrace.findings import headline_findings
from quotetrace.ingest import article_from_html, article_from_text
from quotetrace.kinds import ALL_KINDS, parse_kinds
from quotetrace.limits import Deadline, LimitExceeded, Limits
from quotetrace.model import (
    Article,
    Document,
    content_hash,
)
from quotetrace.options import PipelineOptions
from quotetrace.output.chains import chain_in_words
from quotetrace.output.jsonl import document_to_dict
from quotetrace.pipeline import Pipeline
from quotetrace.store import Store
from quotetrace.store.profiles import speaker_ids
from quotetrace.store.search import Sort, check_day
from quotetrace.web import schemas
from quotetrace.web.follow import FetchSettings, add_routes
from quotetrace.web.graph import build_graph, graph_to_dict, speaker_colours, speaker_key
from quotetrace.web.graph import speaker_label as _label

MAX_BODY_BYTES = 2 * 1024 * 1024
STATIC_DIR = Path(__file__).parent / "static"
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
_log = logging.getLogger("uvicorn.error")  # the server's log (stderr under `quotetrace serve`)


# -- the error shape -------------------------------------------------------------------------


class ErrorInfo(BaseModel):
    status: int
    message: str
    detail: Any = None


class ErrorBody(BaseModel):
    error: ErrorInfo


def error_response(
    status: int, message: str, detail: Any = None, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    body = {"error": {"status": status, "message": message, "detail": detail}}
    return JSONResponse(body, status_code=status, headers=headers)


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {s: {"model": ErrorBody, "description": HTTPStatus(s).phrase} for s in statuses}


# -- request bodies ----------------------------------------------------------------------------


class ExtractRequest(BaseModel):
    """An article to extract: ``text`` or ``html`` (exactly one), with optional metadata."""

    model_config = ConfigDict(
        extra="forbid",
        # the validator below, said in the schema: exactly one of "text" and "html" is a string
        json_schema_extra={
            "oneOf": [
                {
                    "required": [key],
                    "properties": {key: {"type": "string"}, other: {"type": "null"}},
                }
                for key, other in (("text", "html"), ("html", "text"))
            ]
        },
    )

    text: str | None = Field(None, description="plain article text")
    html: str | None = Field(None, description="an HTML page; its article text is extracted")
    id: str | None = Field(None, max_length=200, description="default: a hash of the input")
    title: str | None = Field(None, max_length=2000)
    published: str | None = Field(None, max_length=100, description="ISO 8601")
    url: str | None = Field(None, max_length=4000, description="metadata only: never fetched")
    outlet: str | None = Field(None, max_length=500)

    @model_validator(mode="after")
    def _one_input(self) -> ExtractRequest:
        if (self.text is None) == (self.html is None):
            raise ValueError('give exactly one of "text" and "html"')
        return self


# -- the guard: body size, allowed hosts, common headers ----------------------------------------


class _Guard:
    """Plain ASGI middleware. Reads at most ``max_body`` bytes of a request body (413 past that),
    refuses Host headers outside ``allowed_hosts`` (DNS rebinding) and adds safety headers."""

    def __init__(
        self, app: ASGIApp, *, max_body: int, allowed_hosts: Iterable[str] | None = None
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.allowed_hosts = None if allowed_hosts is None else frozenset(allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if self.allowed_hosts is not None and _hostname(headers.get("host", "")) not in (
            self.allowed_hosts
        ):
            await error_response(400, "host not allowed")(scope, receive, send)
            return
        too_large = error_response(
            413, "request body too large", {"max_bytes": self.max_body}, {"Connection": "close"}
        )
        declared = headers.get("content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                await error_response(400, "bad Content-Length header")(scope, receive, send)
                return
            if int(declared) > self.max_body:
                await too_large(scope, receive, send)
                return
        chunks: list[bytes] = []
        size, more = 0, True
        while more:  # also bounds chunked bodies that declare no length
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                await too_large(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                out.setdefault("X-Content-Type-Options", "nosniff")
                out.setdefault("Referrer-Policy", "no-referrer")
            await send(message)

        await self.app(scope, replay, send_with_headers)


def _hostname(host: str) -> str:
    if host.startswith("["):  # [::1]:8000
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


# -- the extractor, built on first use ----------------------------------------------------------


T = TypeVar("T")
REQUEST_SECONDS = 30.0  # soft deadline of one extraction in the server


CLIENT_GONE = 499  # nginx's "client closed request": logged, never read by anyone


class _StoppableDeadline(Deadline):
    """The soft deadline and memory cap, which also stop at the next stage once any of ``events``
    is set (the server is shutting down, or the request's client left)."""

    def __init__(
        self,
        seconds: float | None,
        events: tuple[threading.Event, ...],
        memory_mb: int | None = None,
    ) -> None:
        super().__init__(seconds, memory_mb)
        self.events = events

    def check(self, stage: str) -> None:
        if any(event.is_set() for event in self.events):
            raise LimitExceeded(f"stopped at {stage}")
        super().check(stage)


@dataclass(frozen=True)
class _RequestLimits(Limits):
    events: tuple[threading.Event, ...] = field(default=(), compare=False)

    def deadline(self) -> Deadline:
        return _StoppableDeadline(self.seconds, self.events, self.memory_mb)


class Extractor:
    """One pipeline per app, built lazily (the model takes seconds to load), used by one request
    at a time, in a worker thread, off the event loop. Each article has a soft deadline of
    ``seconds``, so one hostile text cannot hold the pipeline for long; an extraction whose
    client left (``gone``) or that runs when the server shuts down (``stopping``) stops at its
    next stage boundary, releases the pipeline and its result is dropped, and a request still
    waiting for the pipeline then gives up without starting."""

    def __init__(
        self,
        pipeline: Pipeline | None,
        seconds: float | None = REQUEST_SECONDS,
        options: PipelineOptions | None = None,
    ) -> None:
        self._pipeline = pipeline
        self._options = options or PipelineOptions()
        self._lock = threading.Lock()
        self.seconds = seconds
        self.stopping = threading.Event()
        self.abandoned = 0  # extractions stopped or never started because the client left

    def process(self, article: Article, gone: threading.Event | None = None) -> Document:
        events = (self.stopping, gone or threading.Event())
        while not self._lock.acquire(timeout=0.1):
            self._raise_if_stopped(events)
        try:
            self._raise_if_stopped(events)
            if self._pipeline is None:
                self._pipeline = self._options.pipeline()
            before = self._pipeline.limits
            values = {f.name: getattr(before, f.name) for f in fields(Limits)}
            values["seconds"] = self.seconds
            self._pipeline.limits = _RequestLimits(**values, events=events)
            try:
                doc = self._pipeline.process(article)
            finally:
                self._pipeline.limits = before
            self._raise_if_stopped(events)
            return doc
        finally:
            self._lock.release()

    def _raise_if_stopped(self, events: tuple[threading.Event, threading.Event]) -> None:
        stopping, gone = events
        if stopping.is_set():
            _log.warning("extraction stopped: the server is shutting down")
            raise ApiError(503, "the server is shutting down")
        if gone.is_set():
            self.abandoned += 1
            _log.warning("extraction stopped: the client left (the result is dropped)")
            raise ApiError(CLIENT_GONE, "the client left: extraction stopped, result dropped")


async def _run_while_connected(request: Request, work: Callable[[threading.Event], T]) -> T:
    """``work(gone)`` in a worker thread; ``gone`` is set as soon as the client disconnects
    (the ASGI server's ``http.disconnect``), so that the work can stop early."""
    gone = threading.Event()

    async def watch() -> None:
        while (await request.receive())["type"] != "http.disconnect":
            pass
        gone.set()

    outcome: list[T] = []
    failure: list[BaseException] = []
    async with anyio.create_task_group() as group:
        group.start_soon(watch)
        try:
            outcome.append(await anyio.to_thread.run_sync(work, gone))
        except Exception as exc:  # re-raised below, outside the task group
            failure.append(exc)
        group.cancel_scope.cancel()
    if failure:
        raise failure[0]
    return outcome[0]


def _article(req: ExtractRequest) -> Article:
    raw = req.html if req.html is not None else req.text
    assert raw is not None  # the validator guarantees one of them
    article_id = req.id or "pasted-" + content_hash(raw, length=12)
    meta: dict[str, Any] = {
        "title": req.title or None,
        "published": req.published or None,
        "url": req.url or None,
        "outlet": req.outlet or None,
    }
    try:
        if req.html is not None:
            return article_from_html(req.html, id=article_id, **meta)
        return article_from_text(raw, id=article_id, **meta)
    except UnreadableArticle as exc:
        raise ApiError(422, f"cannot read the article: {exc}") from exc


def document_view(doc: Document) -> dict[str, Any]:
    """FORMAT.md §2 output with the text, plus what the page draws: colours, chains, the graph."""
    out = document_to_dict(doc, include_text=True)
    colours = speaker_colours(doc)
    counts: dict[str, int] = {}
    for q in doc.quotes:
        counts[speaker_key(q)] = counts.get(speaker_key(q), 0) + 1
    out["view"] = {
        "speakers": [
            {"key": k, "label": _label(k), "colour": c, "quotes": counts[k]}
            for k, c in colours.items()
        ],
        "quote_colours": {q.id: colours[speaker_key(q)] for q in doc.quotes},
        "chains": {q.id: chain_in_words(q, doc.quotes) for q in doc.quotes},
        "graph": graph_to_dict(build_graph(doc)),
    }
    return out


def _examples() -> list[dict[str, Any]]:
    """The bundled Wikinews examples (CC BY 2.5, Wikinews contributors)."""
    path = resources.files("quotetrace").joinpath("examples/wikinews.jsonl")
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            obj = json.loads(line)
            keys = ("id", "title", "published", "outlet", "url", "license", "text")
            out.append({k: obj.get(k) for k in keys})
    return out


# -- the app -------------------------------------------------------------------------------------


def create_app(
    db_path: str | None = None,
    pipeline: Pipeline | None = None,
    *,
    max_body_bytes: int = MAX_BODY_BYTES,
    allowed_hosts: Iterable[str] | None = None,
    fetch: FetchSettings | None = None,
    options: PipelineOptions | None = None,
) -> FastAPI:
    """The web app. ``db_path``: a store for search, trace and saved articles (without it those
    endpoints answer 503). ``pipeline``: an already built Pipeline (default: one built from
    ``options``, default ``PipelineOptions()``, on first use).
    ``allowed_hosts``: Host header names accepted (default: any). ``fetch``: whether "Add by URL"
    may fetch, and its caps (default: fetching off)."""
    app = FastAPIOffline(
        title="quotetrace",
        version=__version__,
        description="Who said what, to whom, and through whom: quotations in news articles.",
    )
    extractor = Extractor(pipeline, options=options)
    stores = StoreAccess(db_path)
    app.state.extractor = extractor
    app.state.stores = stores
    app.add_middleware(_Guard, max_body=max_body_bytes, allowed_hosts=allowed_hosts)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.message, exc.detail)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        phrase = HTTPStatus(exc.status_code).phrase
        message = exc.detail if isinstance(exc.detail, str) and exc.detail else phrase
        detail = {"path": request.url.path} if exc.status_code in (404, 405) else None
        return error_response(exc.status_code, message.lower(), detail, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [
            {"loc": list(e.get("loc", ())), "message": e.get("msg", ""), "type": e.get("type")}
            for e in exc.errors()
        ]
        return error_response(422, "the request is not valid", detail)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        return error_response(500, "internal server error")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    def page() -> FileResponse:
        return FileResponse(
            STATIC_DIR / "index.html",
            headers={"Content-Security-Policy": PAGE_CSP, "Cache-Control": "no-cache"},
        )

    for path in ("/", "/search", "/trace"):
        app.add_api_route(path, page, methods=["GET"], include_in_schema=False)

    @app.get("/speakers/{speaker_id}", include_in_schema=False)
    def speaker_page(speaker_id: str) -> FileResponse:
        return page()

    @app.get("/quotes/{quote_id}", include_in_schema=False)
    def quote_page(quote_id: str) -> FileResponse:
        return page()

    fetch_settings = fetch or FetchSettings()
    add_routes(app, stores, extractor, fetch_settings, _errors)

    @app.get("/articles/{article_id:path}", include_in_schema=False)
    def article_page(article_id: str) -> FileResponse:
        return page()

    @app.post(
        "/api/extract",
        tags=["extract"],
        summary="Extract the quotations of one article",
        responses=_errors(400, 413, 422, 500),
        response_model=schemas.DocumentView,
    )
    async def extract(req: ExtractRequest, request: Request) -> dict[str, Any]:
        """FORMAT.md §2 output with `text` (offsets refer to it) and `findings`, plus a `view`
        object for the page: speaker colours, each quote's chain in words, the graph."""
        doc = await _run_while_connected(
            request, lambda gone: extractor.process(_article(req), gone)
        )
        if doc.error is not None and doc.error.startswith("LimitExceeded"):
            raise ApiError(422, f"cannot extract the article: {doc.error.split(': ', 1)[1]}")
        return document_view(doc)

    @app.get(
        "/api/examples",
        tags=["extract"],
        summary="The bundled example articles",
        response_model=list[schemas.ExampleOut],
    )
    def examples() -> list[dict[str, Any]]:
        return _examples()

    @app.get(
        "/api/quotes",
        tags=["store"],
        summary="Search the stored quotes",
        responses=_errors(422, 503),
        response_model=schemas.SearchOut,
    )
    def quotes(
        q: str | None = Query(None, max_length=2000, description="words of the quote"),
        speaker: str | None = Query(None, max_length=300, description="any spelling of a name"),
        outlet: str | None = Query(None, max_length=300),
        since: str | None = Query(None, max_length=10, description="YYYY[-MM[-DD]], inclusive"),
        until: str | None = Query(None, max_length=10, description="YYYY[-MM[-DD]], inclusive"),
        kind: str | None = Query(
            None, max_length=100, description="comma list: speech,writing,thought,..."
        ),
        sort: Sort = "relevance",
        limit: int = Query(50, ge=1, le=500),
        offset: int = Query(0, ge=0, le=100_000),
    ) -> dict[str, Any]:
        """The CLI's search filters; results with speaker, outlet, date and article."""
        return stores.search(
            q=q,
            speaker=speaker,
            outlet=outlet,
            since=since,
            until=until,
            kind=kind,
            sort=sort,
            limit=limit,
            offset=offset,
        )

    @app.get(
        "/api/trace",
        tags=["store"],
        summary="A quote's cluster, from its first appearance on",
        responses=_errors(404, 422, 503),
        response_model=schemas.TraceOut,
    )
    def trace(q: str = Query(..., min_length=1, max_length=2000)) -> dict[str, Any]:
        return stores.trace(q)

    @app.get(
        "/api/articles/{article_id:path}",
        tags=["store"],
        summary="One stored article with its quotes",
        responses=_errors(404, 503),
        response_model=schemas.StoredDocumentView,
    )
    def article(article_id: str, request: Request) -> dict[str, Any]:
        """Any id, a crawled page's URL included: percent-encode it whole (``/`` as ``%2F``)."""
        return stores.article(_raw_tail(request, "/api/articles/") or article_id)

    @app.get(
        "/api/speakers",
        tags=["store"],
        summary="Everyone quoted in the store, with counts",
        responses=_errors(503),
        response_model=schemas.SpeakersOut,
    )
    def speakers() -> dict[str, Any]:
        return stores.speakers()

    @app.get(
        "/api/health",
        tags=["meta"],
        summary="Liveness and configuration",
        response_model=schemas.HealthOut,
    )
    def health() -> dict[str, Any]:
        return {
            "ok": True,
            "version": __version__,
            "store": db_path is not None,
            "fetch": fetch_settings.allowed,
        }

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    return app


class StoreAccess:
    """The store endpoints, over a ``Store`` opened per request (SQLite connections belong to one
    thread, and requests run in a thread pool). Without a database they all answer 503."""

    def __init__(self, db_path: str | None) -> None:
        self.db_path = db_path

    @contextmanager
    def _open(self) -> Iterator[Store]:
        if self.db_path is None:
            raise ApiError(
                503, "no store configured", {"hint": "start with: quotetrace serve --db FILE"}
            )
        if not Path(self.db_path).is_file():
            raise ApiError(503, "the store file does not exist", {"db": Path(self.db_path).name})
        try:
            store = Store.open(self.db_path)
        except StoreError as exc:
            raise ApiError(503, "the store cannot be opened", str(exc)) from exc
        try:
            yield store
        finally:
            store.close()

    def search(
        self,
        *,
        q: str | None,
        speaker: str | None,
        outlet: str | None,
        since: str | None,
        until: str | None,
        kind: str | None,
        sort: Sort,
        limit: int,
        offset: int,
    ) -> dict[str, Any]:
        kinds = _kinds(kind)
        for name, value in (("since", since), ("until", until)):
            if value is not None:
                try:
                    check_day(value)
                except StoreError as exc:
                    raise ApiError(422, f"{name}: {exc}") from exc
        with self._open() as store:
            hits = store.search(
                q or "",
                speaker=speaker or None,
                outlet=outlet or None,
                since=since,
                until=until,
                kinds=kinds,
                sort=sort,
                limit=limit,
                offset=offset,
            )
            speakers_of = speaker_ids(store.conn, [hit.quote_id for hit in hits])
        filters = {"q": q, "speaker": speaker, "outlet": outlet, "since": since, "until": until}
        return {
            "filters": {**filters, "kind": list(kinds) if kinds else None},
            "count": len(hits),
            "offset": offset,
            "results": [
                _with_date({**asdict(hit), "speaker_id": speakers_of.get(hit.quote_id)})
                for hit in hits
            ],
        }

    def trace(self, q: str) -> dict[str, Any]:
        with self._open() as store:
            found = store.trace(q)
        if found is None:
            raise ApiError(404, "no stored quote matches", {"q": q})
        return found.to_dict()

    def article(self, article_id: str) -> dict[str, Any]:
        with self._open() as store:
            loaded = store.document(article_id)
        if loaded is None:
            raise ApiError(404, "no such article in the store", {"id": article_id})
        doc, store_ids = loaded
        doc = replace(doc, findings=tuple(headline_findings(doc.article, list(doc.quotes))))
        out = document_view(doc)
        for quote in out["quotes"]:  # search results link to quotes by their store id
            quote["store_id"] = store_ids.get(quote["id"])
        return out

    def speakers(self) -> dict[str, Any]:
        with self._open() as store:
            found = store.speakers()
        return {
            "speakers": [
                {
                    **{k: v for k, v in asdict(s).items() if k != "aliases"},
                    "aliases": [{"name": name, "count": n} for name, n in s.aliases],
                }
                for s in found
            ]
        }


def _raw_tail(request: Request, prefix: str) -> str | None:
    """The rest of the path after ``prefix``, percent-decoded exactly once (from the raw path:
    an id holding "%2F" stays "%2F")."""
    raw = request.scope.get("raw_path")
    if not isinstance(raw, bytes):
        return None
    text = raw.decode("latin-1").split("?", 1)[0]
    if not text.startswith(prefix):
        return None
    return unquote(text[len(prefix) :], errors="replace") or None


def _kinds(value: str | None) -> tuple[str, ...] | None:
    """A comma list of kinds, as the CLI takes them; 422 for an unknown one."""
    if not value or not value.replace(",", "").strip():
        return None
    try:
        return parse_kinds(value)
    except ValueError as exc:
        raise ApiError(422, str(exc), {"kinds": list(ALL_KINDS)}) from exc


def _with_date(item: dict[str, Any]) -> dict[str, Any]:
    published = item.get("published")
    item["date"] = published[:10] if isinstance(published, str) and published else None
    return item
