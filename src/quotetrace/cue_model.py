"""A learned judge for cue clauses: which verbs introduce an attribution, and in which frames.

The rules in ``detect.cue_clauses`` know a fixed lexicon of cue verbs. News uses many more ("railed
against", "made it clear", "painted X as"), and corpora differ in what they count. A ``CueModel`` is
a logistic regression over simple features of each clause (the verb, its frame, its subject, the
shape of its content); ``quotetrace train`` fits one on gold the user holds (FORMAT.md §1), and
``--cue-model FILE`` lets it judge every verb's clause, listed or not.

The model is a small JSON file of feature weights: readable, diffable, and loaded without any
learning library. Nothing here downloads anything; no model ships with quotetrace (the corpora we
may train on are too small, and weights trained on PolNeAR may not be redistributed).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quotetrace.detect.candidate import Candidate
from quotetrace.detect.cue_clauses import CueClauseDetector
from quotetrace.errors import BadModel
from quotetrace.model import Span
from quotetrace.nlp import ParsedSentence, Token

FORMAT = "quotetrace-cue-model"
VERSION = 1
_QUOTE_CHARS = frozenset('"“”‘’«»„')


@dataclass(frozen=True)
class CueModel:
    weights: Mapping[str, float]
    bias: float
    threshold: float = 0.5
    meta: Mapping[str, Any] = field(default_factory=dict)

    def probability(self, features: Iterable[str]) -> float:
        score = self.bias + sum(self.weights.get(f, 0.0) for f in set(features))
        if score < -30:
            return 0.0
        return 1.0 / (1.0 + math.exp(-score))

    def accepts(self, features: Iterable[str]) -> bool:
        return self.probability(features) >= self.threshold

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "bias": self.bias,
            "threshold": self.threshold,
            "meta": dict(self.meta),
            "weights": dict(sorted(self.weights.items())),
        }

    def save(self, path: str | Path) -> None:
        """Write the model; a half-written file never replaces a good one (temp file, rename)."""
        target = Path(path)
        temp = target.with_name(target.name + ".tmp")
        try:
            temp.write_text(json.dumps(self.to_dict(), indent=1) + "\n", encoding="utf-8")
            temp.replace(target)
        except OSError as exc:
            temp.unlink(missing_ok=True)
            raise BadModel(f"cannot write cue model {path}: {exc}") from exc

    @classmethod
    def load(cls, path: str | Path) -> CueModel:
        try:
            raw = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BadModel(f"cannot read cue model {path}: {exc}") from exc
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise BadModel(f"{path} is not a quotetrace cue model (see `quotetrace train`)")
        if raw.get("version") != VERSION:
            raise BadModel(f"{path}: cue model version {raw.get('version')}, expected {VERSION}")
        try:
            weights = {str(k): float(v) for k, v in raw["weights"].items()}
            return cls(weights, float(raw["bias"]), float(raw["threshold"]), raw.get("meta", {}))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BadModel(f"{path}: malformed cue model ({exc})") from exc


def _subject_class(detector: CueClauseDetector, sent: ParsedSentence, tok: Token) -> str:
    subject = detector.subject(sent, tok)
    if subject is None:
        return "none"
    if subject.pos == "PRON":
        return "pron-" + subject.lower if subject.lower in ("it", "this", "that", "who") else "pron"
    if subject.ent in ("PERSON", "ORG", "NORP", "GPE"):
        return subject.ent.lower()
    if subject.lower in detector.lex.person_nouns:
        return "person-noun"
    return subject.pos.lower()


def _length_bucket(words: int) -> str:
    for limit in (2, 4, 8, 16, 32):
        if words <= limit:
            return f"<={limit}"
    return ">32"


def clause_features(
    detector: CueClauseDetector,
    text: str,
    sent: ParsedSentence,
    tok: Token,
    cand: Candidate,
    quoted: Sequence[Span] = (),
) -> list[str]:
    """The features of one cue clause; the same function serves training and extraction.
    ``quoted``: the spans of the article's marked quotes (a cue inside one is quoted speech)."""
    lemma = cand.cue_lemma or tok.lower
    rule = cand.rule
    listed = "listed" if tok.lower in detector.lex.cue_form else "open"
    subject = _subject_class(detector, sent, tok)
    children = sent.children(tok.i)
    content = text[cand.start : cand.end]
    words = len(content.split())
    aux = sorted({c.lower for c in children if c.dep in ("aux", "auxpass")})
    head = sent.tokens[tok.head]
    features = [
        f"lemma={lemma}",
        f"form={tok.lower}",
        f"rule={rule}",
        f"lemma|rule={lemma}|{rule}",
        f"{listed}|rule={rule}",
        f"kind={cand.kind}",
        f"subj={subject}",
        f"lemma|subj={lemma}|{subject}",
        f"rule|subj={rule}|{subject}",
        f"dep={tok.dep}",
        f"tag={tok.tag}",
        f"dep|rule={tok.dep}|{rule}",
        f"len={_length_bucket(words)}",
        f"rule|len={rule}|{_length_bucket(words)}",
        f"first={content.split(maxsplit=1)[0].lower() if content.split() else ''}",
    ]
    features += [f"aux={a}" for a in aux]
    if tok.dep in ("xcomp", "ccomp", "advcl") and head.i != tok.i:
        features.append(f"head={head.lower}|{tok.dep}")
    if any(s <= tok.start < e for s, e in quoted):
        features += ["cue-inside-quote", f"lemma|inside-quote={lemma}"]
    governing = next(
        (a for a in sent.ancestors(tok.i) if a.lower in detector.lex.cue_form and a.pos == "VERB"),
        None,
    )
    if governing is not None:
        # "said that Trump tells lies": a clause inside another cue's content
        features += ["under-cue", f"under-cue|rule={rule}"]
    if cand.negated:
        features.append("negated")
    if cand.addressee:
        features.append("addressee")
    if any(t.text in _QUOTE_CHARS for t in sent.tokens):
        features.append("quote-marks-in-sentence")
    if any(ch in _QUOTE_CHARS for ch in content):
        features.append("quote-marks-in-content")
    return features
