"""Exports other people's tools read, from the store: schema.org ClaimReview (JSON-LD) for
fact-checkers, W3C Web Annotations for annotation tools, Label Studio tasks for correcting our
output, and the way back from Label Studio to FORMAT.md §1 gold for ``train`` and ``eval``.

ClaimReview: one per quote cluster, ready for a fact-checker to complete. We fill what we know:
``claimReviewed`` (the earliest wording), ``itemReviewed`` a ``Claim`` with its ``author`` (Person
or Organization), ``datePublished`` (when it was said, if the article says, else the first
article's date), every ``appearance`` (NewsArticle with url, headline, date, publisher) and the
``firstAppearance``. The reviewer adds ``url``, ``author``, ``datePublished`` and ``reviewRating``
of the review itself, which only they can know.

Web Annotation (W3C Recommendation, 2017): one ``Annotation`` per quote, its ``target`` one
SpecificResource per content span with a ``TextQuoteSelector`` (exact, 32 characters of prefix and
suffix) and a ``TextPositionSelector`` (start, end), both on the stored article text (for HTML
pages: the extracted body text, which annotation tools re-anchor through the quote selector).
The bodies name the speaker (``identifying``), the addressee, the cue and the quote type
(``tagging``). Wrapped in an ``AnnotationCollection``.

Label Studio: one task per article (``data.text`` and metadata) with our quotes as
``predictions``: labelled spans (Quote, Speaker, Cue, Addressee), per-region choices for the quote
type and a per-region text area for the speaker's full name, and relations (speaker ``says``
quote, cue ``cue`` quote, quote ``to`` addressee, quote ``continues`` its previous span, quote
``nested in`` its parent). ``LABEL_CONFIG`` is the matching labelling interface. ``gold_from_tasks``
reads a Label Studio export (the latest annotation of each task that was not cancelled; with
``use_predictions``, the predictions where a task has none) back into §1 gold.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from quotetrace import __version__
from quotetrace.errors import EvaluationError, InputError, StoreError
from quotetrace.model import Document
from quotetrace.store.cluster import load_trace

SCHEMA_ORG = "https://schema.org"
ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTEXT_CHARS = 32  # prefix and suffix of a TextQuoteSelector
LABELS = ("Quote", "Speaker", "Cue", "Addressee")
QUOTE_TYPES = ("direct", "indirect", "mixed")

LABEL_CONFIG = """<View>
  <Header value="$title"/>
  <Labels name="label" toName="text">
    <Label value="Quote" background="#4c9aff"/>
    <Label value="Speaker" background="#ff8b00"/>
    <Label value="Cue" background="#36b37e"/>
    <Label value="Addressee" background="#6554c0"/>
  </Labels>
  <Relations>
    <Relation value="says"/>
    <Relation value="cue"/>
    <Relation value="to"/>
    <Relation value="continues"/>
    <Relation value="nested in"/>
  </Relations>
  <Text name="text" value="$text" granularity="symbol"/>
  <View visibleWhen="region-selected" whenLabelValue="Quote">
    <Choices name="type" toName="text" perRegion="true" choice="single">
      <Choice value="direct"/>
      <Choice value="indirect"/>
      <Choice value="mixed"/>
    </Choices>
  </View>
  <View visibleWhen="region-selected" whenLabelValue="Speaker">
    <TextArea name="speaker_name" toName="text" perRegion="true" maxSubmissions="1"
      placeholder="the speaker's full name"/>
  </View>
</View>
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _http(url: str | None) -> str | None:
    return url if url and url.lower().startswith(("http://", "https://")) else None


# -- ClaimReview -----------------------------------------------------------------------------------


def _news_article(app: Any, outlet_url: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"@type": "NewsArticle"}
    if _http(app.url):
        item["url"] = app.url
    if app.title:
        item["headline"] = app.title
    if app.published:
        item["datePublished"] = app.published
    if app.outlet:
        item["publisher"] = {"@type": "Organization", "name": app.outlet}
    return item


def claim_review(conn: sqlite3.Connection, cluster_id: str) -> dict[str, Any] | None:
    """A ClaimReview (without the reviewer's part) for one quote cluster; None if unknown."""
    trace = load_trace(conn, cluster_id)
    if trace is None:
        return None
    first = trace.first
    counts: dict[str, int] = {}
    for app in trace.appearances:
        if app.speaker_id:
            counts[app.speaker_id] = counts.get(app.speaker_id, 0) + 1
    claim: dict[str, Any] = {"@type": "Claim"}
    if counts:
        speaker_id = max(sorted(counts), key=lambda sid: counts[sid])
        name, is_person = conn.execute(
            "SELECT name, is_person FROM speakers WHERE id = ?", (speaker_id,)
        ).fetchone()
        claim["author"] = {"@type": "Person" if is_person else "Organization", "name": name}
    elif first.speaker_as_written:
        claim["author"] = {"@type": "Person", "name": first.speaker_as_written}
    said = conn.execute("SELECT said_on FROM quotes WHERE id = ?", (first.quote_id,)).fetchone()
    said_on = json.loads(said[0]) if said and said[0] else None
    date = (said_on or {}).get("date") or first.published
    if date:
        claim["datePublished"] = date
    claim["appearance"] = [_news_article(app) for app in trace.appearances]
    claim["firstAppearance"] = _news_article(first)
    return {
        "@context": SCHEMA_ORG,
        "@type": "ClaimReview",
        "claimReviewed": first.text,
        "itemReviewed": claim,
    }


def claim_reviews(conn: sqlite3.Connection, quote_ids: Sequence[str]) -> list[dict[str, Any]]:
    """One ClaimReview per cluster of the given quotes, in their order."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for qid in quote_ids:
        row = conn.execute("SELECT cluster_id FROM quotes WHERE id = ?", (qid,)).fetchone()
        if row is None or row[0] in seen:
            continue
        seen.add(row[0])
        review = claim_review(conn, row[0])
        if review is not None:
            out.append(review)
    return out


# -- W3C Web Annotation ----------------------------------------------------------------------------


def _selectors(text: str, start: int, end: int) -> list[dict[str, Any]]:
    return [
        {
            "type": "TextQuoteSelector",
            "exact": text[start:end],
            "prefix": text[max(0, start - CONTEXT_CHARS) : start],
            "suffix": text[end : end + CONTEXT_CHARS],
        },
        {"type": "TextPositionSelector", "start": start, "end": end},
    ]


def web_annotations(
    doc: Document, store_ids: Mapping[str, str], wanted: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """Annotations for the quotes of one stored article (``wanted``: store ids to keep)."""
    art = doc.article
    keep = None if wanted is None else set(wanted)
    source = _http(art.source) or _http(art.url) or f"urn:quotetrace:article:{art.id}"
    created = _now()
    out = []
    for quote in doc.quotes:
        store_id = store_ids.get(quote.id, quote.id)
        if keep is not None and store_id not in keep:
            continue
        bodies: list[dict[str, Any]] = [
            {"type": "TextualBody", "purpose": "tagging", "value": f"{quote.type} quote"},
            {"type": "TextualBody", "purpose": "tagging", "value": quote.kind},
        ]
        if quote.speaker and quote.speaker.name:
            bodies.append(
                {
                    "type": "TextualBody",
                    "purpose": "identifying",
                    "value": quote.speaker.name,
                    "format": "text/plain",
                }
            )
        if quote.addressee and quote.addressee.name:
            bodies.append(
                {
                    "type": "TextualBody",
                    "purpose": "describing",
                    "value": f"addressed to {quote.addressee.name}",
                }
            )
        if quote.cue:
            cue = " … ".join(art.text[s:e] for s, e in quote.cue)
            bodies.append({"type": "TextualBody", "purpose": "describing", "value": f"cue: {cue}"})
        targets = [
            {"type": "SpecificResource", "source": source, "selector": _selectors(art.text, s, e)}
            for s, e in quote.content
        ]
        out.append(
            {
                "id": f"urn:quotetrace:quote:{store_id}",
                "type": "Annotation",
                "motivation": "identifying",
                "created": created,
                "generator": {"type": "Software", "name": f"quotetrace {__version__}"},
                "body": bodies,
                "target": targets[0] if len(targets) == 1 else targets,
            }
        )
    return out


def annotation_collection(items: list[dict[str, Any]], label: str) -> dict[str, Any]:
    return {
        "@context": ANNO_CONTEXT,
        "id": "urn:quotetrace:collection:" + _now(),
        "type": "AnnotationCollection",
        "label": label,
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }


# -- Label Studio ---------------------------------------------------------------------------------


def _region(rid: str, label: str, text: str, start: int, end: int, score: float) -> dict[str, Any]:
    return {
        "id": rid,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "origin": "prediction",
        "score": score,
        "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]},
    }


def _relation(source: str, target: str, label: str) -> dict[str, Any]:
    return {
        "type": "relation",
        "from_id": source,
        "to_id": target,
        "direction": "right",
        "labels": [label],
    }


def labelstudio_task(doc: Document) -> dict[str, Any]:
    """One Label Studio task for one article, our quotes as its predictions."""
    art = doc.article
    text = art.text
    result: list[dict[str, Any]] = []
    first_region: dict[str, str] = {}
    for n, quote in enumerate(doc.quotes):
        rid = f"q{n}"
        ids = [f"{rid}c{i}" for i in range(len(quote.content))]
        if not ids:
            continue
        first_region[quote.id] = ids[0]
        for i, (s, e) in enumerate(quote.content):
            result.append(_region(ids[i], "Quote", text, s, e, quote.confidence))
            result.append(
                {
                    "id": ids[i],
                    "from_name": "type",
                    "to_name": "text",
                    "type": "choices",
                    "origin": "prediction",
                    "value": {"start": s, "end": e, "text": text[s:e], "choices": [quote.type]},
                }
            )
            if i:
                result.append(_relation(ids[i - 1], ids[i], "continues"))
        if quote.speaker and quote.speaker.mention:
            for i, (s, e) in enumerate(quote.speaker.mention):
                sid = f"{rid}s{i}"
                result.append(_region(sid, "Speaker", text, s, e, quote.confidence))
                if quote.speaker.name:
                    result.append(
                        {
                            "id": sid,
                            "from_name": "speaker_name",
                            "to_name": "text",
                            "type": "textarea",
                            "origin": "prediction",
                            "value": {
                                "start": s,
                                "end": e,
                                "text": [quote.speaker.name],
                            },
                        }
                    )
                result.append(_relation(sid, ids[0], "says"))
        for i, (s, e) in enumerate(quote.cue):
            cid = f"{rid}k{i}"
            result.append(_region(cid, "Cue", text, s, e, quote.confidence))
            result.append(_relation(cid, ids[0], "cue"))
        if quote.addressee and quote.addressee.mention:
            for i, (s, e) in enumerate(quote.addressee.mention):
                aid = f"{rid}a{i}"
                result.append(_region(aid, "Addressee", text, s, e, quote.confidence))
                result.append(_relation(ids[0], aid, "to"))
    for quote in doc.quotes:
        if quote.parent and quote.id in first_region and quote.parent in first_region:
            result.append(
                _relation(first_region[quote.id], first_region[quote.parent], "nested in")
            )
    scores = [q.confidence for q in doc.quotes]
    return {
        "data": {
            "text": text,
            "article_id": art.id,
            "title": art.title or "",
            "published": art.published,
            "url": art.url,
            "outlet": art.outlet,
        },
        "predictions": [
            {
                "model_version": f"quotetrace {__version__}",
                "score": round(sum(scores) / len(scores), 3) if scores else 0.0,
                "result": result,
            }
        ],
    }


@dataclass
class _Quote:
    first: str
    spans: list[tuple[int, int]]
    type: str = "unknown"
    speaker: list[tuple[int, int]] | None = None
    speaker_name: str | None = None
    cue: list[tuple[int, int]] | None = None
    addressee: list[tuple[int, int]] | None = None
    addressee_name: str | None = None
    parent: str | None = None


def _chosen_result(task: Mapping[str, Any], use_predictions: bool) -> list[Any] | None:
    annotations = [
        a
        for a in task.get("annotations") or []
        if isinstance(a, Mapping) and not a.get("was_cancelled")
    ]
    if annotations:
        latest = max(annotations, key=lambda a: (str(a.get("updated_at") or ""), a.get("id") or 0))
        return list(latest.get("result") or [])
    if use_predictions and task.get("predictions"):
        return list(task["predictions"][0].get("result") or [])
    return None


def _span(value: Mapping[str, Any], text_len: int, where: str) -> tuple[int, int]:
    start, end = value.get("start"), value.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start <= end <= text_len:
        raise EvaluationError(f"{where}: region span {start!r}..{end!r} is not in the text")
    return start, end


def gold_from_task(
    task: Mapping[str, Any], *, use_predictions: bool = False, where: str = "task"
) -> dict[str, Any] | None:
    """One FORMAT.md §1 gold document from one Label Studio task (None: nothing annotated)."""
    data = task.get("data")
    if not isinstance(data, Mapping) or not isinstance(data.get("text"), str):
        raise EvaluationError(f"{where}: no data.text")
    text = data["text"]
    result = _chosen_result(task, use_predictions)
    if result is None:
        return None
    labels: dict[str, tuple[str, tuple[int, int]]] = {}
    choices: dict[str, str] = {}
    names: dict[str, str] = {}
    relations: list[tuple[str, str, str]] = []
    for item in result:
        if not isinstance(item, Mapping):
            continue
        kind = item.get("type")
        value = item.get("value") or {}
        rid = str(item.get("id"))
        if kind == "labels" and value.get("labels"):
            labels[rid] = (str(value["labels"][0]), _span(value, len(text), where))
        elif kind == "choices" and value.get("choices"):
            choices[rid] = str(value["choices"][0])
        elif kind == "textarea" and value.get("text"):
            names[rid] = str(value["text"][0]).strip()
        elif kind == "relation" and item.get("labels"):
            relations.append((str(item.get("from_id")), str(item.get("to_id")), item["labels"][0]))
    quote_regions = {rid for rid, (label, _) in labels.items() if label == "Quote"}
    follows = {t: s for s, t, rel in relations if rel == "continues" and {s, t} <= quote_regions}
    quotes: dict[str, _Quote] = {}
    owner: dict[str, str] = {}  # region id -> the first region of its quote
    for rid in sorted(quote_regions, key=lambda r: labels[r][1]):
        head, seen = rid, {rid}
        while head in follows and follows[head] not in seen:
            head = follows[head]
            seen.add(head)
        owner[rid] = head
        quote = quotes.setdefault(head, _Quote(head, []))
        quote.spans.append(labels[rid][1])
        if rid in choices and choices[rid] in QUOTE_TYPES:
            quote.type = choices[rid]
    for source, target, rel in relations:
        if rel == "says" and target in owner and source in labels:
            q = quotes[owner[target]]
            q.speaker = [*(q.speaker or []), labels[source][1]]
            q.speaker_name = q.speaker_name or names.get(source)
        elif rel == "cue" and target in owner and source in labels:
            q = quotes[owner[target]]
            q.cue = [*(q.cue or []), labels[source][1]]
        elif rel == "to" and source in owner and target in labels:
            q = quotes[owner[source]]
            q.addressee = [*(q.addressee or []), labels[target][1]]
            q.addressee_name = q.addressee_name or names.get(target)
        elif rel == "nested in" and source in owner and target in owner:
            quotes[owner[source]].parent = owner[target]
    ordered = sorted(quotes.values(), key=lambda q: min(q.spans))
    ids = {q.first: f"q{i + 1}" for i, q in enumerate(ordered)}
    doc_id = data.get("article_id") or task.get("id")
    if doc_id is None:
        raise EvaluationError(f"{where}: neither data.article_id nor an id")
    gold: dict[str, Any] = {
        "id": str(doc_id),
        "source": "label-studio",
        "text": text,
        "quotes": [
            {
                "id": ids[q.first],
                "type": q.type,
                "content": [list(s) for s in sorted(q.spans)],
                "speaker": [list(s) for s in q.speaker or []],
                "speaker_name": q.speaker_name,
                "cue": [list(s) for s in q.cue or []],
                "addressee": [list(s) for s in q.addressee or []],
                "addressee_name": q.addressee_name,
                "parent": ids.get(q.parent) if q.parent else None,
            }
            for q in ordered
        ],
    }
    for key in ("title", "published"):
        if data.get(key):
            gold[key] = data[key]
    return gold


def gold_from_tasks(
    tasks: Any, *, use_predictions: bool = False
) -> tuple[list[dict[str, Any]], int]:
    """§1 gold documents from a Label Studio JSON export (a list of tasks), and the number of
    tasks skipped because nobody annotated them. EvaluationError on a malformed export."""
    from quotetrace.evaluate import parse_gold_doc

    if not isinstance(tasks, list):
        raise EvaluationError("a Label Studio export is a JSON list of tasks")
    out: list[dict[str, Any]] = []
    skipped = 0
    for i, task in enumerate(tasks):
        where = f"task {i + 1}"
        if not isinstance(task, Mapping):
            raise EvaluationError(f"{where}: not a JSON object")
        gold = gold_from_task(task, use_predictions=use_predictions, where=where)
        if gold is None:
            skipped += 1
            continue
        parse_gold_doc(gold, where=where)  # what train and eval will read: checked here
        out.append(gold)
    return out, skipped


def read_json(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc


# --- from the store: which quotes, and the document of each format ------------------------------

FORMATS = ("claimreview", "annotations", "labelstudio")


def select_quote_ids(
    store: Any,
    *,
    quote: str | None = None,
    search: str | None = None,
    speaker: str | None = None,
    limit: int = 200,
) -> list[str] | None:
    """The store quote ids of one quote (its id or any wording), of a search, or of a speaker;
    None for the whole store."""
    if quote:
        row = store.conn.execute("SELECT id FROM quotes WHERE id = ?", (quote,)).fetchone()
        if row is not None:
            return [row[0]]
        found = store.trace(quote)
        if found is None:
            raise StoreError(f"no stored quote matches {quote!r}")
        return [found.first.quote_id]
    if search is not None or speaker:
        if limit < 1:
            raise InputError("--limit must be at least 1")
        hits = store.search(search or "", speaker=speaker, limit=limit)
        return [h.quote_id for h in hits]
    return None


def articles_of(store: Any, quote_ids: list[str] | None) -> list[str]:
    """The ids of the articles holding ``quote_ids`` (every article for None), in store order."""
    if quote_ids is None:
        return [r[0] for r in store.conn.execute("SELECT id FROM articles ORDER BY seq")]
    seen: dict[str, None] = {}
    for qid in quote_ids:
        row = store.conn.execute("SELECT article_id FROM quotes WHERE id = ?", (qid,)).fetchone()
        if row is not None:
            seen.setdefault(row[0], None)
    return list(seen)


def export_document(
    store: Any, fmt: str, quote_ids: list[str] | None, *, single: bool = False
) -> tuple[Any, int]:
    """The JSON document of ``fmt`` (one of ``FORMATS``) for the selected quotes, and how many
    quotes it holds. ``single``: one quote was asked for, so claimreview gives one object."""
    if fmt == "claimreview":
        ids = quote_ids
        if ids is None:
            ids = [r[0] for r in store.conn.execute("SELECT id FROM quotes ORDER BY pk")]
        reviews = claim_reviews(store.conn, ids)
        body: Any = reviews[0] if single and reviews else reviews
        return body, len(reviews)
    items: list[Any] = []
    n = 0
    for article_id in articles_of(store, quote_ids):
        loaded = store.document(article_id)
        if loaded is None:
            continue
        doc, store_ids = loaded
        if fmt == "annotations":
            found = web_annotations(doc, store_ids, quote_ids)
            items.extend(found)
            n += len(found)
        else:
            items.append(labelstudio_task(doc))
            n += len(doc.quotes)
    if fmt == "annotations":
        label = f"quotetrace quotes from {store.path}"
        return annotation_collection(items, label), n
    return items, n
