"""Direct quotes: which quote-mark pairs are quotations, and the cue clause each one hangs on.

A marked stretch is attributed by (1) a cue clause whose complement overlaps it, or (2) a cue verb
right after its closing mark ("…,” Zelenskyy said) or right before its opening mark (repeating to
Zelenskyy, “…). With no cue it is still a quote when it reads like speech (a sentence or four
words and more); short unattributed stretches are scare quotes or titles and are left to the
merge step (they may make an indirect quote mixed).
"""

from __future__ import annotations

import bisect
import re
from array import array
from collections.abc import Callable, Sequence

from quotetrace import lexicon
from quotetrace.detect import confidence as conf
from quotetrace.detect.analysis import Analysis
from quotetrace.detect.candidate import Candidate, contains, overlap
from quotetrace.detect.cue_clauses import CueClauseDetector, is_cue_token
from quotetrace.detect.evidence import Evidence
from quotetrace.detect.quotemarks import MarkedQuote
from quotetrace.intervals import IntervalIndex
from quotetrace.lexicon import Lexicons
from quotetrace.nlp import ParsedSentence, Token

_WORD = re.compile(r"\w+")
MAX_GAP_TOKENS = 7  # tokens allowed between a quote mark and its cue verb


def _innermost_map(length: int, marked: Sequence[MarkedQuote]) -> array[int]:
    """For every character, the index of the innermost quote it sits in (-1 outside quotes)."""
    owner = array("i", [-1]) * length
    for index in sorted(range(len(marked)), key=lambda i: marked[i].depth):
        for start, end in marked[index].content:
            owner[start:end] = array("i", [index]) * (end - start)
    return owner


# small words a title keeps in lower case ("Contract with America", "The Art of the Deal")
_TITLE_SMALL = lexicon.words("title_small_words")


def looks_like_title(content: str) -> bool:
    """ "Fox News Sunday", "The Steve Harvey Morning Show,": every word capitalised but the
    small ones, no sentence inside; a programme, book or plan, not what someone said."""
    words = _WORD.findall(content)
    if not 2 <= len(words) <= 10 or re.search(r"[.!?]\s", content.strip()):
        return False
    if content.rstrip()[-1:] in "!?":
        return False
    first = True
    for word in words:
        if not word[0].isalpha():
            continue
        if not word[0].isupper() and (first or word not in _TITLE_SMALL):
            return False
        first = False
    return not all(w.isupper() for w in words)  # "NO WAR", "I AM" shouted: not a title


def _in_headline(text: str, pos: int) -> bool:
    """Is the text before ``pos`` on its line Title Case too ("Senator Hammers Bank CEO: ‘…’")?
    Then capitals say nothing about the quoted words."""
    line = text[text.rfind("\n", 0, pos) + 1 : pos]
    words = [w for w in _WORD.findall(line)[-4:] if w[0].isalpha()]
    return len(words) >= 2 and all(w[0].isupper() or w in _TITLE_SMALL for w in words)


# Words that put a short quoted stretch inside a noun phrase: "the “furry fandom.”", "referred to
# her “sex tape.”", "admires Putin as a “strong leader,”" (not "that", which opens a clause).
_LABEL_OPENERS = (lexicon.words("determiners") - {"that"}) | {"as", "of", "for", "under"}


def _word_before(text: str, pos: int) -> str:
    found = re.search(r"(\w+)\W{0,2}$", text[max(0, pos - 30) : pos])
    return found.group(1) if found else ""


def _is_label(text: str, quote: MarkedQuote) -> bool:
    """Two or three words closed by a full stop or comma right after a determiner or "as":
    'dedicated to the "furry fandom."', 'referred to hecklers as "ugly folks."'."""
    content = " ".join(text[s:e] for s, e in quote.content).rstrip()
    words = len(_WORD.findall(content))
    return (
        words < 4 and content[-1:] in ".," or words == 4 and content[-1:] not in ".!?…,"
    ) and _word_before(text, quote.outer[0]) in _LABEL_OPENERS


def reads_like_speech(text: str, quote: MarkedQuote, *, titles: bool = True) -> bool:
    """A sentence, or four words and more; with ``titles``, not a title in Title Case."""
    content = " ".join(text[s:e] for s, e in quote.content)
    words = _WORD.findall(content)
    if titles and looks_like_title(content) and not _in_headline(text, quote.outer[0]):
        return False
    if len(words) >= 4:
        return True
    stripped = content.rstrip()
    return len(words) >= 2 and stripped[-1:] in ".!?…,"


def _complement_size(cand: Candidate) -> tuple[bool, int]:
    """Speech and writing before thoughts ('said they intended to "…"' is said), then size."""
    span = cand.full_content
    return cand.kind not in ("speech", "writing"), span[1] - span[0] if span is not None else 0


class DirectQuoteDetector:
    def __init__(self, lexicons: Lexicons, clauses: CueClauseDetector) -> None:
        self.lex = lexicons
        self.clauses = clauses

    def detect(self, analysis: Analysis) -> list[Candidate]:
        """Each quoted stretch that is a quotation, with the cue beside it or the cue clause
        (``analysis.clauses``) whose complement holds it; none in page furniture."""
        text, marked, sentences = analysis.text, analysis.marked, analysis.parsed
        starts = [s.start for s in sentences]
        owner = _innermost_map(len(text), marked)
        # clauses with a cue and a full complement, indexed by that complement (near-linear)
        usable = [c for c in analysis.clauses if c.cue and c.full_content is not None]
        by_content = IntervalIndex([c.full_content for c in usable if c.full_content is not None])
        out = []
        for index, quote in enumerate(marked):
            near = [usable[k] for k in by_content.overlapping((quote.start, quote.end))]
            # the innermost clause first: in 'X confirmed they did it, stating "…"' the quote
            # hangs on "stating", whose complement lies inside the one of "confirmed"
            near.sort(key=_complement_size)
            cand = self._attribute(text, index, quote, owner, sentences, starts, near)
            # quote marks in page furniture (a photo caption) are never quotes
            if cand is not None and not analysis.in_boilerplate(cand.start):
                out.append(cand)
        return out

    def _sentence_at(
        self, sentences: Sequence[ParsedSentence], starts: list[int], pos: int
    ) -> ParsedSentence | None:
        i = bisect.bisect_right(starts, pos) - 1
        if i >= 0 and sentences[i].start <= pos < sentences[i].end + 1:
            return sentences[i]
        return None

    def _attribute(
        self,
        text: str,
        index: int,
        quote: MarkedQuote,
        owner: array[int],
        sentences: Sequence[ParsedSentence],
        starts: list[int],
        cue_candidates: Sequence[Candidate],
    ) -> Candidate | None:
        speechlike = reads_like_speech(text, quote)
        outer = quote.outer

        def same_level(pos: int) -> bool:
            inner = owner[pos] if 0 <= pos < len(owner) else -1
            return (None if inner < 0 else inner) == quote.parent

        # (2) a cue verb beside the marks
        found = None
        close_sent = self._sentence_at(sentences, starts, outer[1] - 1)
        if close_sent is not None:
            found = self._cue_after(close_sent, outer[1], same_level)
        open_sent = self._sentence_at(sentences, starts, outer[0])
        if found is None and open_sent is not None:
            found = self._cue_before(text, open_sent, outer[0], same_level)
        if found is not None:
            sent, tok, rule = found
            if (
                not speechlike
                and self.clauses.cue_info(sent, tok)[1] == "speech"
                and text[quote.start : quote.end].rstrip()[-1:] in (",", "!", "?")
            ):
                # '“Stop The War Now,” they shouted': capitals closed by the reporting comma
                # beside a speech verb are speech
                speechlike = reads_like_speech(text, quote, titles=False)
            return self._from_cue(text, index, quote, sent, tok, rule, speechlike)
        # (1) a cue clause whose complement overlaps the quote
        for cand in cue_candidates:
            if not cand.cue or contains(outer, cand.cue[0]) or cand.full_content is None:
                continue
            if not same_level(cand.cue[0][0]):
                continue
            if overlap(cand.full_content, (quote.start, quote.end)) > 0 and speechlike:
                return Candidate(
                    content=quote.content,
                    type="direct",
                    evidence=Evidence.DIRECT_CLAUSE,
                    cue=cand.cue,
                    cue_lemma=cand.cue_lemma,
                    speaker=cand.speaker,
                    speaker_name_hint=cand.speaker_name_hint,
                    speaker_anchor=cand.speaker_anchor,
                    addressee=cand.addressee,
                    kind=cand.kind,
                    sentence=cand.sentence,
                    negated=cand.negated,
                    marked=index,
                    confidence=(
                        conf.DIRECT_IN_CLAUSE
                        if quote.terminated
                        else conf.DIRECT_IN_CLAUSE_UNCLOSED
                    ),
                    rule=cand.rule,
                    via=cand.evidence,
                )
        if speechlike and not _is_label(text, quote):  # a label with no cue is no quote
            return Candidate(
                content=quote.content,
                type="direct",
                evidence=Evidence.DIRECT_NO_CUE,
                marked=index,
                confidence=conf.DIRECT_NO_CUE if quote.terminated else conf.DIRECT_NO_CUE_UNCLOSED,
            )
        return None

    def _from_cue(
        self,
        text: str,
        index: int,
        quote: MarkedQuote,
        sent: ParsedSentence,
        tok: Token,
        rule: Evidence,
        speechlike: bool,
    ) -> Candidate | None:
        lemma, kind = self.clauses.cue_info(sent, tok)
        if not speechlike and lemma not in ("say", "tell", "add", "write", "tweet", "ask"):
            return None
        subject = self.clauses.subject(sent, tok)
        if subject is None:
            # inverted order: "…,” said Zelenskyy
            after = [
                c
                for c in sent.children(tok.i)
                if c.i > tok.i and c.dep in ("nsubj", "dobj", "npadvmod")
            ]
            subject = after[0] if after else None
        if subject is None and rule is Evidence.DIRECT_CUE_AFTER:
            subject = self._person_after(sent, tok)
        speaker = self.clauses.mention_span(sent, subject) if subject is not None else None
        cand = self.clauses.clause(text, sent, tok)
        addressee = cand.addressee if cand is not None else ()
        if cand is None:
            addressee = self.clauses.addressee(sent, tok, lemma, sent.children(tok.i))
        return Candidate(
            content=quote.content,
            type="direct",
            evidence=rule,
            cue=((tok.start, tok.end),),
            cue_lemma=lemma,
            speaker=(speaker,) if speaker else (),
            speaker_name_hint=cand.speaker_name_hint if cand else None,
            speaker_anchor=cand.speaker_anchor if cand else None,
            addressee=addressee,
            kind=kind,
            sentence=(sent.start, sent.end),
            negated=any(c.dep == "neg" for c in sent.children(tok.i)),
            marked=index,
            confidence=(
                conf.DIRECT_CUE_BESIDE if quote.terminated else conf.DIRECT_CUE_BESIDE_UNCLOSED
            ),
        )

    def _person_after(self, sent: ParsedSentence, tok: Token) -> Token | None:
        """ "…,” tweeted Mayor of London Sadiq Khan: the person named just after an inverted cue
        that the parse left without a subject (the last word of the name)."""
        for t in sent.tokens[tok.i + 1 : tok.i + 1 + MAX_GAP_TOKENS + 4]:
            if t.text in '.!?;“"‘«':
                return None
            if t.ent == "PERSON":
                last = t
                for u in sent.tokens[t.i + 1 :]:
                    if u.ent != "PERSON" or u.ent_start:
                        break
                    last = u
                return last
        return None

    def _usable_cue(self, sent: ParsedSentence, tok: Token) -> bool:
        """A cue verb that can attribute a quote beside it: not a channel ("as reported by X")
        and not an infinitive modifying a noun ("the reason to call it X")."""
        return (
            is_cue_token(tok, self.lex)
            and not self.clauses.is_channel(sent, tok)
            and not self.clauses.is_noun_modifier(sent, tok)
        )

    def _cue_after(
        self, sent: ParsedSentence, pos: int, same_level: Callable[[int], bool]
    ) -> tuple[ParsedSentence, Token, Evidence] | None:
        gap = 0
        for tok in sent.tokens:
            if tok.start < pos:
                continue
            if not same_level(tok.start):
                return None
            if tok.text in ".!?;" or tok.text in '“"‘«' or tok.pos == "CCONJ":
                return None  # ('“…,” and I believe them': a new clause, not the attribution)
            if self._usable_cue(sent, tok):
                if self._own_participle(sent, tok):
                    return None
                return sent, tok, Evidence.DIRECT_CUE_AFTER
            gap += 1
            if gap > MAX_GAP_TOKENS:
                return None
        return None

    @staticmethod
    def _own_participle(sent: ParsedSentence, tok: Token) -> bool:
        """'said the 36 must face "murder charges", adding Iran will …': a subjectless
        participle after the marks that has a complement clause of its own reports that clause,
        the next act; the quoted words belong to the clause they sit in."""
        children = sent.children(tok.i)
        return (
            tok.tag == "VBG"
            and not any(c.dep in ("nsubj", "nsubjpass") for c in children)
            and any(c.dep == "ccomp" and c.i > tok.i for c in children)
        )

    def _cue_before(
        self, text: str, sent: ParsedSentence, pos: int, same_level: Callable[[int], bool]
    ) -> tuple[ParsedSentence, Token, Evidence] | None:
        before = text[sent.start : pos].rstrip()
        if not before or before[-1] not in ",:—–":
            return None
        toks = [t for t in sent.tokens if t.end <= pos]
        gap = 0
        for tok in reversed(toks):
            if not same_level(tok.start):
                return None
            if tok.text in ".!?;":
                return None
            if self._usable_cue(sent, tok):
                return sent, tok, Evidence.DIRECT_CUE_BEFORE
            gap += 1
            if gap > MAX_GAP_TOKENS + 3:
                return None
        return None
