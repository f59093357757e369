"""Cue-verb clauses on the dependency parse: "X said (that) …", "X told Y …", "…, X added".

For every verb in the cue lexicon this finds its content (the clausal complement, or for a few
verbs the object), its speaker (the subject, climbing through participles, conjuncts and relative
clauses), its addressee ("told Y", "to Y", "with Y") and whether it is negated. Direct quotes use
the same clauses as evidence; the merge step decides which reading wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from quotetrace import lexicon
from quotetrace.detect import confidence as conf
from quotetrace.detect.analysis import Analysis
from quotetrace.detect.candidate import Candidate
from quotetrace.detect.evidence import ClauseRule, Evidence
from quotetrace.detect.grammar import first_token, span_of, trim
from quotetrace.lexicon import Lexicons
from quotetrace.nlp import ParsedSentence, Token

# Verbs that name their addressee as the object ("told reporters", "urged Congress").
ADDRESSEE_OBJECT = lexicon.words("addressee_object_verbs")
# Verbs whose object is the addressee only when an infinitive follows ("requested Trump to act",
# "directed six committees to proceed"); "requested a meeting" has no addressee.
DIRECTIVE_OBJECT = lexicon.words("directive_object_verbs")
# Verbs whose "to" infinitive is the content ("vowed to build a wall", "claimed to have won").
INFINITIVE_CONTENT = lexicon.words("infinitive_content_verbs")
# Verbs whose noun-phrase object is the content ("denied the claims").
NP_CONTENT = lexicon.words("np_content_verbs")
# Verbs whose object is followed by the content ("accused him of lying", "called it a sham").
OBJECT_PLUS_COMPLEMENT = lexicon.words("object_complement_verbs")
# Verbs whose object with an "as" complement is the content ("characterized the call as
# “perfectly fine”", "dismissed the report as a hoax"); without "as" they are no attribution.
AS_COMPLEMENT = lexicon.words("as_complement_verbs")
# "complained about X", "warned against X", "called for X": the object of the preposition
PREP_CONTENT = frozenset("about against for of on over".split())
# Verbs that are cues only with a clause or beside a quote, never with a bare object.
WEAK_CUES = lexicon.words("weak_cues")
# Stances and intentions with an object or infinitive as content (kind: thought).
STANCE = lexicon.words("stance_verbs")
FINDING_VERBS = lexicon.words("finding_verbs")
FINDING_SUBJECTS = lexicon.words("finding_subjects")
_SOURCE_NOUNS = lexicon.words("source_nouns")
# What someone issued ("a statement", "a letter", "a press release"): it speaks for its issuer.
_DOCUMENT_NOUNS = lexicon.words("document_nouns")
NON_CONTENT_OBJECTS = frozenset(
    ["it", "this", "that", "so", "nothing", "something", "anything", "what", "which"]
)
SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
# Modals of mere possibility: "may call for", "could threaten to" report no act.
_MAYBE = frozenset(["may", "might", "could"])
# Prepositions that name where words appeared ("on Twitter", "via Facebook"), not who spoke.
_MEDIUM_PREPS = frozenset(["on", "via", "in", "through"])
# Cues only beside quotation marks ('and I go, "What?"'): as a verb with a clause ("they had
# gone to the police", "is going to think") it reports nothing (0 of 7 such clauses were quotes
# in wikinews-gold train and dev).
QUOTATIVE_ONLY = frozenset(["go"])
CLIMB_DEPS = ("advcl", "xcomp", "conj", "acl", "pcomp", "ccomp", "relcl")


def is_cue_token(token: Token, lexicons: Lexicons) -> bool:
    return token.lower in lexicons.cue_form and (
        token.pos in ("VERB", "AUX") or token.tag[:2] == "VB"
    )


# Verbs that are never cues by themselves (auxiliaries and copulas), even for a learned cue model.
_NEVER_CUES = lexicon.words("never_cues")


def is_open_verb(token: Token) -> bool:
    """Any full verb: a candidate cue for a learned cue model (``quotetrace train``)."""
    return token.pos == "VERB" and token.tag[:2] == "VB" and token.lower not in _NEVER_CUES


def guess_lemma(form: str) -> str:
    """A crude stem for a verb the lexicons do not list ("lambasted" -> "lambast")."""
    for suffix, repl in (
        ("ies", "y"),
        ("ied", "y"),
        ("ing", ""),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
    ):
        if form.endswith(suffix) and len(form) - len(suffix) >= 3:
            return form[: len(form) - len(suffix)] + repl
    return form


class CueClauseDetector:
    """Proposes one candidate per cue verb that has content."""

    def __init__(self, lexicons: Lexicons, *, topics: bool = False) -> None:
        self.lex = lexicons
        # topics: noun-phrase contents for every speech verb ('warned against X'), PolNeAR-style
        self.topics = topics

    def detect(self, analysis: Analysis) -> list[Candidate]:
        """The clause of every listed cue verb in the parsed sentences that has content."""
        return [cand for _, _, cand in self.verb_clauses(analysis.text, analysis.parsed)]

    def verb_clauses(
        self, text: str, sentences: Iterable[ParsedSentence], *, every_verb: bool = False
    ) -> Iterator[tuple[ParsedSentence, Token, Candidate]]:
        """(sentence, cue token, candidate) for every cue verb with content; ``every_verb`` also
        tries verbs the lexicon does not list, for a learned cue model to judge."""
        for sent in sentences:
            for tok in sent.tokens:
                listed = is_cue_token(tok, self.lex)
                if listed or every_verb and is_open_verb(tok):
                    cand = self.clause(text, sent, tok, open_cue=not listed)
                    if cand is not None:
                        yield sent, tok, cand

    # -- the parts of a clause -------------------------------------------------------------

    def cue_info(self, sent: ParsedSentence, tok: Token) -> tuple[str, str]:
        lemma = self.lex.cue_form.get(tok.lower)
        if lemma is None:
            return guess_lemma(tok.lower), "speech"
        return lemma, self.lex.cue_kind.get(lemma, "speech")

    def clause(
        self, text: str, sent: ParsedSentence, tok: Token, *, open_cue: bool = False
    ) -> Candidate | None:
        """The candidate for the cue verb ``tok``, or None when it has no content. ``open_cue``:
        a verb no lexicon lists, which takes every content rule (a learned model decides)."""
        lemma, kind = self.cue_info(sent, tok)
        if lemma in QUOTATIVE_ONLY:
            return None
        children = sent.children(tok.i)
        content, full, rule = self._content(text, sent, tok, lemma, children, open_cue=open_cue)
        if content is None or rule is None:
            return None
        subject = self.subject(sent, tok)
        speaker = self.mention_span(sent, subject) if subject is not None else None
        if subject is not None and subject.i < len(sent.tokens):
            head_word = subject.lower
            if head_word in FINDING_SUBJECTS:
                # "a study found / polls show" is a finding; "the report said" is writing
                kind = (
                    "finding" if lemma in FINDING_VERBS else "writing" if kind == "speech" else kind
                )
        cue = [(tok.start, tok.end)]
        prt = [c for c in children if c.dep == "prt" or (c.dep == "prep" and c.lower == "for")]
        cue += [(c.start, c.end) for c in prt if c.i == tok.i + 1]
        if rule is ClauseRule.CALL_FOR and tok.i + 1 < len(sent.tokens):
            nxt = sent.tokens[tok.i + 1]
            cue.append((nxt.start, nxt.end))  # "called for", "called on"
        if lemma == "point" and not prt:
            return None
        negated = any(c.dep == "neg" for c in children)
        anchor = None
        if subject is not None and subject.text in ("who", "which", "that"):  # not "WHO"
            rel = self._relative_anchor(sent, subject)
            if rel is not None:
                anchor = self.mention_span(sent, rel)
        return Candidate(
            content=self._around_cue(text, sent, tok, content)
            if rule is ClauseRule.PARATAXIS
            else (content,),
            type="indirect",
            evidence=Evidence.OPEN_CUE if open_cue else Evidence.CUE_CLAUSE,
            cue=tuple(sorted(set(cue))),
            cue_lemma=lemma,
            speaker=(speaker,) if speaker else (),
            speaker_name_hint=self._appositive_name(sent, subject) if subject else None,
            speaker_anchor=anchor,
            addressee=self.addressee(sent, tok, lemma, children),
            kind=kind,
            sentence=(sent.start, sent.end),
            negated=negated,
            full_content=full,
            confidence=conf.CLAUSE_COMPLEMENT if rule is ClauseRule.CCOMP else conf.CLAUSE_OTHER,
            rule=rule,
        )

    def _content(
        self,
        text: str,
        sent: ParsedSentence,
        tok: Token,
        lemma: str,
        children: list[Token],
        *,
        open_cue: bool = False,
    ) -> tuple[tuple[int, int] | None, tuple[int, int] | None, ClauseRule | None]:
        # not a clause before the cue across a semicolon: in "A happened; X reported that B"
        # the parse may hang "A happened" on "reported" too, but only B was reported
        comps = [
            c
            for c in children
            if c.dep == "ccomp"
            and not (c.i < tok.i and any(t.text == ";" for t in sent.tokens[c.i : tok.i]))
        ]
        if comps:
            comp = comps[0]
            clause = self._clause_span(text, sent, comp, tok)
            lost = self._object_subject(sent, tok, lemma, children, comp)
            if clause is not None and lost is not None:
                # "reported Hurricane Dorian had strengthened": the subject parsed as the object
                return (lost.start, clause[1]), (lost.start, clause[1]), ClauseRule.CCOMP
            return clause, self._full_span(text, sent, comp), ClauseRule.CCOMP
        misparsed = self._misparsed_complement(text, sent, tok)
        if misparsed is None:
            misparsed = self._misparsed_subject(text, sent, tok, children)
        if misparsed is None:
            misparsed = self._misparsed_object(text, sent, tok, children)
        if misparsed is not None:
            return misparsed, misparsed, ClauseRule.CCOMP
        called = self._call_for(text, sent, tok, lemma, children)
        if called is not None:
            return called, called, ClauseRule.CALL_FOR
        if tok.dep == "parataxis" and any(c.dep in SUBJECT_DEPS for c in children):
            # "The plan, he said, is flawed": the content is the head clause around the cue.
            head = sent.tokens[tok.head]
            if head.pos in ("NOUN", "PROPN", "PRON") and head.dep in SUBJECT_DEPS:
                # "The new bridge (the mayor said) will open": the parse hung the cue on the
                # subject; the content is the subject's whole clause
                head = sent.tokens[head.head]
            inner = {t.i for t in sent.subtree(tok.i)}
            rest = [t for t in sent.subtree(head.i) if t.i not in inner]
            span = span_of(rest)
            if span is not None:
                return trim(text, *span), span, ClauseRule.PARATAXIS
        paras = [c for c in children if c.dep == "parataxis" and c.i > tok.i]
        if paras and any(t.text == ":" for t in sent.tokens[tok.i : paras[0].i]):
            span = span_of(sent.subtree(paras[0].i))
            if span is not None:
                return trim(text, *span), span, ClauseRule.COLON
        objs = [c for c in children if c.dep in ("dobj", "dative") and c.pos != "PRON"]
        xcomps = [c for c in children if c.dep in ("xcomp", "oprd") and c.i > tok.i]
        if (lemma in ADDRESSEE_OBJECT or lemma in DIRECTIVE_OBJECT) and xcomps:
            # "urged Congress to act": the infinitive; the object is the addressee
            toks = sent.subtree(xcomps[0].i)
            span = span_of(toks)
            if span is not None:
                return trim(text, *span), span, ClauseRule.XCOMP
        if (
            lemma in INFINITIVE_CONTENT
            and xcomps
            and not objs
            and any(c.dep == "aux" and c.lower == "to" for c in sent.children(xcomps[0].i))
            and not any(c.lower in _MAYBE for c in children)
        ):
            # "vowed to build a wall", "claimed to have killed 2,300 soldiers"; not "as rich as
            # he claims to be" (nothing said beyond the verb) nor "could threaten to" (no act)
            toks = sent.subtree(xcomps[0].i)
            span = span_of(toks)
            if span is not None and len([t for t in toks if t.pos != "PUNCT"]) >= 3:
                return trim(text, *span), span, ClauseRule.XCOMP
        if open_cue and xcomps and sent.tokens[xcomps[0].i - 1].lower == "to":
            # "pledged to cut taxes", "wants to meet": the infinitive
            span = span_of(sent.subtree(xcomps[0].i))
            if span is not None:
                return trim(text, *span), span, ClauseRule.XCOMP
        if lemma in STANCE:
            # "plans to run", "endorsed Clinton", "seems to agree"
            stance_tail = xcomps[:1] or [c for c in children if c.dep == "dobj"][:1]
            if stance_tail:
                toks = sent.subtree(stance_tail[0].i)
                span = span_of(toks)
                if span is not None and len([t for t in toks if t.pos != "PUNCT"]) >= 1:
                    return trim(text, *span), span, ClauseRule.STANCE
            return None, None, None
        if lemma in WEAK_CUES:
            return None, None, None
        objs_all = [c for c in children if c.dep == "dobj"]
        as_tail = [c for c in children if c.dep == "prep" and c.lower == "as" and c.i > tok.i]
        if objs_all and as_tail and lemma in AS_COMPLEMENT:
            span = span_of([*sent.subtree(objs_all[0].i), *sent.subtree(as_tail[0].i)])
            if span is not None:
                # a closing mark the parse hung elsewhere still closes the complement
                closing = re.match(r"[.,!?]?[\"”’']", text[span[1] : span[1] + 2])
                if closing:
                    span = (span[0], span[1] + closing.end())
                return trim(text, *span), span, ClauseRule.OBJECT_COMPLEMENT
        if objs_all and lemma in OBJECT_PLUS_COMPLEMENT:
            obj = objs_all[0]
            tails = [
                c for c in children if c.i > obj.i and c.dep in ("prep", "oprd", "xcomp", "ccomp")
            ]
            if tails:
                # the object and everything after it in the clause ("called it "a non-starter"")
                toks = [*sent.subtree(obj.i)]
                for tail in tails:
                    toks += sent.subtree(tail.i)
                last = max(t.i for t in toks)
                stop = next(
                    (c.i for c in children if c.i > last and c.dep in ("cc", "conj", "advcl")),
                    len(sent.tokens),
                )
                # nor past the end of the clause: a full stop, "according to", a new quotation
                stop = next(
                    (
                        t.i
                        for t in sent.tokens[last + 1 : stop]
                        if t.text in (".", ";", "“") or t.lower == "according"
                    ),
                    stop,
                )
                toks += [t for t in sent.tokens if last < t.i < stop]
                span = span_of(toks)
                if span is not None:
                    return trim(text, *span), span, ClauseRule.OBJECT_COMPLEMENT
            quoted = self._quoted_object(text, sent, obj)
            if quoted is not None:
                return quoted, quoted, ClauseRule.OBJECT_COMPLEMENT
        topics = self.topics and self.lex.cue_kind.get(lemma) == "speech" or open_cue
        if objs and (lemma in NP_CONTENT or topics):
            obj = objs[0]
            if obj.lower in NON_CONTENT_OBJECTS:
                return None, None, None
            if lemma in ("cite", "mention") and (
                obj.pos == "PROPN" or obj.ent in ("PERSON", "ORG") or obj.lower in _SOURCE_NOUNS
            ):
                return None, None, None  # "citing anonymous sources": who, not what
            toks = sent.subtree(obj.i)
            if len([t for t in toks if t.pos != "PUNCT"]) >= 2:
                span = span_of(toks)
                if span is not None:
                    return trim(text, *span), span, ClauseRule.OBJECT
        if topics and not objs:
            preps = [
                c for c in children if c.dep == "prep" and c.i > tok.i and c.lower in PREP_CONTENT
            ]
            pobjs = [g for c in preps[:1] for g in sent.children(c.i) if g.dep in ("pobj", "pcomp")]
            if pobjs:
                toks = sent.subtree(pobjs[0].i)
                span = span_of(toks)
                if span is not None and len([t for t in toks if t.pos != "PUNCT"]) >= 2:
                    return trim(text, *span), span, ClauseRule.PREP_OBJECT
        return None, None, None

    def _quoted_object(self, text: str, sent: ParsedSentence, obj: Token) -> tuple[int, int] | None:
        """ "called May's deal “lousy”": the parse hung the quoted complement inside the object
        (an adjective of it); object and quoted words are the content when they end in a
        closing mark."""
        toks = sent.subtree(obj.i)
        span = span_of(toks)
        if span is None:
            return None
        end = span[1]
        if text[end - 1] not in '"”':
            closing = re.match(r"\s?[,.!?]?[\"”]", text[end : end + 3])
            if closing is None:
                return None
            end += closing.end()
        opening = max(text.rfind("“", span[0], end - 1), text.rfind('"', span[0], end - 1))
        if opening <= span[0]:
            return None  # the whole object in marks: a title or a name, no complement
        if ":" in text[span[0] : opening] or len(text[opening:end].split()) > 8:
            return None  # a quotation introduced after the object, not a short complement
        return trim(text, span[0], end)

    def _around_cue(
        self, text: str, sent: ParsedSentence, tok: Token, content: tuple[int, int]
    ) -> tuple[tuple[int, int], ...]:
        """ "The plan, he said, is flawed": the content in two spans, before and after the
        reporting clause inside it (one span when the clause stands at an end)."""
        inner = sent.subtree(tok.i)
        first, last = inner[0], inner[-1]
        # the brackets or dashes around "(he said)" belong to the reporting clause
        before = trim(text, content[0], first.start)
        after = trim(text, last.end, content[1])
        if before[1] > before[0] and after[1] > after[0]:
            return (before, after)
        return (content,)

    def _misparsed_complement(
        self, text: str, sent: ParsedSentence, tok: Token
    ) -> tuple[int, int] | None:
        """ "The chief, X, announced on Facebook there were suspects": the parse made the cue a
        modifier of the subject and the reported clause the main clause; the content is the main
        clause after the cue's own words."""
        if tok.dep != "acl" or tok.tag not in ("VBD", "VBN"):
            return None
        head = sent.tokens[tok.head]
        root = sent.tokens[head.head]
        if (
            head.dep not in ("nsubj", "nsubjpass")
            or root.i <= tok.i
            or root.pos not in ("VERB", "AUX")
        ):
            return None
        last = max(t.i for t in sent.subtree(tok.i))
        rest = [t for t in sent.subtree(root.i) if t.i > last]
        if len([t for t in rest if t.pos != "PUNCT"]) < 3 or not any(
            c.dep in ("expl", "nsubj", "nsubjpass") and c.i > last for c in sent.children(root.i)
        ):
            return None  # "the plan announced on Tuesday was withdrawn": a true participle
        span = span_of(rest)
        return trim(text, *span) if span else None

    def _misparsed_subject(
        self, text: str, sent: ParsedSentence, tok: Token, children: list[Token]
    ) -> tuple[int, int] | None:
        """ "Trump claimed carbon emissions have been lower": the parse made the cue, with its
        own subject, a modifier of the reported clause's subject; the content is that clause
        from the word after the cue."""
        if tok.dep not in ("amod", "compound") or tok.tag not in ("VBD", "VBZ", "VBP"):
            return None
        if not any(c.dep == "nsubj" and c.i < tok.i for c in children):
            return None
        noun = sent.tokens[tok.head]
        if noun.i <= tok.i or noun.dep not in ("nsubj", "nsubjpass"):
            return None
        verb = sent.tokens[noun.head]
        if verb.i <= noun.i or verb.pos not in ("VERB", "AUX"):
            return None
        rest = [t for t in sent.subtree(verb.i) if t.i > tok.i]
        if len([t for t in rest if t.pos != "PUNCT"]) < 3:
            return None
        span = span_of(rest)
        return trim(text, *span) if span else None

    def _object_subject(
        self, sent: ParsedSentence, tok: Token, lemma: str, children: list[Token], comp: Token
    ) -> Token | None:
        """The first word of the cue's object when it is really the subject of the complement
        clause after it, which has none ("reported Hurricane Dorian had strengthened"); None
        when the object is the addressee ("told reporters …") or the clause has a subject."""
        if lemma in ADDRESSEE_OBJECT or comp.i < tok.i:
            return None
        inner = sent.children(comp.i)
        if any(c.dep in (*SUBJECT_DEPS, "mark", "expl") for c in inner):
            return None
        if comp.tag not in ("VBD", "VBZ", "VBP") and not any(
            c.dep in ("aux", "auxpass") and c.tag != "TO" for c in inner
        ):
            return None  # a finite clause only: not "reported the ship sinking"
        obj = next((c for c in children if c.dep == "dobj" and tok.i < c.i < comp.i), None)
        if obj is None or obj.pos == "PRON":
            return None
        return sent.subtree(obj.i)[0]

    def _misparsed_object(
        self, text: str, sent: ParsedSentence, tok: Token, children: list[Token]
    ) -> tuple[int, int] | None:
        """ "The NHC reported Hurricane Dorian had strengthened": the parse made the reported
        clause's subject the cue's object and its verb a subjectless adverbial clause; object
        and that clause are the content."""
        objs = [c for c in children if c.dep == "dobj" and c.i > tok.i]
        if not objs or self.lex.cue_kind.get(self.lex.cue_form.get(tok.lower, "")) is None:
            return None
        obj = objs[0]
        clause = next(
            (c for c in children if c.dep in ("advcl", "conj") and c.i > obj.i),
            None,
        )
        if clause is None or clause.tag not in ("VBD", "VBZ", "VBP", "VBN"):
            return None
        inner = sent.children(clause.i)
        if any(c.dep in (*SUBJECT_DEPS, "mark", "expl") for c in inner):
            return None  # a clause of its own ("reported it and left", "… when it hit")
        if clause.tag == "VBN" and not any(c.dep in ("aux", "auxpass") for c in inner):
            return None  # "reported the attack, backed by video": a participle
        between = sent.tokens[max(t.i for t in sent.subtree(obj.i)) + 1 : clause.i]
        if any(t.text in (",", ";", ":") or t.pos in ("CCONJ", "VERB") for t in between):
            return None
        toks = [*sent.subtree(obj.i), *between, *sent.subtree(clause.i)]
        span = span_of(toks)
        return trim(text, *span) if span else None

    def _call_for(
        self, text: str, sent: ParsedSentence, tok: Token, lemma: str, children: list[Token]
    ) -> tuple[int, int] | None:
        """ "called for his death to be investigated", "called on Fox News to fire Griffin": the
        infinitive clause is the content; "called for a ceasefire": the object."""
        if lemma != "call":
            return None
        for c in children:
            # "called for his death to be investigated": "for" marks an infinitive clause
            if c.dep == "advcl" and any(
                g.dep == "mark" and g.lower == "for" and g.i == tok.i + 1
                for g in sent.children(c.i)
            ):
                toks = [t for t in sent.subtree(c.i) if t.i > tok.i + 1]
                span = span_of(toks)
                return trim(text, *span) if span else None
        prep = next(
            (
                c
                for c in children
                if c.dep == "prep" and c.lower in ("for", "on") and c.i == tok.i + 1
            ),
            None,
        )
        if prep is None:
            return None
        pobj = next((g for g in sent.children(prep.i) if g.dep == "pobj"), None)
        if pobj is None:
            return None
        inf = [
            c
            for c in [*children, *sent.children(pobj.i)]
            if c.dep in ("xcomp", "acl", "relcl", "ccomp")
            and c.i > pobj.i
            and any(g.lower == "to" and g.dep == "aux" for g in sent.children(c.i))
        ]
        if not inf:
            if (
                prep.lower == "for"
                and pobj.lower not in NON_CONTENT_OBJECTS
                and not any(c.lower in _MAYBE for c in children)  # "may call for": no act yet
            ):
                # "called for a ceasefire": a demand whose content is the noun phrase (annotated
                # as speech in Wikinews and PolNeAR alike, unlike "asked for" or "pushed for");
                # one word, "called for calm", stays a gesture, as for other noun-phrase objects
                toks = sent.subtree(pobj.i)
                span = span_of(toks)
                if span is not None and len([t for t in toks if t.pos != "PUNCT"]) >= 2:
                    return trim(text, *span)
                return None
            return None
        if prep.lower == "on":
            toks = sent.subtree(inf[0].i)  # "called on X to act": X is the addressee
        else:
            toks = [*sent.subtree(pobj.i), *sent.subtree(inf[0].i)]
        span = span_of(toks)
        return trim(text, *span) if span else None

    def _full_span(self, text: str, sent: ParsedSentence, comp: Token) -> tuple[int, int] | None:
        """The whole complement, less a coordinated cue of the same speaker ("said A and added
        that B": B is not inside what was said first, so it does not nest there)."""
        toks = sent.subtree(comp.i)
        for t in toks:
            if (
                t.dep == "conj"
                and t.head == comp.i
                and is_cue_token(t, self.lex)
                and any(c.dep == "ccomp" for c in sent.children(t.i))
                and not any(c.dep in SUBJECT_DEPS for c in sent.children(t.i))
            ) or self._next_act(text, sent, comp, t):
                cut = {x.i for x in sent.subtree(t.i)}
                toks = [x for x in toks if x.i not in cut and not (x.dep == "cc" and x.i < t.i)]
                break
        span = span_of(toks)
        return trim(text, *span) if span else None

    def _clause_span(
        self, text: str, sent: ParsedSentence, comp: Token, cue: Token
    ) -> tuple[int, int] | None:
        """The complement clause without its "that" and without trailing nested cue clauses."""
        toks = sent.subtree(comp.i)
        toks = [t for t in toks if not (t.dep == "mark" and t.head == comp.i and t.lower == "that")]
        # "— as reported by the Courier —" is a channel, not part of what was said
        for t in [t for t in toks if t.dep == "advcl" and self.is_channel(sent, t)]:
            cut = {x.i for x in sent.subtree(t.i)}
            toks = [x for x in toks if x.i not in cut]
        # ", claiming he was …" at the end of the complement is its own (nested) attribution.
        for t in toks:
            if self._trailing_participle(sent, comp, t):
                # (', further saying …', '"…," adding …': its adverb and the marks go with it)
                opening = first_token(sent, t).i
                cut = {x.i for x in sent.subtree(t.i)}
                toks = [x for x in toks if x.i not in cut and x.i < opening - 1]
                break
        toks = self._cut_narrator_tail(text, sent, comp, toks)
        span = span_of(toks)
        if span is None:
            return None
        start, end = trim(text, *span)
        if end - start < 3 or len([t for t in toks if t.pos != "PUNCT"]) < 2:
            return None
        return start, end

    def _trailing_participle(self, sent: ParsedSentence, comp: Token, t: Token) -> bool:
        """ ", adding …", ", further saying …" after the complement ``comp``: a cue participle
        set off by a comma (its adverb and closing quote marks before it)."""
        return (
            t.i > comp.i
            and t.dep in ("advcl", "xcomp", "conj")
            and t.tag == "VBG"
            and is_cue_token(t, self.lex)
            and self._after_comma(sent, first_token(sent, t).i)
        )

    @staticmethod
    def _after_comma(sent: ParsedSentence, i: int) -> bool:
        """Does a comma come right before token ``i``, give or take closing quote marks?"""
        j = i - 1
        while j >= 0 and sent.tokens[j].text in ('"', "”", "’", "'"):
            j -= 1
        return j >= 0 and sent.tokens[j].text == ","

    def _cut_narrator_tail(
        self, text: str, sent: ParsedSentence, comp: Token, toks: list[Token]
    ) -> list[Token]:
        """What the narrator adds after the reported clause is not part of it: "…; their
        identities were not provided", "…, despite photos showing …", "… without elaborating",
        "…, which he said would …", "… and several said …" (a clause with its own cue)."""
        kept = {t.i for t in toks}
        first = min(kept, default=comp.i)
        semi = next((t.i for t in sent.tokens[first : max(kept, default=0)] if t.text == ";"), None)
        if semi is not None and semi - first >= 2:
            return [t for t in toks if t.i < semi]  # "… died; their identities were not given"
        cut_at: int | None = None
        last = max(kept, default=comp.i)
        for t in sent.tokens[comp.i + 1 : last + 1]:
            before = sent.tokens[t.i - 1].text if t.i > 0 else ""
            nxt = sent.tokens[t.i + 1 : t.i + 3]
            if (
                t.lower in ("which", "who")
                and before == ","
                and len(nxt) == 2
                and nxt[0].pos in ("PRON", "PROPN")
                and is_cue_token(nxt[1], self.lex)
            ):
                cut_at = t.i  # ", which he said would …": the narrator's own attribution
            elif (
                t.head == comp.i
                and t.dep in ("advcl", "prep", "mark")
                or (t.dep == "mark" and sent.tokens[t.head].head == comp.i)
            ):
                word = t.lower if t.dep != "advcl" else first_token(sent, t).lower
                if word in ("despite", "though", "although") or (
                    word in ("before", "while", "whereas") and before == ","
                ):
                    cut_at = first_token(sent, t).i if t.dep != "mark" else t.i
                elif word == "without" and any(
                    g.tag == "VBG" for g in sent.subtree(t.i) if g.i > t.i
                ):
                    cut_at = t.i
            elif self._next_act(text, sent, comp, t) or (
                (t.head == comp.i and t.dep == "conj" or t.dep == "relcl" and before == ",")
                and any(
                    is_cue_token(g, self.lex)
                    and any(c.dep in ("ccomp", "xcomp") for c in sent.children(g.i))
                    for g in sent.subtree(t.i)
                )
                and (
                    any(c.dep in SUBJECT_DEPS for c in sent.children(t.i))
                    # "said A and added that B": the second cue shares the subject
                    or t.dep == "conj"
                    and is_cue_token(t, self.lex)
                    and any(c.dep == "ccomp" for c in sent.children(t.i))
                )
            ):
                opening = first_token(sent, t)
                cut_at = opening.i
                if opening.i > 0 and sent.tokens[opening.i - 1].dep == "cc":
                    cut_at = opening.i - 1
            if cut_at is not None:
                break
        if cut_at is None:
            return toks
        return [t for t in toks if t.i < cut_at and t.i in kept]

    def _next_act(self, text: str, sent: ParsedSentence, comp: Token, t: Token) -> bool:
        """ "said Trump would lose and asked voters to …": a past-tense speech act with content,
        coordinated with a modal or present complement, is the speaker's next act, not part of
        what was said first ("said the company grew and added jobs" stays whole)."""
        return (
            t.head == comp.i
            and t.dep == "conj"
            and t.tag == "VBD"
            and self._finite_tag(sent, comp) in ("MD", "VBZ", "VBP")
            and not any(c.dep in SUBJECT_DEPS for c in sent.children(t.i))
            and is_cue_token(t, self.lex)
            and self.clause(text, sent, t) is not None
        )

    @staticmethod
    def _finite_tag(sent: ParsedSentence, verb: Token) -> str:
        """The tag that carries a clause's tense: its first auxiliary's ("would lose": MD,
        "has said": VBZ), else the verb's own."""
        aux = [c for c in sent.children(verb.i) if c.dep in ("aux", "auxpass") and c.i < verb.i]
        return aux[0].tag if aux else verb.tag

    def is_noun_modifier(self, sent: ParsedSentence, tok: Token) -> bool:
        """ "the reason to call it X": an infinitive that modifies a noun is no speech act."""
        return tok.dep in ("relcl", "acl") and any(
            c.dep == "aux" and c.lower == "to" for c in sent.children(tok.i)
        )

    def is_channel(self, sent: ParsedSentence, tok: Token) -> bool:
        """ "as reported by X", "as quoted by X": X passed the words on; it did not say them."""
        children = sent.children(tok.i)
        return (
            tok.tag == "VBN"
            and any(c.dep == "agent" for c in children)
            and (
                any(c.dep == "mark" and c.lower == "as" for c in children)
                or tok.i > 0
                and sent.tokens[tok.i - 1].lower == "as"
            )
        )

    def subject(self, sent: ParsedSentence, tok: Token) -> Token | None:
        """The speaker: the subject, the passive agent, or the subject of the governing verb;
        in "Reuters quoted/cited the minister as saying …" the minister."""
        if tok.tag == "VBG" and tok.dep == "pcomp" and sent.tokens[tok.head].lower == "as":
            verb = sent.tokens[sent.tokens[tok.head].head]
            if verb.lower.startswith(("quot", "cit")):
                objs = [c for c in sent.children(verb.i) if c.dep == "dobj"]
                if objs:
                    return objs[0]
        if (
            tok.tag == "VBG"
            and tok.dep == "advcl"
            and self._after_comma(sent, first_token(sent, tok).i)
            and not any(c.dep in SUBJECT_DEPS for c in sent.children(tok.i))
        ):
            # "said the 36 must face charges, adding …": the parse hung the participle on the
            # reported clause; when that clause's subject cannot speak, the participle is the
            # reporting speaker's act ("shared that Lukashenko apologized, claiming …" is his)
            head = sent.tokens[tok.head]
            outer = sent.tokens[head.head]
            inner = next((c for c in sent.children(head.i) if c.dep in SUBJECT_DEPS), None)
            if (
                head.dep == "ccomp"
                and outer.i != head.i
                and is_cue_token(outer, self.lex)
                and not (inner is not None and self._can_speak(inner))
            ):
                return self.subject(sent, outer)
        if tok.dep == "conj" and not any(c.dep in SUBJECT_DEPS for c in sent.children(tok.i)):
            # "X said A and added that B": the parse hung "added" on A's verb; its subject is
            # the subject of the cue whose complement A is
            head = sent.tokens[tok.head]
            outer = sent.tokens[head.head]
            heads_subject = next((c for c in sent.children(head.i) if c.dep in SUBJECT_DEPS), None)
            # "said Trump would lose and asked voters …": a past cue after a modal or present
            # complement is the outer speaker's next act (see _cut_narrator_tail)
            next_act = tok.tag == "VBD" and self._finite_tag(sent, head) in ("MD", "VBZ", "VBP")
            if (
                head.dep == "ccomp"
                and outer.i != head.i
                and is_cue_token(outer, self.lex)
                and (next_act or not (heads_subject is not None and self._can_speak(heads_subject)))
            ):
                return self.subject(sent, outer)
        current = tok
        for _ in range(6):
            children = sent.children(current.i)
            subjects = [c for c in children if c.dep in ("nsubj", "csubj")]
            if subjects:
                # two subjects are a parse slip: "Early opponent MP Tanya Davies said" has the
                # name as the second; a name is the speaker, else the first as before
                names = [c for c in subjects if c.pos == "PROPN"]
                return names[-1] if names and len(subjects) > 1 else subjects[0]
            for c in children:
                if c.dep == "agent":
                    objs = [g for g in sent.children(c.i) if g.dep == "pobj"]
                    if objs:
                        return objs[0]
            if any(c.dep == "nsubjpass" for c in children):
                return None  # agentless passive: "it was said"
            if current.dep in CLIMB_DEPS and current.head != current.i:
                if current.dep == "relcl" or current.dep == "acl":
                    owner = self._participle_owner(sent, current)
                    if owner is None:
                        return sent.tokens[current.head]
                    current = owner
                    continue
                current = sent.tokens[current.head]
                continue
            return None
        return None

    def _participle_owner(self, sent: ParsedSentence, part: Token) -> Token | None:
        """ "issued a statement saying …", "held a press conference claiming …": a participle
        the parse hung on an object that cannot speak reports what the object's verb's subject
        said, so the climb goes on from that verb (None: the participle's noun is the speaker,
        as in "the minister, saying …" or "quoted an official saying …")."""
        noun = sent.tokens[part.head]
        # "posted a message on Twitter blaming …": a medium ("on Twitter", "via Facebook") is
        # where the words appeared, not who said them, whatever its entity label
        medium = noun.dep == "pobj" and sent.tokens[noun.head].lower in _MEDIUM_PREPS
        if (
            part.tag != "VBG"
            or noun.dep not in ("dobj", "pobj", "dative")
            or self._can_speak(noun)
            and noun.lower not in _DOCUMENT_NOUNS
            and not medium
            or noun.head == noun.i
        ):
            return None
        verb = sent.tokens[noun.head]
        if noun.dep == "pobj" and verb.head != verb.i:
            verb = sent.tokens[verb.head]  # "a video blaming …": past the preposition
        if medium and verb.pos not in ("VERB", "AUX") and verb.head != verb.i:
            verb = sent.tokens[verb.head]  # "posted a message on Twitter blaming": its noun too
        return verb if verb.pos in ("VERB", "AUX") else None

    def _can_speak(self, tok: Token) -> bool:
        """A person or a body: a pronoun, a named person or organisation, a person noun
        ("he looked at me and said …" shares "he"; "the bridge would reopen and added …" does
        not share "the bridge")."""
        return (
            tok.pos == "PRON"
            or tok.ent in ("PERSON", "ORG", "NORP")
            or tok.lower in self.lex.person_nouns
        )

    def _relative_anchor(self, sent: ParsedSentence, pronoun: Token) -> Token | None:
        """What "who"/"which" stands for: the head of its relative clause, or, when the parse
        missed the clause ("according to CNN who reported …"), the noun right before it."""
        verb = sent.tokens[pronoun.head]
        if verb.dep == "relcl":
            return sent.tokens[verb.head]
        before = pronoun.i - 1
        if before >= 0 and sent.tokens[before].text == ",":
            before -= 1
        if before >= 0 and sent.tokens[before].pos in ("PROPN", "NOUN"):
            return sent.tokens[before]
        return None

    def mention_span(self, sent: ParsedSentence, head: Token) -> tuple[int, int] | None:
        """The speaker mention: a name without titles, or a noun phrase with its determiner."""
        if head.pos in ("PRON",):
            return (head.start, head.end)
        toks = [head]
        for c in sent.children(head.i):
            if (
                c.i < head.i
                and c.dep
                in (
                    "compound",
                    "det",
                    "amod",
                    "poss",
                    "nummod",
                    "nmod",
                    "quantmod",
                )
                or c.i > head.i
                and c.dep == "prep"
                and c.lower == "of"
                and head.pos != "PROPN"
            ):
                toks += sent.subtree(c.i)
            elif c.i > head.i and c.dep in ("flat", "compound"):
                toks.append(c)
        if head.pos == "NOUN" and not head.ent:
            # a description keeps what restricts it: "critics from across the spectrum",
            # "residents of the block", "the officials who ordered the change"
            for c in sent.children(head.i):
                if c.i > head.i and c.dep in ("prep", "acl", "relcl"):
                    tail = sent.subtree(c.i)
                    if (
                        len(tail) <= 12
                        and sent.tokens[c.i - 1].text != ","
                        and not any(
                            t.text in '"“”' or t.dep == "appos" or is_cue_token(t, self.lex)
                            for t in tail
                        )
                    ):
                        toks += tail
        toks = sorted(set(toks), key=lambda t: t.i)
        if head.pos == "PROPN" or head.ent in ("PERSON", "ORG", "NORP", "GPE"):
            # a name: keep the proper-noun run around the head, drop titles
            run = [t for t in toks if t.pos == "PROPN" or t.ent == head.ent and t.ent]
            run = [t for t in run if t.lower.rstrip(".") not in self.lex.titles or t is head]
            if run:
                toks = run
        return span_of(toks)

    def _appositive_name(self, sent: ParsedSentence, subject: Token | None) -> str | None:
        if subject is None:
            return None
        for c in sent.children(subject.i):
            if c.dep == "appos" and c.pos == "PROPN":
                # the appositive's own name, not what hangs on it ("Jonna Mendez, also CIA")
                toks = [
                    t
                    for t in sent.children(c.i)
                    if t.dep in ("compound", "flat") and t.pos == "PROPN"
                ] + [c]
                return " ".join(t.text for t in sorted(toks, key=lambda t: t.i))
        return None

    def addressee(
        self, sent: ParsedSentence, tok: Token, lemma: str, children: list[Token]
    ) -> tuple[tuple[int, int], ...]:
        directive = lemma in DIRECTIVE_OBJECT and any(c.dep == "xcomp" for c in children)
        if lemma == "call":
            on = next(
                (c for c in children if c.dep == "prep" and c.lower == "on" and c.i == tok.i + 1),
                None,
            )
            pobj = next((g for g in sent.children(on.i) if g.dep == "pobj"), None) if on else None
            if pobj is not None:
                span = self.mention_span(sent, pobj)
                if span:
                    return (span,)
        if lemma in ADDRESSEE_OBJECT or directive:
            for c in children:
                if c.dep in ("dobj", "dative"):
                    span = self.mention_span(sent, c)
                    if span:
                        return (span,)
        for c in children:
            if c.dep in ("prep", "dative") and c.lower in ("to", "with") and c.i > tok.i:
                objs = [g for g in sent.children(c.i) if g.dep == "pobj"]
                if objs and (
                    objs[0].pos in ("PROPN", "PRON")
                    or objs[0].ent == "PERSON"
                    or objs[0].lower in self.lex.person_nouns
                    or objs[0].lower
                    in (
                        "reporters",
                        "journalists",
                        "supporters",
                        "people",
                        "crowd",
                        "audience",
                        "members",
                    )
                ):
                    span = self.mention_span(sent, objs[0])
                    if span:
                        return (span,)
        head = sent.tokens[tok.head]
        if tok.tag == "VBG" and tok.dep == "advcl" and head.i != tok.i and head.i < tok.i:
            # "shared with his supporters his reasoning, pointing out that …": a participle
            # cue speaks to whom the verb it hangs on speaks
            own = self.addressee(sent, head, "", [c for c in sent.children(head.i) if c.i < tok.i])
            if own and is_cue_token(head, self.lex):
                return own
        return ()
