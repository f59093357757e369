"""Score quotetrace output (FORMAT.md §2) against gold documents (§1), exactly as FORMAT.md §3.

``gold``: reading gold and predictions; ``match``: spans, Jaccard, pairing, names; ``score``: the
counts and the ``EvalResult``; ``report``: its text table. This module only re-exports them; the
``eval`` command is ``quotetrace.cli.eval``.

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

from quotetrace.evaluate.gold import (
    CharSet,
    GoldDoc,
    GoldQuote,
    PredQuote,
    Span,
    Spans,
    load_gold,
    load_predictions,
    parse_gold_doc,
    parse_predictions,
)
from quotetrace.evaluate.match import (
    EXACT,
    OVERLAP,
    PRONOUNS,
    TRIM_CHARS,
    jaccard,
    last_word,
    named_last_word,
    names_agree,
    pair_quotes,
    span_set,
)
from quotetrace.evaluate.report import format_table
from quotetrace.evaluate.score import (
    FIELDS,
    NAME_CONFIDENCE,
    PRF,
    DocScore,
    ErrorItem,
    EvalResult,
    FieldScore,
    MatchView,
    check_floors,
    score_documents,
)

__all__ = [
    "EXACT",
    "FIELDS",
    "NAME_CONFIDENCE",
    "OVERLAP",
    "PRF",
    "PRONOUNS",
    "TRIM_CHARS",
    "CharSet",
    "DocScore",
    "ErrorItem",
    "EvalResult",
    "FieldScore",
    "GoldDoc",
    "GoldQuote",
    "MatchView",
    "PredQuote",
    "Span",
    "Spans",
    "check_floors",
    "format_table",
    "jaccard",
    "last_word",
    "load_gold",
    "load_predictions",
    "named_last_word",
    "names_agree",
    "pair_quotes",
    "parse_gold_doc",
    "parse_predictions",
    "score_documents",
    "span_set",
]
