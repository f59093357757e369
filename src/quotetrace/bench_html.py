"""HTML-ingest benchmark: body text of the article-extraction-benchmark pages against its truth.

The folder holds ``html/<hash>.html.gz`` and ``ground-truth.json`` (``{hash: {"articleBody": ...,
"url": ...}}``). Two views are reported:

- ``tokens``: bag of whitespace tokens, multiset overlap per page: precision = |pred ∩ truth| /
  |pred|, recall = |pred ∩ truth| / |truth|; macro (mean over pages of P, R and F1) and micro
  (counts summed over pages). A page that fails to extract predicts nothing: precision 0.
- ``shingles``: the benchmark's own measure (its ``evaluate.py``): multiset overlap of 4-grams of
  ``\\w+`` tokens, per-page counts normalised to sum 1, precision and recall averaged over pages,
  F1 from those two averages. Comparable with the figures published for the benchmark.
"""

from __future__ import annotations

import gzip
import json
import re
import time
from collections import Counter
from pathlib import Path
from statistics import fmean
from typing import Any

from quotetrace.errors import UnreadableArticle
from quotetrace.ingest.html import article_from_html

DEFAULT_FOLDER = Path("../shared/data/article-extraction-benchmark")
_WORD = re.compile(r"\w+")


def _overlap(pred: Counter[Any], truth: Counter[Any]) -> tuple[int, int, int]:
    """(true positives, predicted, true) multiset counts."""
    tp = sum((pred & truth).values())
    return tp, sum(pred.values()), sum(truth.values())


def _prf(tp: float, n_pred: float, n_true: float) -> tuple[float, float, float]:
    precision = tp / n_pred if n_pred else float(n_true == 0)
    recall = tp / n_true if n_true else float(n_pred == 0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _WORD.findall(text)
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens)


def score_html_benchmark(folder: Path, limit: int | None = None) -> dict[str, Any]:
    """Run HTML ingest over the benchmark pages (sorted by hash, first ``limit``) and score it."""
    truth_by_key: dict[str, dict[str, Any]] = json.loads(
        (folder / "ground-truth.json").read_text(encoding="utf-8")
    )
    keys = sorted(truth_by_key)[:limit] if limit is not None else sorted(truth_by_key)

    page_prf: list[tuple[float, float, float]] = []
    micro = [0, 0, 0]
    shingle_p: list[float] = []
    shingle_r: list[float] = []
    failures: dict[str, str] = {}
    seconds = 0.0
    for key in keys:
        truth = truth_by_key[key].get("articleBody") or ""
        raw = gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes())
        started = time.perf_counter()
        try:
            pred = article_from_html(raw, id=key, url=truth_by_key[key].get("url")).text
        except UnreadableArticle as err:
            failures[key] = str(err)
            pred = ""
        seconds += time.perf_counter() - started

        counts = _overlap(Counter(pred.split()), Counter(truth.split()))
        page_prf.append(_prf(*counts))
        micro = [total + part for total, part in zip(micro, counts, strict=True)]

        # The benchmark's shingle measure: counts normalised per page, P over pages with
        # predictions, R over pages with truth.
        tp, n_pred, n_true = _overlap(_shingles(pred), _shingles(truth))
        fp, fn = n_pred - tp, n_true - tp
        if fp == fn == 0:
            shingle_p.append(1.0)
            shingle_r.append(1.0)
        else:
            if tp + fp:
                shingle_p.append(tp / (tp + fp))
            if tp + fn:
                shingle_r.append(tp / (tp + fn))

    macro_p = fmean(p for p, _, _ in page_prf) if page_prf else 0.0
    macro_r = fmean(r for _, r, _ in page_prf) if page_prf else 0.0
    macro_f1 = fmean(f for _, _, f in page_prf) if page_prf else 0.0
    micro_p, micro_r, micro_f1 = _prf(*micro)
    sh_p = fmean(shingle_p) if shingle_p else 0.0
    sh_r = fmean(shingle_r) if shingle_r else 0.0
    return {
        "pages": len(keys),
        "failures": failures,
        "seconds": seconds,
        "pages_per_second": len(keys) / seconds if seconds else 0.0,
        "tokens": {
            "macro": {"precision": macro_p, "recall": macro_r, "f1": macro_f1},
            "micro": {"precision": micro_p, "recall": micro_r, "f1": micro_f1},
        },
        "shingles": {
            "precision": sh_p,
            "recall": sh_r,
            "f1": 2 * sh_p * sh_r / (sh_p + sh_r) if sh_p + sh_r else 0.0,
        },
    }
