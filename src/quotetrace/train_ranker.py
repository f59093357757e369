"""``quotetrace train-speakers``: fit the speaker ranker (``attribute.ranker``) on gold with names.

Each training article is extracted with the rules; every predicted quote that matches a gold quote
(Jaccard >= 0.5, optional gold included: interview turns and borderline quotes carry names too)
whose gold has a resolved ``speaker_name`` gives one group: its ranking candidates, each labelled
by whether its name agrees with the gold name as ``eval`` counts it (last word). Groups with no
right candidate teach nothing and are left out. A logistic regression (scikit-learn) over the
candidates' features is fitted; 5-fold cross-validation with documents kept whole reports how often
the top-scored candidate is right, against the rules' choice on the same groups.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from quotetrace.attribute.ranker import SpeakerRanker
from quotetrace.errors import RankerTrainingError
from quotetrace.evaluate import GoldDoc, names_agree, pair_quotes, span_set
from quotetrace.model import Article
from quotetrace.options import PipelineOptions
from quotetrace.pipeline import Pipeline
from quotetrace.progress import progress

# the candidates and the rules' choice, without a ranker to learn from
RULES_ONLY = PipelineOptions(speaker_ranker="none")


@dataclass(frozen=True)
class Group:
    doc: int
    rows: tuple[tuple[tuple[str, ...], bool], ...]  # (features, right) per candidate
    rule: int  # index of the rules' choice in ``rows``


def groups_of(pipeline: Pipeline, gold: GoldDoc, doc: int) -> list[Group]:
    """The ranking groups of one gold document (see the module doc)."""
    resolver = pipeline.resolver
    resolver.collected = []
    try:
        article = Article(id=gold.id, text=gold.text, title=gold.title, published=gold.published)
        result = pipeline.process(article)
        collected = dict(resolver.collected)
    finally:
        resolver.collected = None
    if result.error:
        return []
    text = gold.text
    gold_sets = [span_set(text, q.content) for q in gold.quotes]
    pred_sets = [span_set(text, q.content) for q in result.quotes]
    out = []
    for gi, pi, j in pair_quotes(gold_sets, pred_sets):
        name = gold.quotes[gi].speaker_name
        if j < 0.5 or name is None or pi not in collected:
            continue
        cands = collected[pi]
        rows = tuple((c.features, names_agree(c.party.name, name)) for c in cands)
        if len(rows) < 2 or not any(right for _, right in rows):
            continue
        rule = next(
            (k for k, (f, _) in enumerate(rows) if "rule" in f or "free" in f),
            0,
        )
        out.append(Group(doc, rows, rule))
    return out


def fit(
    groups: Sequence[Group], *, c: float = 1.0, folds: int = 5
) -> tuple[SpeakerRanker, dict[str, Any]]:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    if not groups:
        raise RankerTrainingError("no quote in the gold gives a speaker choice to learn from")
    docs = sorted({g.doc for g in groups})

    def train_on(chosen: Sequence[Group]) -> tuple[DictVectorizer, LogisticRegression]:
        vec = DictVectorizer()
        x = vec.fit_transform([dict.fromkeys(f, 1) for g in chosen for f, _ in g.rows]).tocsr()
        x.indices = x.indices.astype("int32")  # liblinear takes 32-bit indices only
        x.indptr = x.indptr.astype("int32")
        y = [int(r) for g in chosen for _, r in g.rows]
        model = LogisticRegression(C=c, solver="liblinear", max_iter=2000, random_state=0)
        model.fit(x, y)
        return vec, model

    report: dict[str, Any] = {
        "groups": len(groups),
        "candidates": sum(len(g.rows) for g in groups),
        "documents": len(docs),
        "c": c,
    }
    n_folds = min(folds, len(docs))
    if n_folds >= 2:
        right = rule_right = 0
        for k in range(n_folds):
            held = {d for i, d in enumerate(docs) if i % n_folds == k}
            train_groups = [g for g in groups if g.doc not in held]
            test_groups = [g for g in groups if g.doc in held]
            if not train_groups or not test_groups:
                continue
            vec, model = train_on(train_groups)
            for g in test_groups:
                rows = vec.transform([dict.fromkeys(f, 1) for f, _ in g.rows]).tocsr()
                rows.indices = rows.indices.astype("int32")
                rows.indptr = rows.indptr.astype("int32")
                scores = model.decision_function(rows)
                best = max(range(len(g.rows)), key=lambda i: scores[i])
                right += g.rows[best][1]
                rule_right += g.rows[g.rule][1]
        report["cv_folds"] = n_folds
        report["cv_ranker_right"] = round(100 * right / len(groups), 1)
        report["cv_rules_right"] = round(100 * rule_right / len(groups), 1)
    vec, model = train_on(groups)
    weights = {
        name: round(float(w), 5)
        for name, w in zip(vec.feature_names_, model.coef_[0], strict=True)
        if abs(w) >= 1e-4
    }
    report["features"] = len(weights)
    return SpeakerRanker(weights, float(model.intercept_[0]), report), report


def train(
    golds: Sequence[GoldDoc],
    *,
    c: float = 1.0,
    pipeline: Pipeline | None = None,
    show_progress: bool = False,
) -> tuple[SpeakerRanker, dict[str, Any]]:
    """A speaker ranker fitted on ``golds`` and its report (RankerTrainingError when they cannot
    train one); ``show_progress``: a progress bar on stderr."""
    if not golds:
        raise RankerTrainingError("no gold documents to train on")
    own = pipeline or RULES_ONLY.pipeline()
    groups: list[Group] = []
    for i, gold in progress(list(enumerate(golds)), enabled=show_progress, desc="train-speakers"):
        groups += groups_of(own, gold, i)
    return fit(groups, c=c)
