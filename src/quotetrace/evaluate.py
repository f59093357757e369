"""Score quotetrace output (FORMAT.md §2) against gold documents (§1), exactly as FORMAT.md §3.

Reading of §3 where it leaves room:

- Pairing is one-to-one and greedy by descending Jaccard over *all* gold quotes, optional ones
  included; only pairs with Jaccard > 0 are candidates. Ties go to the earlier gold, then the
  earlier prediction. One pairing serves both views: a pair is overlap-matched at J >= 0.5 and
  exact-matched at J >= 0.9.
- A prediction *paired* (J > 0) with an optional gold quote is "absorbed": it is left out of the
  predicted count in both views, and the optional gold is left out of the gold count.
- Field accuracies and quote + speaker use matched pairs whose gold quote is not optional.
- Content spans are trimmed as §3 says. Cue and mention spans are trimmed the same way, but a span
  that trimming would empty (a ":" or "—" cue) keeps its non-space characters.
- Speaker, where the gold has no mention: right when the predicted name's last word equals the
  gold name's; where the gold has neither mention nor name, right when the prediction gives no
  speaker either. So every matched pair has a speaker verdict.
- A "named" gold mention is one whose last word is capitalised and is not a pronoun.
- A name's last word is case-folded with accents removed, after dropping a possessive "'s" and a
  trailing "Jr", "Sr", "II"..; "Müller" and "Mueller" differ. Only predicted names count for
  speaker name and addressee (a mention without a name is wrong there).
- "content exact" is the share of matched pairs that are also exact-matched.
- Parent: right when the predicted parent is the prediction paired with the gold parent. Counted
  over gold quotes with a parent; "parent (pred)" counts predictions with a parent, so a parent
  where the gold has none is an error there.
- Per type, recall uses the gold type and precision the predicted type; F1 combines the two.
- A ratio whose denominator is 0 is 0.0 as a number, ``null`` in JSON and "-" in the table.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from quotetrace import lexicon
from quotetrace.error_classes import (
    false_alarm_class,
    known_name_words,
    missed_class,
    speaker_cause,
)
from quotetrace.errors import EvaluationError, InputError, QuotetraceError
from quotetrace.kinds import DEFAULT_KINDS, kinds_argument

Span = tuple[int, int]
Spans = tuple[Span, ...]
CharSet = frozenset[int]

OVERLAP = 0.5
EXACT = 0.9
# §3: characters trimmed from both ends of every span, besides white space.
TRIM_CHARS = frozenset("\"'“”‘’«»„‚‹›,.;:!?—–-()[]")
_PRONOUN_WORDS = """i me my mine myself he him his himself she her hers herself they them their
    theirs themselves we us our ours ourselves you your yours yourself yourselves it its itself one
    who whom whose which that this these those someone somebody everyone everybody anyone
    anybody nobody"""
PRONOUNS = frozenset(_PRONOUN_WORDS.split())
_NAME_SUFFIXES = lexicon.words("name_suffixes")
# A predicted speaker name counts as "confident" when its quote's confidence is at least this.
NAME_CONFIDENCE = 0.6
FIELDS = (
    "content_exact",
    "cue",
    "speaker",
    "speaker_name",
    "speaker_name_confident",
    "addressee",
    "parent",
    "parent_pred",
)
_FIELD_LABELS = {
    "content_exact": "content exact",
    "cue": "cue",
    "speaker": "speaker",
    "speaker_name": "speaker name",
    "speaker_name_confident": f"speaker name, confidence >= {NAME_CONFIDENCE}",
    "addressee": "addressee",
    "parent": "parent",
    "parent_pred": "parent (pred)",
}


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


# --- results -------------------------------------------------------------------------------


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _round(value: float, defined: bool) -> float | None:
    return round(value, 4) if defined else None


@dataclass
class PRF:
    """Counts behind P/R/F1. ``tp_pred``/``tp_gold`` differ only in per-type rows."""

    tp_pred: int = 0
    n_pred: int = 0
    tp_gold: int = 0
    n_gold: int = 0

    @property
    def precision(self) -> float:
        return _ratio(self.tp_pred, self.n_pred)

    @property
    def recall(self) -> float:
        return _ratio(self.tp_gold, self.n_gold)

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)

    def add(self, other: PRF) -> None:
        self.tp_pred += other.tp_pred
        self.n_pred += other.n_pred
        self.tp_gold += other.tp_gold
        self.n_gold += other.n_gold

    def to_dict(self) -> dict[str, Any]:
        return {
            "tp_pred": self.tp_pred,
            "n_pred": self.n_pred,
            "tp_gold": self.tp_gold,
            "n_gold": self.n_gold,
            "precision": _round(self.precision, self.n_pred > 0),
            "recall": _round(self.recall, self.n_gold > 0),
            "f1": _round(self.f1, self.n_pred > 0 and self.n_gold > 0),
        }


@dataclass
class FieldScore:
    correct: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float:
        return _ratio(self.correct, self.total)

    def count(self, right: bool) -> None:
        self.total += 1
        self.correct += int(right)

    def add(self, other: FieldScore) -> None:
        self.correct += other.correct
        self.total += other.total

    def to_dict(self) -> dict[str, Any]:
        return {
            "correct": self.correct,
            "total": self.total,
            "accuracy": _round(self.accuracy, self.total > 0),
        }


@dataclass
class MatchView:
    """Scores at one Jaccard threshold."""

    threshold: float
    quotes: PRF = field(default_factory=PRF)
    quote_speaker: PRF = field(default_factory=PRF)
    by_type: dict[str, PRF] = field(default_factory=dict)
    fields: dict[str, FieldScore] = field(
        default_factory=lambda: {name: FieldScore() for name in FIELDS}
    )
    addressee_spurious: int = 0  # predicted addressees on matched pairs whose gold has none

    def type_row(self, type_: str) -> PRF:
        return self.by_type.setdefault(type_, PRF())

    def add(self, other: MatchView) -> None:
        self.quotes.add(other.quotes)
        self.quote_speaker.add(other.quote_speaker)
        for type_, prf in other.by_type.items():
            self.type_row(type_).add(prf)
        for name, score in other.fields.items():
            self.fields.setdefault(name, FieldScore()).add(score)
        self.addressee_spurious += other.addressee_spurious

    def to_dict(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "quotes": self.quotes.to_dict(),
            "quote_speaker": self.quote_speaker.to_dict(),
            "by_type": {t: prf.to_dict() for t, prf in sorted(self.by_type.items())},
            "fields": {name: score.to_dict() for name, score in self.fields.items()},
            "addressee_spurious": self.addressee_spurious,
        }


@dataclass
class DocScore:
    """One document, overlap view unless said otherwise."""

    doc_id: str
    gold: int  # scored gold quotes (optional ones left out)
    optional: int
    pred: int  # counted predictions (absorbed ones left out)
    absorbed: int
    matched: int
    exact: int
    speaker_right: int
    missing: bool = False  # no prediction line for this document
    error: str | None = None  # the prediction's "error"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ErrorItem:
    doc_id: str
    kind: str  # "missed" | "false alarm" | "wrong speaker" | "wrong name"
    text: str
    quote_id: str
    detail: str = ""
    cause: str = ""  # the error's class (quotetrace.error_classes)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class EvalResult:
    overlap: MatchView = field(default_factory=lambda: MatchView(OVERLAP))
    exact: MatchView = field(default_factory=lambda: MatchView(EXACT))
    documents: list[DocScore] = field(default_factory=list)
    errors: list[ErrorItem] = field(default_factory=list)
    kinds: tuple[str, ...] | None = None
    # every error's class with its count (not capped like ``errors``)
    error_classes: dict[str, int] = field(default_factory=dict)

    @property
    def n_docs(self) -> int:
        return len(self.documents)

    @property
    def n_optional(self) -> int:
        return sum(d.optional for d in self.documents)

    @property
    def n_absorbed(self) -> int:
        return sum(d.absorbed for d in self.documents)

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.n_docs,
            "gold_optional": self.n_optional,
            "pred_absorbed": self.n_absorbed,
            "missing_predictions": [d.doc_id for d in self.documents if d.missing],
            "failed_documents": [d.doc_id for d in self.documents if d.error],
            "kinds": list(self.kinds) if self.kinds is not None else None,
            "overlap": self.overlap.to_dict(),
            "exact": self.exact.to_dict(),
            "per_document": [d.to_dict() for d in self.documents],
            "errors": [e.to_dict() for e in self.errors],
            "error_classes": dict(self.error_classes),
        }

    def format_table(self, *, per_document: bool = False) -> str:
        return _format_table(self, per_document=per_document)


# --- spans and names -----------------------------------------------------------------------


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and (text[start] in TRIM_CHARS or text[start].isspace()):
        start += 1
    while end > start and (text[end - 1] in TRIM_CHARS or text[end - 1].isspace()):
        end -= 1
    return start, end


def span_set(text: str, spans: Iterable[Span], *, keep_if_empty: bool = False) -> CharSet:
    """§3: the non-space positions of ``spans`` after trimming each span at both ends.

    With ``keep_if_empty`` a span that trimming empties keeps its non-space characters (for cues
    such as ":").
    """
    chars: set[int] = set()
    for start, end in spans:
        lo, hi = _trim(text, start, end)
        if lo == hi and keep_if_empty:
            lo, hi = start, end
        chars.update(i for i in range(lo, hi) if not text[i].isspace())
    return frozenset(chars)


def jaccard(a: CharSet, b: CharSet) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter) if inter else 0.0


def pair_quotes(gold: Sequence[CharSet], pred: Sequence[CharSet]) -> list[tuple[int, int, float]]:
    """Greedy one-to-one pairing by descending Jaccard; only pairs with Jaccard > 0."""
    bounds = [(min(s), max(s)) if s else (0, -1) for s in pred]
    candidates: list[tuple[float, int, int]] = []
    for gi, g in enumerate(gold):
        if not g:
            continue
        glo, ghi = min(g), max(g)
        for pi, p in enumerate(pred):
            plo, phi = bounds[pi]
            if plo > ghi or phi < glo:
                continue
            j = jaccard(g, p)
            if j > 0:
                candidates.append((-j, gi, pi))
    candidates.sort()
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs: list[tuple[int, int, float]] = []
    for neg_j, gi, pi in candidates:
        if gi in used_gold or pi in used_pred:
            continue
        used_gold.add(gi)
        used_pred.add(pi)
        pairs.append((gi, pi, -neg_j))
    return pairs


def _fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _words(value: str) -> list[str]:
    return re.findall(r"\w+", re.sub(r"['’]s\b", "", value))


def last_word(name: str | None) -> str | None:
    """The case-folded, accent-free last word of a name, skipping "Jr.", "II" and the like."""
    if not name:
        return None
    words = [_fold(w) for w in _words(name)]
    while len(words) > 1 and words[-1] in _NAME_SUFFIXES:
        words.pop()
    return words[-1] if words else None


def _named_last_word(mention: str) -> str | None:
    """The last word of a mention if it looks like a name (capitalised, not a pronoun)."""
    words = _words(mention)
    if not words or not words[-1][:1].isupper():
        return None
    word = last_word(mention)
    return None if word is None or word in PRONOUNS else word


def _names_agree(predicted: str | None, gold: str | None) -> bool:
    pw = last_word(predicted)
    return pw is not None and pw == last_word(gold)


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


# --- scoring -------------------------------------------------------------------------------


def _speaker_right(text: str, gold: GoldQuote, pred: PredQuote) -> bool:
    gold_mention = span_set(text, gold.speaker_mention, keep_if_empty=True)
    pred_mention = span_set(text, pred.speaker_mention, keep_if_empty=True)
    if not gold_mention:
        if gold.speaker_name is None:
            return not pred_mention and pred.speaker_name is None
        return _names_agree(pred.speaker_name, gold.speaker_name)
    if gold_mention & pred_mention:
        return True
    pred_word = last_word(pred.speaker_name)
    if pred_word is None:
        return False
    return any(_named_last_word(text[s:e]) == pred_word for s, e in gold.speaker_mention)


def _snippet(text: str, spans: Spans, limit: int = 120) -> str:
    joined = " … ".join(text[s:e] for s, e in spans).replace("\n", " ")
    return joined if len(joined) <= limit else joined[: limit - 1] + "…"


def _describe(text: str, mention: Spans, name: str | None) -> str:
    said = repr(_snippet(text, mention, 40)) if mention else "-"
    return f"{said} ({name})" if name else said


@dataclass
class _DocOutcome:
    views: dict[float, MatchView]
    score: DocScore
    errors: list[ErrorItem]


def _score_doc(doc: GoldDoc, preds: list[PredQuote]) -> _DocOutcome:
    text = doc.text
    gold_sets = [span_set(text, q.content) for q in doc.quotes]
    pred_sets = [span_set(text, q.content) for q in preds]
    pairs = pair_quotes(gold_sets, pred_sets)
    pred_of_gold = {doc.quotes[gi].id: preds[pi].id for gi, pi, _ in pairs}
    absorbed = {pi for gi, pi, _ in pairs if doc.quotes[gi].optional}
    counted = [pi for pi in range(len(preds)) if pi not in absorbed]
    core = [gi for gi, q in enumerate(doc.quotes) if not q.optional]

    views = {t: MatchView(t) for t in (OVERLAP, EXACT)}
    for view in views.values():
        view.quotes.n_pred = view.quote_speaker.n_pred = len(counted)
        view.quotes.n_gold = view.quote_speaker.n_gold = len(core)
        for pi in counted:
            view.type_row(preds[pi].type).n_pred += 1
        for gi in core:
            view.type_row(doc.quotes[gi].type).n_gold += 1

    matched_gold: set[int] = set()
    matched_pred: set[int] = set()
    errors: list[ErrorItem] = []
    speaker_hits = exact_hits = 0
    known = known_name_words(
        [n for q in doc.quotes for n in (q.speaker_name, q.addressee_name)]
        + [text[s:e] for q in doc.quotes for s, e in (*q.speaker_mention, *q.addressee)]
    )
    for gi, pi, j in pairs:
        gold, pred = doc.quotes[gi], preds[pi]
        if gold.optional or j < OVERLAP:
            continue
        speaker_ok = _speaker_right(text, gold, pred)
        matched_gold.add(gi)
        matched_pred.add(pi)
        speaker_hits += speaker_ok
        exact_hits += j >= EXACT
        name_ok = gold.speaker_name is None or _names_agree(pred.speaker_name, gold.speaker_name)
        if not speaker_ok or not name_ok:
            detail = (
                f"gold {_describe(text, gold.speaker_mention, gold.speaker_name)}, "
                f"predicted {_describe(text, pred.speaker_mention, pred.speaker_name)}"
            )
            cause = speaker_cause(
                text, gold.speaker_mention, gold.speaker_name, pred.speaker_name, known
            )
            errors.append(
                ErrorItem(
                    doc.id,
                    "wrong speaker" if not speaker_ok else "wrong name",
                    _snippet(text, gold.content),
                    gold.id,
                    detail,
                    cause,
                )
            )
        for threshold, view in views.items():
            if j < threshold:
                continue
            view.quotes.tp_pred += 1
            view.quotes.tp_gold += 1
            view.type_row(gold.type).tp_gold += 1
            view.type_row(pred.type).tp_pred += 1
            if speaker_ok:
                view.quote_speaker.tp_pred += 1
                view.quote_speaker.tp_gold += 1
            f = view.fields
            f["content_exact"].count(j >= EXACT)
            f["speaker"].count(speaker_ok)
            gold_cue = span_set(text, gold.cue, keep_if_empty=True)
            if gold_cue:
                f["cue"].count(bool(gold_cue & span_set(text, pred.cue, keep_if_empty=True)))
            if gold.speaker_name is not None:
                f["speaker_name"].count(name_ok)
                if pred.confidence is not None and pred.confidence >= NAME_CONFIDENCE:
                    f["speaker_name_confident"].count(name_ok)
            if gold.addressee_name is not None:
                f["addressee"].count(_names_agree(pred.addressee_name, gold.addressee_name))
            elif not gold.addressee and pred.has_addressee:
                view.addressee_spurious += 1
            parent_ok = gold.parent is not None and (
                pred.parent is not None and pred.parent == pred_of_gold.get(gold.parent)
            )
            if gold.parent is not None:
                f["parent"].count(parent_ok)
            if pred.parent is not None:
                f["parent_pred"].count(parent_ok)

    for gi in core:
        if gi not in matched_gold:
            q = doc.quotes[gi]
            best = max((jaccard(gold_sets[gi], p) for p in pred_sets), default=0.0)
            cause = missed_class(text, q.type, q.cue, q.speaker_mention, best)
            errors.append(ErrorItem(doc.id, "missed", _snippet(text, q.content), q.id, "", cause))
    for pi in counted:
        if pi not in matched_pred:
            p = preds[pi]
            best = max((jaccard(g, pred_sets[pi]) for g in gold_sets), default=0.0)
            cause = false_alarm_class(p.type, best)
            errors.append(
                ErrorItem(doc.id, "false alarm", _snippet(text, p.content), p.id, "", cause)
            )

    score = DocScore(
        doc_id=doc.id,
        gold=len(core),
        optional=len(doc.quotes) - len(core),
        pred=len(counted),
        absorbed=len(absorbed),
        matched=len(matched_gold),
        exact=exact_hits,
        speaker_right=speaker_hits,
    )
    return _DocOutcome(views, score, errors)


def score_documents(
    gold_docs: Sequence[GoldDoc],
    predictions: Mapping[str, Mapping[str, Any]],
    *,
    kinds: Collection[str] | None = None,
    max_errors: int | None = None,
) -> EvalResult:
    """Score §2 objects (keyed by document id) against gold, micro-averaged over documents.

    ``kinds`` keeps only predicted quotes of those kinds (no kind = "speech"). A gold document
    without a prediction counts as predicting nothing; predictions for other ids are ignored.
    ``max_errors`` caps the error list (None keeps all).
    """
    result = EvalResult(kinds=tuple(kinds) if kinds is not None else None)
    for doc in gold_docs:
        pred_obj = predictions.get(doc.id)
        quotes = parse_predictions(pred_obj, doc.text) if pred_obj is not None else []
        if kinds is not None:
            quotes = [q for q in quotes if q.kind in kinds]
        outcome = _score_doc(doc, quotes)
        outcome.score.missing = pred_obj is None
        if pred_obj is not None and pred_obj.get("error"):
            outcome.score.error = str(pred_obj["error"])
        result.overlap.add(outcome.views[OVERLAP])
        result.exact.add(outcome.views[EXACT])
        result.documents.append(outcome.score)
        for err in outcome.errors:
            label = (
                err.cause if err.kind in ("missed", "false alarm") else f"{err.kind}: {err.cause}"
            )
            result.error_classes[label] = result.error_classes.get(label, 0) + 1
        room = None if max_errors is None else max_errors - len(result.errors)
        if room is None or room > 0:
            result.errors.extend(outcome.errors[:room])
    return result


# --- table ---------------------------------------------------------------------------------


def _pct(num: float, defined: bool) -> str:
    return f"{100 * num:.1f}" if defined else "-"


def _align(rows: list[list[str]], left: int = 1) -> list[str]:
    """Columns padded to width: the first ``left`` columns left-aligned, the rest right."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            c.ljust(w) if i < left else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def _prf_row(label: str, prf: PRF) -> list[str]:
    return [
        label,
        f"{prf.tp_gold}/{prf.n_gold}",
        f"{prf.tp_pred}/{prf.n_pred}",
        _pct(prf.precision, prf.n_pred > 0),
        _pct(prf.recall, prf.n_gold > 0),
        _pct(prf.f1, prf.n_pred > 0 and prf.n_gold > 0),
    ]


def _field_cell(score: FieldScore) -> str:
    return f"{score.correct}/{score.total}"


def _format_table(result: EvalResult, *, per_document: bool) -> str:
    lines = [
        f"documents {result.n_docs}   gold {result.overlap.quotes.n_gold} "
        f"(+{result.n_optional} optional)   predicted {result.overlap.quotes.n_pred} "
        f"(+{result.n_absorbed} absorbed by optional gold)"
        + (f"   kinds {','.join(result.kinds)}" if result.kinds is not None else "")
    ]
    types = sorted(set(result.overlap.by_type) | set(result.exact.by_type))
    for name, view in (("overlap", result.overlap), ("exact", result.exact)):
        rows = [[f"{name} (J >= {view.threshold})", "hit/gold", "hit/pred", "P", "R", "F1"]]
        rows.append(_prf_row("quotes", view.quotes))
        rows.append(_prf_row("quote + speaker", view.quote_speaker))
        rows += [_prf_row(f"  {t}", view.by_type.get(t, PRF())) for t in types]
        lines += ["", *_align(rows)]
    rows = [["on matched pairs", "overlap", "%", "exact", "%"]]
    for key in FIELDS:
        o, e = result.overlap.fields[key], result.exact.fields[key]
        rows.append(
            [
                _FIELD_LABELS[key],
                _field_cell(o),
                _pct(o.accuracy, o.total > 0),
                _field_cell(e),
                _pct(e.accuracy, e.total > 0),
            ]
        )
    rows.append(
        [
            "addressee, gold has none",
            str(result.overlap.addressee_spurious),
            "",
            str(result.exact.addressee_spurious),
            "",
        ]
    )
    lines += ["", *_align(rows)]
    missing = [d.doc_id for d in result.documents if d.missing]
    failed = [d.doc_id for d in result.documents if d.error]
    if missing:
        lines.append(f"\nno prediction for {len(missing)} document(s): {', '.join(missing[:10])}")
    if failed:
        lines.append(f"\nextraction failed for {len(failed)} document(s): {', '.join(failed[:10])}")
    if per_document:
        rows = [["document", "gold", "opt", "pred", "absorbed", "matched", "exact", "speaker"]]
        for d in result.documents:
            values = (d.gold, d.optional, d.pred, d.absorbed, d.matched, d.exact, d.speaker_right)
            rows.append([d.doc_id, *map(str, values)])
        lines += ["", *_align(rows)]
    if result.errors:
        lines.append("")
        for err in result.errors:
            detail = f" [{err.detail}]" if err.detail else ""
            cause = f" ({err.cause})" if err.cause else ""
            lines.append(
                f"{err.doc_id}  {err.kind:<13}  {err.quote_id}: {err.text!r}{detail}{cause}"
            )
    if per_document and result.error_classes:
        rows = [["error class (all errors)", "count"]]
        for label, n in sorted(result.error_classes.items(), key=lambda kv: (-kv[1], kv[0])):
            rows.append([label, str(n)])
        lines += ["", *_align(rows)]
    return "\n".join(lines)


# --- CLI glue ------------------------------------------------------------------------------

ExtractFn = Callable[[list[GoldDoc]], Mapping[str, Mapping[str, Any]]]


def _floor(value: str) -> float:
    """A floor as a fraction; values above 1 are read as percentages."""
    try:
        number = float(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from exc
    if not 0 <= number <= 100:
        raise argparse.ArgumentTypeError("a floor is between 0 and 1 (or 0 and 100 percent)")
    return number / 100 if number > 1 else number


def _count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``quotetrace eval``."""
    parser.add_argument("gold", type=Path, help="gold file: JSON Lines (FORMAT.md §1) or one JSON")
    parser.add_argument(
        "--pred", type=Path, help="predictions (FORMAT.md §2 JSONL); default: extract now"
    )
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("--limit", type=_count, metavar="N", help="score the first N documents")
    parser.add_argument(
        "--types",
        type=kinds_argument,
        metavar="KINDS",
        default=DEFAULT_KINDS,
        help="count only predicted quotes of these kinds: a comma list or 'all' "
        "(default speech,writing, as `extract` outputs; PolNeAR also marks thoughts: use all)",
    )
    parser.add_argument(
        "--errors", type=_count, default=0, metavar="N", help="list the first N errors"
    )
    parser.add_argument(
        "--min-f1", type=_floor, metavar="X", help="exit 1 if overlap F1 is below X"
    )
    parser.add_argument(
        "--min-speaker",
        type=_floor,
        metavar="X",
        help="exit 1 if speaker accuracy on overlap-matched pairs is below X",
    )


def check_floors(
    result: EvalResult, *, min_f1: float | None, min_speaker: float | None
) -> list[str]:
    """The floors that ``result`` fails, as messages."""
    failed = []
    f1 = result.overlap.quotes.f1
    if min_f1 is not None and f1 < min_f1:
        failed.append(f"overlap F1 {100 * f1:.1f} is below the floor {100 * min_f1:.1f}")
    speaker = result.overlap.fields["speaker"].accuracy
    if min_speaker is not None and speaker < min_speaker:
        failed.append(
            f"speaker accuracy {100 * speaker:.1f} is below the floor {100 * min_speaker:.1f}"
        )
    return failed


def run(args: argparse.Namespace, extract_fn: ExtractFn) -> int:
    """``quotetrace eval``: 0 when scored, 1 when a floor fails, 2 when input cannot be read."""
    try:
        gold_docs = load_gold(args.gold)
        if args.limit is not None:
            gold_docs = gold_docs[: args.limit]
        preds = load_predictions(args.pred) if args.pred else extract_fn(gold_docs)
        result = score_documents(gold_docs, preds, kinds=args.types, max_errors=args.errors)
    except QuotetraceError as exc:
        print(f"quotetrace eval: error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(result.format_table(per_document=args.errors > 0))
    failed = check_floors(result, min_f1=args.min_f1, min_speaker=args.min_speaker)
    for message in failed:
        print(f"quotetrace eval: floor failed: {message}", file=sys.stderr)
    return 1 if failed else 0
