"""The text report of an ``EvalResult``: the table ``quotetrace eval`` prints, as a string."""

from __future__ import annotations

from quotetrace.evaluate.score import FIELDS, NAME_CONFIDENCE, PRF, EvalResult, FieldScore

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


def format_table(result: EvalResult, *, per_document: bool) -> str:
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
