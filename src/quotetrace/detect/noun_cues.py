""" "The warning that the river could flood", "her claim that the vote was rigged", "his offer to
resign": a speech noun whose content clause or infinitive is what was said.

The content is the clause after "that" (a content clause, not a relative clause: "that" is its
complementizer, not its subject or object) or, for directive and commissive nouns, the "to"
infinitive. The speaker is the noun's possessor ("her claim"), its "by" phrase ("a claim by the
mayor") or the subject of a verb that issues it ("the agency issued a warning that …"); a noun
under any other verb ("Biden denied the claim that …") has no speaker of its own.
"""

from __future__ import annotations

from quotetrace import lexicon
from quotetrace.detect import confidence as conf
from quotetrace.detect.analysis import Analysis
from quotetrace.detect.candidate import Candidate
from quotetrace.detect.cue_clauses import CueClauseDetector
from quotetrace.detect.evidence import Evidence
from quotetrace.detect.grammar import span_of, trim
from quotetrace.nlp import ParsedSentence, Token

_ROWS = lexicon.rows("noun_cues")
# noun (singular and plural) -> (lemma, contents it takes)
NOUN_CUES: dict[str, tuple[str, frozenset[str]]] = {}
for _row in _ROWS:
    _frames = frozenset(_row[1].split())
    NOUN_CUES[_row[0]] = (_row[0], _frames)
    NOUN_CUES[_row[0] + ("es" if _row[0].endswith(("s", "sh", "ch")) else "s")] = (_row[0], _frames)
# verbs whose subject speaks the noun they take as object ("issued a warning", "made the claim")
ISSUING_VERBS = lexicon.words("issuing_verbs")
_ARGUMENT_DEPS = ("nsubj", "nsubjpass", "dobj", "pobj", "attr")


class NounCueDetector:
    """Proposes one candidate per speech noun with a content clause or infinitive."""

    def __init__(self, clauses: CueClauseDetector) -> None:
        self._clauses = clauses  # shares the mention rules

    def detect(self, analysis: Analysis) -> list[Candidate]:
        out = []
        for sent in analysis.parsed:
            for tok in sent.tokens:
                entry = NOUN_CUES.get(tok.lower)
                if entry is None or tok.pos != "NOUN":
                    continue
                if tok.i > 0 and sent.tokens[tok.i - 1].lower == "in":
                    continue  # "in order to", "in response to": no speech act
                cand = self._candidate(analysis.text, sent, tok, *entry)
                if cand is not None:
                    out.append(cand)
        return out

    def _candidate(
        self, text: str, sent: ParsedSentence, noun: Token, lemma: str, frames: frozenset[str]
    ) -> Candidate | None:
        content = self._content(text, sent, noun, frames)
        if content is None:
            return None
        speaker_tok = self._speaker(sent, noun)
        speaker = self._clauses.mention_span(sent, speaker_tok) if speaker_tok else None
        return Candidate(
            content=(content,),
            type="indirect",
            evidence=Evidence.NOUN_CUE,
            cue=((noun.start, noun.end),),
            cue_lemma=lemma,
            speaker=(speaker,) if speaker else (),
            kind="speech",
            sentence=(sent.start, sent.end),
            negated=any(c.dep == "neg" for c in sent.children(noun.head)),
            full_content=content,
            confidence=conf.NOUN_CUE,
        )

    def _content(
        self, text: str, sent: ParsedSentence, noun: Token, frames: frozenset[str]
    ) -> tuple[int, int] | None:
        for clause in sent.children(noun.i):
            if clause.i <= noun.i or clause.dep not in ("acl", "relcl", "ccomp", "appos"):
                continue
            toks = sent.subtree(clause.i)
            children = sent.children(clause.i)
            first = toks[0]
            if "that" in frames and (
                first.lower == "that" and first.dep == "mark" and first.i == noun.i + 1
            ):
                # "the warning that the river could flood": "that" opens a whole clause
                if not any(c.dep in ("nsubj", "nsubjpass", "expl") for c in children):
                    continue
                span = span_of(t for t in toks if t.i != first.i)
            elif "to" in frames and clause.dep == "acl" and first.lower == "to":
                if first.i != noun.i + 1:
                    continue  # "an offer from the firm to …" is left alone
                span = span_of(toks)  # "her offer to resign": the infinitive with its "to"
            else:
                continue
            if span is None:
                continue
            start, end = trim(text, *span)
            if len(text[start:end].split()) >= (3 if first.lower == "that" else 2):
                return start, end
        return None

    def _speaker(self, sent: ParsedSentence, noun: Token) -> Token | None:
        children = sent.children(noun.i)
        for c in children:
            if c.dep == "poss" and c.i < noun.i:
                return c  # "her claim", "the mayor's warning"
        for c in children:
            if c.dep == "prep" and c.lower == "by" and c.i > noun.i:
                objs = [g for g in sent.children(c.i) if g.dep == "pobj"]
                if objs:
                    return objs[0]  # "a claim by the mayor"
        head = sent.tokens[noun.head]
        if noun.dep == "dobj" and head.pos == "VERB" and head.lower in ISSUING_VERBS:
            return self._clauses.subject(sent, head)  # "the agency issued a warning that …"
        return None
