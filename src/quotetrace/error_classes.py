"""Classes of extraction errors, so that the next fix is chosen from counts (``eval --errors``).

Every error ``evaluate`` lists gets one class, read from the gold and the prediction alone (no
parse), so the classes are the same for any extractor's output:

- a missed gold quote: its type and the kind of cue it has ("missed indirect: noun cue"), or
  "extent" when a prediction overlaps it but not by enough;
- a false alarm: its type and whether it overlaps a gold quote at all ("extent") or not;
- a wrong speaker or speaker name: the cause ("pronoun", "organisation", "role noun",
  "non-name", "description", "no cue", "no name", "other person").
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from quotetrace import lexicon

Span = tuple[int, int]

_RELATIVE = frozenset(["who", "which", "that", "whom", "whose"])
_PRONOUNS = frozenset(lexicon.load().pronouns) | {"whom", "one"}
_DETERMINERS = lexicon.words("determiners")
# Words that make a name an organisation's ("Centers for Disease Control", "Ford Motor Company").
ORG_WORDS = lexicon.words("org_words")


def _words(text: str) -> list[str]:
    return re.findall(r"[\w’'&.-]+", text)


def _spans_text(text: str, spans: Sequence[Span]) -> str:
    return " ".join(text[s:e] for s, e in spans).strip()


def cue_kind(text: str, cue: Sequence[Span], speaker: Sequence[Span]) -> str:
    """The kind of a gold quote's cue: "verb", "noun cue", "according to", "relative clause",
    "as-clause", "parenthetical", "verb + particle", "two cues", "punctuation", "no cue"."""
    mention = _spans_text(text, speaker).lower()
    if not cue:
        return "no cue, continuation" if not speaker else "no cue"
    cue_text = _spans_text(text, cue).lower()
    if cue_text.startswith("according"):
        return "according to"
    if mention in _RELATIVE:
        return "relative clause"
    first = min(s for s, _ in [*cue, *speaker])
    before = text[max(0, first - 40) : first]
    if re.search(r"\bas\s+$", before, re.I):
        return "as-clause"
    if re.search(r"[(—–]\s*$|\s[-–—]\s+$", before):
        return "parenthetical"
    if not re.search(r"\w", cue_text):
        return "punctuation"
    if len(cue) > 1:
        return "two cues"
    cue_start = cue[0][0]
    prev = re.search(r"([\w’']+)\s+$", text[max(0, cue_start - 30) : cue_start])
    prev_word = prev.group(1).lower() if prev else ""
    if prev_word in _DETERMINERS or prev_word.endswith(("'s", "’s")):
        return "noun cue"
    if prev_word in ("s",) or cue_text.endswith(("ment", "tion", "sion")):
        return "noun cue"
    if len(_words(cue_text)) > 1:
        return "verb + particle"
    return "verb"


def missed_class(
    text: str, type_: str, cue: Sequence[Span], speaker: Sequence[Span], best_overlap: float
) -> str:
    """ "missed indirect: noun cue", or "missed direct: extent" when a prediction overlaps."""
    if best_overlap > 0:
        return f"missed {type_}: extent (a prediction overlaps, J < 0.5)"
    return f"missed {type_}: {cue_kind(text, cue, speaker)}"


def false_alarm_class(type_: str, best_overlap: float) -> str:
    if best_overlap > 0:
        return f"false alarm {type_}: extent (overlaps a gold quote, J < 0.5)"
    return f"false alarm {type_}: not a quote in the gold"


def _is_org(name: str) -> bool:
    words = _words(name)
    if not words:
        return False
    if len(words) == 1 and words[0].isupper() and len(words[0]) >= 2:
        return True  # an acronym: "UNESCO", "CPD"
    return any(w.lower().strip(".") in ORG_WORDS for w in words)


def _capitalised(name: str) -> bool:
    words = [w for w in _words(name) if w.lower() not in ("of", "the", "and", "for", "de")]
    return bool(words) and all(w[:1].isupper() or w[:1].isdigit() for w in words)


def speaker_cause(
    text: str,
    gold_mention: Sequence[Span],
    gold_name: str | None,
    pred_name: str | None,
    known_names: Collection[str],
) -> str:
    """Why a predicted speaker (name) is wrong.

    ``known_names``: folded last words of every gold speaker and addressee name in the document
    and of every word in them; a predicted name outside them names no one the gold knows.
    """
    if pred_name is None:
        return "no name"
    pred_words = [w.lower() for w in _words(pred_name)]
    if _capitalised(pred_name) and (not pred_words or pred_words[-1] not in known_names):
        return "non-name"
    if any(text[s:e].strip().lower() in _PRONOUNS for s, e in gold_mention):
        return "pronoun"
    if not gold_mention:
        return "no cue (continuation)"
    mention = _spans_text(text, gold_mention)
    gold = gold_name or ""
    if gold and not _capitalised(mention) and _capitalised(gold):
        return "role noun"
    if gold and not _capitalised(gold):
        return "description"
    if gold and _is_org(gold):
        return "organisation"
    return "other person"


def known_name_words(names: Sequence[str | None]) -> frozenset[str]:
    """Lower-cased words of the given names (see ``speaker_cause``)."""
    return frozenset(w.lower() for n in names if n for w in _words(n))
