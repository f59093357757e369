"""Scoring predictions against gold (FORMAT.md §3): counts, P/R/F1 at two Jaccard thresholds,
field accuracies on matched pairs, and every error with its class."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from quotetrace.error_classes import (
    false_alarm_class,
    known_name_words,
    missed_class,
    speaker_cause,
)
from quotetrace.evaluate.gold import GoldDoc, GoldQuote, PredQuote, Spans, parse_predictions
from quotetrace.evaluate.match import (
    EXACT,
    OVERLAP,
    jaccard,
    last_word,
    named_last_word,
    names_agree,
    pair_quotes,
    span_set,
)

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
        from quotetrace.evaluate.report import format_table

        return format_table(self, per_document=per_document)


# --- scoring -------------------------------------------------------------------------------


def _speaker_right(text: str, gold: GoldQuote, pred: PredQuote) -> bool:
    gold_mention = span_set(text, gold.speaker_mention, keep_if_empty=True)
    pred_mention = span_set(text, pred.speaker_mention, keep_if_empty=True)
    if not gold_mention:
        if gold.speaker_name is None:
            return not pred_mention and pred.speaker_name is None
        return names_agree(pred.speaker_name, gold.speaker_name)
    if gold_mention & pred_mention:
        return True
    pred_word = last_word(pred.speaker_name)
    if pred_word is None:
        return False
    return any(named_last_word(text[s:e]) == pred_word for s, e in gold.speaker_mention)


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
        name_ok = gold.speaker_name is None or names_agree(pred.speaker_name, gold.speaker_name)
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
                f["addressee"].count(names_agree(pred.addressee_name, gold.addressee_name))
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
