"""``quotetrace train``: fit a cue model (``cue_model.CueModel``) on gold the user holds.

Every verb of every training sentence proposes its clause (listed cue or not, every content frame);
a clause is a positive example when its content matches a gold quote as ``eval`` would count it
(Jaccard >= 0.5 on FORMAT.md §3 character sets). A logistic regression (scikit-learn) learns which
clauses are attributions; the acceptance threshold is chosen on cross-validated probabilities
(documents kept whole per fold) to maximise the quote F1 those clauses would give.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from quotetrace.cue_model import CueModel, clause_features
from quotetrace.detect.quotemarks import find_marked_quotes
from quotetrace.errors import TrainingError
from quotetrace.evaluate import GoldDoc, jaccard, span_set
from quotetrace.kinds import ALL_KINDS
from quotetrace.options import PipelineOptions
from quotetrace.pipeline import Pipeline
from quotetrace.progress import progress


@dataclass(frozen=True)
class Example:
    doc: int  # index of the gold document (cross-validation keeps documents whole)
    features: tuple[str, ...]
    gold: int | None  # index of the gold quote this clause matches (J >= 0.5), else None


def examples_of(pipeline: Pipeline, gold: GoldDoc, doc: int) -> list[Example]:
    """One example per verb clause of ``gold.text``; clauses on optional gold are left out."""
    text = gold.text
    scored = [(i, span_set(text, g.content)) for i, g in enumerate(gold.quotes) if not g.optional]
    optional = [span_set(text, g.content) for g in gold.quotes if g.optional]
    out = []
    parsed = pipeline.parse_all(text)
    quoted = [q.outer for q in find_marked_quotes(text)]
    for sent, tok, cand in pipeline.clauses.verb_clauses(text, parsed, every_verb=True):
        chars = span_set(text, cand.content)
        best, best_j = None, 0.0
        for i, g in scored:
            j = jaccard(chars, g)
            if j > best_j:
                best, best_j = i, j
        if any(jaccard(chars, o) >= max(0.5, best_j) for o in optional):
            continue  # it would be paired with optional gold: neither a hit nor a false alarm
        features = tuple(clause_features(pipeline.clauses, text, sent, tok, cand, quoted))
        out.append(Example(doc, features, best if best_j >= 0.5 else None))
    return out


_worker: list[Pipeline] = []


def _init_worker() -> None:
    _worker.append(_training_pipeline())


def _work(item: tuple[int, GoldDoc]) -> list[Example]:
    return examples_of(_worker[0], item[1], item[0])


# what a cue model learns from: every kind, noun-phrase contents too
TRAINING_OPTIONS = PipelineOptions(kinds=ALL_KINDS, topics=True)


def _training_pipeline() -> Pipeline:
    return TRAINING_OPTIONS.pipeline()


def collect_examples(
    golds: Sequence[GoldDoc], *, jobs: int = 1, pipeline: Pipeline | None = None
) -> Iterator[list[Example]]:
    """Examples per document, in order; ``jobs`` > 1 parses in worker processes."""
    items = list(enumerate(golds))
    if jobs <= 1:
        own = pipeline or _training_pipeline()
        for i, gold in items:
            yield examples_of(own, gold, i)
        return
    with mp.get_context("spawn").Pool(jobs, initializer=_init_worker) as pool:
        yield from pool.imap(_work, items, chunksize=4)


def best_threshold(
    probabilities: Sequence[float], examples: Sequence[Example], n_gold: int
) -> tuple[float, float]:
    """The threshold that maximises 2·hits / (gold + accepted), hits counting each gold quote
    once; and that F1. The threshold sits halfway to the first clause left out."""
    order = sorted(range(len(examples)), key=lambda i: -probabilities[i])
    hit: set[tuple[int, int]] = set()
    best_at, best_f1 = -1, 0.0
    for rank, i in enumerate(order):
        ex = examples[i]
        if ex.gold is not None:
            hit.add((ex.doc, ex.gold))
        f1 = 2 * len(hit) / (n_gold + rank + 1) if n_gold + rank + 1 else 0.0
        if f1 > best_f1:
            best_at, best_f1 = rank, f1
    if best_at < 0:
        return 0.5, 0.0
    last = probabilities[order[best_at]]
    following = probabilities[order[best_at + 1]] if best_at + 1 < len(order) else 0.0
    return (last + following) / 2, best_f1


def fit(
    examples: Sequence[Example], n_gold: int, *, c: float = 0.5, folds: int = 5
) -> tuple[CueModel, dict[str, Any]]:
    """A model and a report of the cross-validated figures."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold, cross_val_predict

    labels = [int(ex.gold is not None) for ex in examples]
    if not examples or len(set(labels)) < 2:
        raise TrainingError(
            "the gold gives no clause to learn from: it needs both clauses that match a gold "
            "quote and clauses that do not"
        )
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([dict.fromkeys(ex.features, 1) for ex in examples]).tocsr()
    matrix.indices = matrix.indices.astype("int32")  # liblinear takes 32-bit indices only
    matrix.indptr = matrix.indptr.astype("int32")
    classifier = LogisticRegression(C=c, solver="liblinear", max_iter=1000)
    docs = [ex.doc for ex in examples]
    n_folds = min(folds, len(set(docs)))
    report: dict[str, Any] = {
        "examples": len(examples),
        "positive": sum(labels),
        "gold_quotes": n_gold,
        "features": len(vectorizer.feature_names_),
    }
    threshold = 0.5
    if n_folds >= 2:
        try:
            probabilities = cross_val_predict(
                classifier,
                matrix,
                labels,
                groups=docs,
                cv=GroupKFold(n_splits=n_folds),
                method="predict_proba",
            )[:, 1]
        except ValueError as exc:  # a fold whose training part holds one class only
            raise TrainingError(
                f"too little gold to cross-validate ({exc}); add documents with quotes"
            ) from exc
        threshold, f1 = best_threshold(list(probabilities), examples, n_gold)
        report["cv_folds"] = n_folds
        report["cv_clause_f1"] = round(100 * f1, 1)
    classifier.fit(matrix, labels)
    weights = {
        name: round(float(w), 5)
        for name, w in zip(vectorizer.feature_names_, classifier.coef_[0], strict=True)
        if abs(w) >= 1e-4
    }
    report["threshold"] = round(float(threshold), 4)
    model = CueModel(weights, float(classifier.intercept_[0]), float(threshold), report)
    return model, report


def train(
    golds: Sequence[GoldDoc],
    *,
    jobs: int = 1,
    pipeline: Pipeline | None = None,
    c: float = 0.5,
    show_progress: bool = False,
) -> tuple[CueModel, dict[str, Any]]:
    """A cue model fitted on ``golds`` and its report (TrainingError when they cannot train one);
    ``show_progress``: a progress bar on stderr."""
    if not golds:
        raise TrainingError("no gold documents to train on")
    examples: list[Example] = []
    batches = collect_examples(golds, jobs=jobs, pipeline=pipeline)
    for batch in progress(batches, enabled=show_progress, desc="train", total=len(golds)):
        examples += batch
    n_gold = sum(1 for g in golds for q in g.quotes if not q.optional)
    return fit(examples, n_gold, c=c)
