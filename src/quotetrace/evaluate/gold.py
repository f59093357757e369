"""Reading gold (FORMAT.md §1) and predictions (§2), checked: every span inside its text."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quotetrace.errors import EvaluationError, InputError

Span = tuple[int, int]
Spans = tuple[Span, ...]
CharSet = frozenset[int]


# --- data ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldQuote:
    id: str
    type: str
    content: Spans
    speaker_mention: Spans = ()
    speaker_name: str | None = None
    cue: Spans = ()
    addressee: Spans = ()
    addressee_name: str | None = None
    parent: str | None = None
    optional: bool = False


@dataclass(frozen=True)
class GoldDoc:
    id: str
    text: str
    quotes: tuple[GoldQuote, ...]
    title: str | None = None
    published: str | None = None
    source: str | None = None  # file (and line) it was read from


@dataclass(frozen=True)
class PredQuote:
    id: str
    type: str
    content: Spans
    cue: Spans = ()
    speaker_mention: Spans = ()
    speaker_name: str | None = None
    addressee_mention: Spans = ()
    addressee_name: str | None = None
    parent: str | None = None
    kind: str = "speech"
    confidence: float | None = None

    @property
    def has_addressee(self) -> bool:
        return bool(self.addressee_mention) or self.addressee_name is not None


# --- loading -------------------------------------------------------------------------------


def _spans(value: Any, what: str, where: str, text_len: int) -> Spans:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise EvaluationError(f"{where}: {what} must be a list of [start, end] pairs")
    spans: list[Span] = []
    for item in value:
        ok = (
            isinstance(item, list | tuple)
            and len(item) == 2
            and all(isinstance(x, int) and not isinstance(x, bool) for x in item)
        )
        if not ok:
            raise EvaluationError(f"{where}: {what} has {item!r}, not a [start, end] pair")
        start, end = item
        if not 0 <= start <= end <= text_len:
            raise EvaluationError(
                f"{where}: {what} span [{start}, {end}] is outside the text (length {text_len})"
            )
        spans.append((start, end))
    return tuple(spans)


def _opt_str(value: Any, what: str, where: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise EvaluationError(f"{where}: {what} must be a string or null, not {value!r}")


def _gold_quote(obj: Any, index: int, text_len: int, where: str) -> GoldQuote:
    here = f"{where}: quote {index + 1}"
    if not isinstance(obj, dict):
        raise EvaluationError(f"{here}: not a JSON object")
    qid = obj.get("id")
    qid = f"#{index + 1}" if qid is None else str(qid)
    here = f"{where}: quote {index + 1} ({qid})"
    if "content" not in obj:
        raise EvaluationError(f"{here}: no content")
    # §1 has speaker spans + speaker_name; the example format a speaker name + speaker_mention.
    speaker = obj.get("speaker")
    if isinstance(speaker, str):
        speaker_name: str | None = speaker
        mention = _spans(obj.get("speaker_mention"), "speaker_mention", here, text_len)
    else:
        speaker_name = _opt_str(obj.get("speaker_name"), "speaker_name", here)
        mention = _spans(speaker, "speaker", here, text_len)
    addressee = obj.get("addressee")
    if isinstance(addressee, str):
        addressee_name: str | None = addressee
        addressee_spans: Spans = ()
    else:
        addressee_name = _opt_str(obj.get("addressee_name"), "addressee_name", here)
        addressee_spans = _spans(addressee, "addressee", here, text_len)
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        raise EvaluationError(f"{here}: meta must be an object")
    optional = obj.get("level") == "headline" or bool(meta.get("borderline"))
    optional = optional or bool(meta.get("transcript"))
    parent = obj.get("parent")
    return GoldQuote(
        id=qid,
        type=str(obj.get("type") or "unknown"),
        content=_spans(obj["content"], "content", here, text_len),
        speaker_mention=mention,
        speaker_name=speaker_name,
        cue=_spans(obj.get("cue"), "cue", here, text_len),
        addressee=addressee_spans,
        addressee_name=addressee_name,
        parent=None if parent is None else str(parent),
        optional=optional,
    )


def parse_gold_doc(obj: Any, *, text: str | None = None, where: str = "gold") -> GoldDoc:
    """One gold document from its JSON object (§1 or the example format).

    ``text`` is used when the object has no "text" field.
    """
    if not isinstance(obj, dict):
        raise EvaluationError(f"{where}: a gold document must be a JSON object")
    doc_id = obj.get("id")
    if not isinstance(doc_id, str) or not doc_id:
        raise EvaluationError(f"{where}: no document id")
    doc_text = obj.get("text", text)
    if not isinstance(doc_text, str):
        raise EvaluationError(f"{where}: document {doc_id!r} has no text")
    raw_quotes = obj.get("quotes")
    if not isinstance(raw_quotes, list):
        raise EvaluationError(f"{where}: document {doc_id!r} has no quotes list")
    here = f"{where}: document {doc_id!r}"
    quotes = tuple(_gold_quote(q, i, len(doc_text), here) for i, q in enumerate(raw_quotes))
    ids = [q.id for q in quotes]
    if len(set(ids)) != len(ids):
        raise EvaluationError(f"{here}: duplicate quote ids")
    for q in quotes:
        if q.parent is not None and q.parent not in ids:
            raise EvaluationError(f"{here}: quote {q.id} has unknown parent {q.parent!r}")
    title, published = obj.get("title"), obj.get("published")
    return GoldDoc(
        id=doc_id,
        text=doc_text,
        quotes=quotes,
        title=title if isinstance(title, str) else None,
        published=published if isinstance(published, str) else None,
        source=where,
    )


def _sibling_text(path: Path, doc_id: str) -> str | None:
    base = path.name.removesuffix(".jsonl").removesuffix(".json").removesuffix(".gold")
    for name in (f"{base}.txt", f"{path.stem}.txt", f"{doc_id}.txt"):
        candidate = path.with_name(name)
        if candidate.is_file():
            # newline="" keeps "\r\n" so that offsets stay right.
            with candidate.open(encoding="utf-8", newline="") as handle:
                return handle.read()
    return None


def _read(path: Path) -> str:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return handle.read()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from exc


def _jsonl(path: Path, raw: str) -> Iterable[tuple[str, Any]]:
    # split on "\n" only: JSON strings may hold U+2028 and the like, which splitlines() breaks on
    for lineno, line in enumerate(raw.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            yield where, json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvaluationError(f"{where}: invalid JSON: {exc.msg}") from exc


def load_gold(path: str | Path) -> list[GoldDoc]:
    """Gold documents from JSON Lines (§1) or from one pretty-printed JSON document.

    A document without "text" takes it from the sibling ``<name>.txt`` (``x.gold.json`` ->
    ``x.txt``, then ``x.gold.txt``, then ``<id>.txt``).
    """
    path = Path(path)
    raw = _read(path)
    try:
        whole = json.loads(raw)
    except json.JSONDecodeError as exc:
        first = next((line for line in raw.split("\n") if line.strip()), "")
        if not first.strip().startswith("{") or not first.strip().endswith("}"):
            raise EvaluationError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from exc
        items = list(_jsonl(path, raw))
    else:
        if isinstance(whole, dict):
            items = [(str(path), whole)]
        elif isinstance(whole, list):
            items = [(f"{path}: item {i + 1}", obj) for i, obj in enumerate(whole)]
        else:
            raise EvaluationError(f"{path}: expected JSON objects")
    docs: list[GoldDoc] = []
    for where, obj in items:
        text = None
        if isinstance(obj, dict) and "text" not in obj and isinstance(obj.get("id"), str):
            text = _sibling_text(path, obj["id"])
        docs.append(parse_gold_doc(obj, text=text, where=where))
    seen: set[str] = set()
    for doc in docs:
        if doc.id in seen:
            raise EvaluationError(f"{doc.source}: duplicate document id {doc.id!r}")
        seen.add(doc.id)
    return docs


def load_predictions(path: str | Path) -> dict[str, dict[str, Any]]:
    """§2 JSON Lines, keyed by document id. Quotes are checked when they are scored."""
    path = Path(path)
    preds: dict[str, dict[str, Any]] = {}
    for where, obj in _jsonl(path, _read(path)):
        if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
            raise EvaluationError(f"{where}: expected an object with a string id")
        if obj["id"] in preds:
            raise EvaluationError(f"{where}: duplicate document id {obj['id']!r}")
        preds[obj["id"]] = obj
    return preds


def _party(value: Any, what: str, where: str, text_len: int) -> tuple[Spans, str | None]:
    if value is None:
        return (), None
    if not isinstance(value, Mapping):
        raise EvaluationError(f"{where}: {what} must be an object or null")
    mention = _spans(value.get("mention"), f"{what}.mention", where, text_len)
    return mention, _opt_str(value.get("name"), f"{what}.name", where)


def parse_predictions(obj: Mapping[str, Any], text: str) -> list[PredQuote]:
    """The quotes of one §2 object; ``text`` is the gold text its offsets refer to."""
    where = f"prediction {obj.get('id')!r}"
    raw_quotes = obj.get("quotes")
    if raw_quotes is None:
        return []
    if not isinstance(raw_quotes, list):
        raise EvaluationError(f"{where}: quotes must be a list")
    quotes: list[PredQuote] = []
    for i, q in enumerate(raw_quotes):
        if not isinstance(q, Mapping):
            raise EvaluationError(f"{where}: quote {i + 1} is not an object")
        qid = str(q.get("id") or f"#{i + 1}")
        here = f"{where}: quote {i + 1} ({qid})"
        if "content" not in q:
            raise EvaluationError(f"{here}: no content")
        mention, name = _party(q.get("speaker"), "speaker", here, len(text))
        add_mention, add_name = _party(q.get("addressee"), "addressee", here, len(text))
        parent = q.get("parent")
        confidence = q.get("confidence")
        if not isinstance(confidence, int | float) or isinstance(confidence, bool):
            confidence = None
        quotes.append(
            PredQuote(
                id=qid,
                type=str(q.get("type") or "unknown"),
                content=_spans(q["content"], "content", here, len(text)),
                cue=_spans(q.get("cue"), "cue", here, len(text)),
                speaker_mention=mention,
                speaker_name=name,
                addressee_mention=add_mention,
                addressee_name=add_name,
                parent=None if parent is None else str(parent),
                kind=str(q.get("kind") or "speech"),
                confidence=None if confidence is None else float(confidence),
            )
        )
    return quotes
