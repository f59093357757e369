"""Speakers and addressees resolved to the fullest name the article gives.

- names resolve through the entity clusters ("Zelenskyy" -> "Volodymyr Zelenskyy");
- "I", "me", "we" inside a quote are that quote's speaker;
- "he", "she", "him", "her" take the most salient earlier person (subjects and earlier speakers
  first), never the speaker of the quote they sit in;
- descriptions ("the Belarusian leader") match the words written in front of a name;
- a quote with no cue takes the subject of the sentence that introduces it in the same paragraph,
  or the speaker of the quote just before it (news style), at a lower confidence.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from quotetrace import lexicon
from quotetrace.attribute.addressee import Frames, frame_addressee, name_after_role
from quotetrace.attribute.entities import EntityIndex
from quotetrace.attribute.first_names import load_first_names, name_genders
from quotetrace.attribute.gender import article_genders
from quotetrace.attribute.ranker import Candidate as RankCandidate
from quotetrace.attribute.ranker import (
    Context,
    SpeakerRanker,
    candidates,
    choose,
    institution_name,
)
from quotetrace.detect import confidence
from quotetrace.detect.analysis import Analysis
from quotetrace.detect.candidate import contains, hull
from quotetrace.detect.evidence import Evidence
from quotetrace.lexicon import Lexicons
from quotetrace.merge import Draft
from quotetrace.model import Entity, Party, Span, Spans
from quotetrace.nlp import ParsedSentence

_AFTER_ALL = 1 << 62  # sorts after every end offset

FIRST_PERSON = frozenset(p for p, (_, person) in lexicon.load().pronouns.items() if person == 1)
THIRD_PERSON = {  # he/him/... -> "m", she/her/... -> "f", they/them/their -> "p"
    p: gender
    for p, (gender, person) in lexicon.load().pronouns.items()
    if person == 3 and gender in ("m", "f", "p")
}
MEDIA_NOUNS = lexicon.words("media_nouns")
ORG_NOUNS = lexicon.words("ranker_org_nouns") | MEDIA_NOUNS
POST_NOMINALS = lexicon.words("post_nominals")
# What someone issued speaks for them: "RIAA's takedown notice", "the report by Tasnim".
DOCUMENT_NOUNS = lexicon.words("document_nouns")
_BY_OWNER = re.compile(r"\s+(?:by|from|of)\s+(?:the\s+)?")
RELATIVE = frozenset(["who", "which", "that", "whom"])
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.I)


@dataclass(frozen=True)
class Resolved:
    speaker: Party | None
    addressee: Party | None
    confidence: float
    cue: tuple[Span, ...] = ()  # a cue inherited from the quote this one continues


class Resolver:
    def __init__(self, lexicons: Lexicons, ranker: SpeakerRanker | None = None) -> None:
        """``ranker``: a learned speaker ranker that takes the rules' choice as one feature and
        picks among the article's entities (``attribute.ranker``); None keeps the rules."""
        self.lex = lexicons
        load_first_names()  # now, not inside the first article's memory cap
        self.ranker = ranker
        # when a list: every quote's ranking candidates are recorded (training a ranker)
        self.collected: list[tuple[int, list[RankCandidate]]] | None = None

    def __call__(
        self, analysis: Analysis, drafts: Sequence[Draft], entities: EntityIndex
    ) -> list[Resolved]:
        """The speaker, addressee and confidence of each draft, in the drafts' order."""
        text, sentences, paragraphs = analysis.text, analysis.sentences, analysis.paragraphs
        subjects = self._subject_positions(analysis.parsed)
        genders: dict[str, str] = {}
        for ent in entities.entities:
            desc = entities.descriptors.get(ent.id, frozenset())
            if {"mr", "mr."} & desc:
                genders[ent.id] = "m"
            elif {"mrs", "ms", "mrs.", "ms."} & desc:
                genders[ent.id] = "f"
        state = ResolutionState(text, entities, subjects, genders, sentences, paragraphs)
        # for pronouns (and the ranker's subject features) also the names opening unparsed
        # sentences; the quotes with no cue keep to the parse's subjects
        state.likely_subjects = sorted(
            subjects + _opening_names(text, sentences, analysis.parsed, entities)
        )
        state.parsed = analysis.parsed
        state.quoted = [span for d in drafts if d.cand.type == "direct" for span in d.cand.content]
        frames = Frames(text, state._in_quote)
        speaking = {
            m[2] for d in drafts for a, b in d.cand.speaker
            for m in entities.starting_in(a - entities.longest_mention, b)
            if m[2] in entities.maybe_persons and m[0] < b and a < m[1]
        }  # fmt: skip
        state.persons = entities.persons | speaking
        # gender agreement from what the article writes (titles, role nouns, pronouns), for the
        # rules and the ranker; the ranker's features never see the rules' own pronoun guesses
        evidence = article_genders(text, entities, state.persons, sentences, state._in_quote)
        titles = dict(genders)
        for ident, gender in evidence.items():
            genders.setdefault(ident, gender)  # the rules' pronoun agreement starts from it too
        # first-name statistics only for people the article gives no evidence for, and never a
        # hard constraint: "Andrea" may be a man
        for ident, gender in name_genders(entities, state.persons).items():
            genders.setdefault(ident, gender)
        ctx = Context(
            text,
            entities,
            state.persons,
            {**evidence, **genders},
            state.sentence_index,
            state._is_subject,
            state.quoted,
            entities.descriptors,
            {**evidence, **titles},  # "she" is never a man the article calls "Mr." or "he"
            likely_subject=state.likely_subject,
        )
        if self.collected is not None:
            self.collected.clear()
        out: dict[int, Resolved] = {}
        for i in _parents_first(drafts):
            draft = drafts[i]
            cand = draft.cand
            above = out.get(draft.parent) if draft.parent is not None else None
            parent = above.speaker if above is not None else None
            # Inside a direct quote, "he" is someone other than the quote's speaker; inside
            # reported speech ("Trump said he can …") it is usually the speaker.
            enclosing = (
                hull(drafts[draft.parent].cand.content)
                if draft.parent is not None and drafts[draft.parent].cand.type == "direct"
                else None
            )
            conf = cand.confidence
            speaker: Party | None = None
            inherited_cue: tuple[Span, ...] = ()
            answerer = (
                _interviewee(drafts, out, draft.parent)
                if draft.parent is not None and _is_you(text, cand.speaker)
                else None
            )
            if answerer is not None:
                # "((WN)) On your website you wrote '…'": "you" is whoever answers the question
                speaker = Party(cand.speaker, answerer.name, answerer.entity)
            elif cand.speaker:
                speaker = self._resolve(state, cand.speaker, parent, enclosing, cand.speaker_anchor)
                if cand.evidence is Evidence.TRANSCRIPT_TURN and cand.speaker_name_hint:
                    # an interviewer's label ("((WN))" is Wikinews) names no one in the text
                    speaker = Party(cand.speaker, cand.speaker_name_hint, None)
                elif (
                    speaker is not None
                    and cand.speaker_name_hint
                    and (speaker.entity is None or _is_description(text, cand.speaker[0]))
                ):
                    # an appositive name ("The mayor of London, Sadiq Khan,") is the most specific
                    hinted = entities.by_name_words(cand.speaker_name_hint.split())
                    if hinted is not None:
                        speaker = Party(speaker.mention, hinted.name, hinted.id)
            else:
                speaker, inherited_cue = self._from_context(state, drafts, out, i)
                conf *= confidence.SPEAKER_FROM_CONTEXT if speaker else 1.0
            if (
                (self.ranker is not None or self.collected is not None)
                and answerer is None
                and not (cand.evidence is Evidence.TRANSCRIPT_TURN and cand.speaker_name_hint)
            ):
                previous = next(
                    (
                        out[j].speaker.entity  # type: ignore[union-attr]
                        for j in range(i - 1, -1, -1)
                        if j in out and drafts[j].parent is None and out[j].speaker is not None
                    ),
                    None,
                )
                hinted_ent = (
                    entities.by_name_words(cand.speaker_name_hint.split())
                    if cand.speaker_name_hint
                    else None
                )
                ranked = candidates(
                    ctx,
                    speaker,
                    cand.speaker,
                    cand.content,
                    previous,
                    hinted_ent.id if hinted_ent else None,
                    parent.entity if parent is not None and enclosing is not None else None,
                )
                if self.collected is not None:
                    self.collected.append((i, ranked))
                if self.ranker is not None and ranked:
                    best, probability = choose(self.ranker, ranked)
                    if best.name is not None or speaker is None:
                        speaker = best
                    conf = min(conf, probability)
            if speaker is not None and cand.speaker and speaker.mention == tuple(cand.speaker):
                speaker = self._with_conjuncts(state, speaker)
            addressee: Party | None = None
            if cand.addressee:
                # "told me": "me" is the speaker of the enclosing quote
                addressee = self._resolve(
                    state, cand.addressee, parent, enclosing, None, avoid=speaker, speaking=False
                )
                addressee = name_after_role(
                    text, addressee, entities, speaker.entity if speaker else None
                )
            elif (cand.cue or speaker is not None) and (
                framed := frame_addressee(
                    frames,
                    state.sentences[state.sentence_index((cand.cue or cand.content)[0][0])]
                    if state.sentences
                    else (0, len(text)),
                    cand.content,
                    entities,
                    speaker.entity if speaker else None,
                )
            ):
                addressee = framed
            elif parent is not None and speaker is not None and parent.entity != speaker.entity:
                outer = drafts[draft.parent].cand if draft.parent is not None else None
                if outer is not None and self._first_person(text, outer.content):
                    addressee = Party((), parent.name, parent.entity)
            out[i] = Resolved(speaker, addressee, round(min(conf, 1.0), 3), inherited_cue)
            if speaker is not None and speaker.entity and cand.speaker:
                state.speakers.append((cand.speaker[0][0], speaker.entity))
        return [out[i] for i in range(len(drafts))]

    # -- helpers ---------------------------------------------------------------------------

    def _subject_positions(self, parsed: Sequence[ParsedSentence]) -> list[int]:
        return sorted(t.start for s in parsed for t in s.tokens if t.dep in ("nsubj", "nsubjpass"))

    def _first_person(self, text: str, spans: Spans) -> bool:
        words = re.findall(r"\w+", " ".join(text[s:e] for s, e in spans).lower())
        return any(w in ("i", "me", "my") for w in words)

    def _resolve(
        self,
        state: ResolutionState,
        mention: Spans,
        enclosing_speaker: Party | None,
        enclosing: Span | None,
        anchor: Span | None,
        avoid: Party | None = None,
        speaking: bool = True,
    ) -> Party:
        start, end = mention[0]
        surface = state.text[start:end]
        words_after = surface.split()
        while len(words_after) > 1 and words_after[-1] in POST_NOMINALS:
            words_after.pop()  # "Kama Melly QC" is Kama Melly
            end = state.text.rindex(words_after[-1], start, end) + len(words_after[-1])
            surface = state.text[start:end]
        if state.text[end : end + 1] == "-" and state.text[end + 1 : end + 2].isalpha():
            # a mention cut inside a hyphenated word ("study co" of "study co-author"): the word
            end = re.compile(r"[\w-]*").match(state.text, end).end()  # type: ignore[union-attr]
            surface = state.text[start:end]
        low = surface.lower()
        if low in RELATIVE and not surface.isupper() and anchor is None:
            anchor = state.relative_anchor(start)
        if low in RELATIVE and not surface.isupper() and anchor is not None:
            inner = self._resolve(state, (anchor,), enclosing_speaker, enclosing, None)
            return Party(mention, inner.name, inner.entity)
        if low in FIRST_PERSON:
            if (
                enclosing_speaker is not None
                and enclosing is not None
                and contains(enclosing, (start, end))
            ):
                return Party(mention, enclosing_speaker.name, enclosing_speaker.entity)
            return Party(mention, None, None)
        if low in THIRD_PERSON or low in ("it", "its"):
            exclude = set()
            if enclosing is not None and enclosing_speaker is not None and enclosing_speaker.entity:
                exclude.add(enclosing_speaker.entity)
            if avoid is not None and avoid.entity:
                exclude.add(avoid.entity)
            if THIRD_PERSON.get(low) == "p" and (group := state.plural_subject(start)):
                # "Japanese officials said …; his death, they reported, …": the plural noun
                # phrase that was the subject just before, as written ("Japanese officials")
                return Party(mention, group, None)
            ent_id = state.pronoun(start, THIRD_PERSON.get(low, "n"), exclude)
            ent = state.entities.get(ent_id)
            return Party(mention, ent.name if ent else None, ent.id if ent else None)
        # "the mayor of London", "authorities in the United States": the head is before them
        head_end = start + _head_length(
            surface,
            lambda off: any(
                s < start + off <= e
                for s, e, _i in state.entities.starting_in(
                    start + off - state.entities.longest_mention, start + off
                )
            ),
        )
        if head_end < end:
            # "The manager of X and Director of Y, David Clay": the appositive name at the end
            last = next(
                (
                    m
                    for m in state.entities.starting_in(start + 1, end + 1)
                    if end - 2 <= m[1] <= end
                ),
                None,
            )
            if last is not None and state.text[last[0] - 2 : last[0]] == ", ":
                found = state.entities.get(last[2])
                if found is not None:
                    return Party(mention, found.name, found.id)
        if (
            surface[:1].isalpha()
            and not _is_name(surface)
            and not _AFTER_PREPOSITION.search(state.text, max(0, start - 20), start)
            and (follower := _appositive_after(state, end))
        ):
            # "speaker of the parliament Ali Larijani wrote", "The party's leader, Jeremy Corbyn
            # announced": the mention stopped before the name it describes
            return Party(mention, follower.name, follower.id)
        ent = state.entities.at(start, head_end)
        head_words = low[: head_end - start].split()
        head = head_words[-1] if head_words else ""
        if ent is None and head in MEDIA_NOUNS:
            ent = state.entities.first_in(start, end)  # "Reuters news agency" is Reuters
            if ent is None and not _is_name(surface):
                ent = _outlet_after(state, end)  # "news broadcaster NRK later reported"
        if ent is None and head in DOCUMENT_NOUNS:
            ent = self._owner(state, start, end)
            if ent is None and speaking and head != "press":
                # "Facebook released a statement which read", "The letter stressed" (after "In the
                # letter to GitHub, Stoltz said"): who issued it, from the parse
                back = bool(_DEFINITE.match(surface)) or low == head
                issuer = self._issuer(state, start, end, head, back, enclosing_speaker, enclosing)
                if issuer is not None:
                    return Party(mention, issuer.name, issuer.entity)
        if ent is not None:
            return Party(mention, ent.name, ent.id)
        all_words = re.findall(r"[\w’'-]+", state.text[start:head_end])
        words = [w for w in all_words if w[:1].isupper()]
        # a name only when the head is one ("Philippine officials" is not the Philippine Red Cross)
        if words and all_words[-1] == words[-1] and words[0].lower() not in ("the", "a", "an"):
            ent = state.entities.by_name_words(words)
            if ent is not None:
                return Party(mention, ent.name, ent.id)
        named = state.appositive_name(start, end)
        if named is None and _is_description(state.text, (start, end)):
            named = _appositive_closed(state, end)
        if named is not None:
            # "the El Paso mayor, Dee Margo,", "a geostrategy expert and former official, Avinoam
            # Idan,": the parse sets the name beside the description that it names
            return Party(mention, named.name, named.id)
        described = self._description(state, state.text[start:head_end], start)
        if described is not None:
            found = state.entities.get(described)
            if found is not None:
                return Party(mention, found.name, found.id)
        if (
            head_words[:1] == ["the"]
            and head in ORG_NOUNS
            and not any(w[:1].isupper() for w in surface.split()[1:])
            and (found := self._recent_organisation(state, start)) is not None
        ):
            # "The Aviation Herald reported … The industry publication stated …": the
            # organisation that spoke (or was the subject) just before
            return Party(mention, found.name, found.id)
        return Party(mention, _ARTICLE.sub("", surface.strip()) or None, None)

    def _with_conjuncts(self, state: ResolutionState, speaker: Party) -> Party:
        """The speaker with the names the parse coordinates with it: "Biden and Sanders
        announced" is Joe Biden and Bernie Sanders, "Trump and his supporters claimed" both."""
        start, end = speaker.mention[-1]
        spans = state.conjuncts(start, end)
        if not spans or speaker.name is None:
            return speaker
        names = [speaker.name]
        for s, e in spans:
            ent = state.entities.at(s, e)
            surface = state.text[s:e]
            if ent is not None and _is_name(surface):
                names.append(ent.name)
            else:
                names.append(surface)
        joined = ", ".join(names[:-1]) + " and " + names[-1]
        return Party((*speaker.mention, *spans), joined, None)

    def _recent_organisation(self, state: ResolutionState, pos: int) -> Entity | None:
        """The organisation named as a subject (or as a quote's speaker) last, in this sentence
        before ``pos`` or in the one before it."""
        sent = state.sentence_index(pos)
        low = state.sentences[max(0, sent - 1)][0] if state.sentences else 0
        spoke = {s for s, _e in state.speakers}
        for s, e, ident in reversed(state.entities.mentions_before(pos, window=pos - low)):
            ent = state.entities.get(ident)
            if ent is None or ent.label not in ("ORG", "NORP") or state._in_quote(s):
                continue
            if state._is_subject(s, e) or s in spoke:
                return ent
        return None  # a name merely mentioned ("PG&E contract employees") is not enough

    def _owner(self, state: ResolutionState, start: int, end: int) -> Entity | None:
        """Who issued the document a mention names: "the WHO's website", "a fire service
        statement" (a name inside the mention), or "the report by Tasnim" (a name just after)."""
        inside = state.entities.first_in(start, end)
        if inside is not None:
            return inside
        # "a fire service statement": the organisation named earlier with those words in its name
        # ("North Wales Fire and Rescue Service")
        words = re.findall(r"[\w-]+", state.text[start:end].lower())
        modifiers = [w for w in words[:-1] if w not in ("a", "an", "the", "its", "their", "new")]
        if modifiers:
            for _s, _e, ident in reversed(state.entities.mentions_before(start, window=start)):
                ent = state.entities.get(ident)
                if ent is not None and ent.label in ("ORG", "NORP", "UNKNOWN", "FAC"):
                    named = {w.lower() for w in ent.name.split()}
                    if all(m in named for m in modifiers):
                        return ent
        after = _BY_OWNER.match(state.text, end)
        if after is not None:
            found = state.entities.first_in(after.end(), after.end() + 80)
            if found is not None and any(
                i == found.id
                for _s, _e, i in state.entities.starting_in(after.end(), after.end() + 1)
            ):
                return found
        return None

    def _issuer(
        self,
        state: ResolutionState,
        start: int,
        end: int,
        head: str,
        back: bool,
        enclosing_speaker: Party | None,
        enclosing: Span | None,
    ) -> Party | None:
        """Who issued the document named at ``text[start:end]`` (head noun ``head``): the subject
        of the verb it is the object of ("Facebook released a statement which read"), or of the
        clause it opens ("In the letter to GitHub, Stoltz said"); else, for a definite mention
        (``back``), the same for the document written last before it in this paragraph or the one
        before ("The letter stressed")."""
        subject = state.issuing_subject(start, end, head)
        if subject is None and back:
            para = state.paragraph_index(start)
            low = state.paragraphs[max(0, para - 1)][0] if state.paragraphs else 0
            for match in reversed(list(_DOCUMENT_WORD.finditer(state.text, low, start))):
                if state._in_quote(match.start()):
                    continue
                subject = state.issuing_subject(match.start(), match.end(), match.group().lower())
                if subject is not None:
                    break
        if subject is None:
            return None
        if state.text[subject[0] : subject[1]].lower() in ("they", "it"):
            # "They released a statement which said": the organisation that acted last
            org = self._recent_organisation(state, subject[0])
            return Party((subject,), org.name, org.id) if org is not None else None
        found = self._resolve(state, (subject,), enclosing_speaker, enclosing, None)
        if found.entity is None and not _is_name(state.text[subject[0] : subject[1]]):
            return None
        return found

    def _description(self, state: ResolutionState, surface: str, pos: int) -> str | None:
        """ "the Belarusian leader" -> the entity last written with "Belarusian leader" in front."""
        owner = _POSSESSOR.match(surface)
        if owner is not None:
            # "his daughter", "Chelyabinsk's governor": the relation noun after the owner
            rest = [w.lower() for w in re.findall(r"[\w.-]+", surface[owner.end() :])]
            words = ["the", *rest]
        else:
            words = [w.lower() for w in re.findall(r"[\w.-]+", surface)]
        if not words:
            return None
        if words[0] in ("the", "this", "that"):
            content = words[1:]
        elif all(w in self.lex.titles or w in self.lex.person_nouns for w in words):
            content = words  # "President" written alone
        else:
            return None
        if not content:
            return None
        head = content[-1]
        best = None
        for s, _e, ident in state.entities.by_offset:
            if s >= pos:
                break
            desc = state.entities.descriptors.get(ident, frozenset())
            heads = state.entities.descriptor_heads.get(ident, frozenset())
            # the head must head a description ("the government" is not "government spokesman
            # Ali Rabiei"); the other words may be anywhere in front of the name
            if head in heads and all(w in desc for w in content[:-1] if w not in self.lex.titles):
                best = ident
        return best

    def _from_context(
        self, state: ResolutionState, drafts: Sequence[Draft], done: Mapping[int, Resolved], i: int
    ) -> tuple[Party | None, tuple[Span, ...]]:
        """Speaker (and inherited cue) of a quote with no cue of its own.

        1. News style: right after another quote (same paragraph, or the next paragraph opening
           with the quote), it continues that speaker, mention and, in the same paragraph, cue.
        2. Otherwise the subject of the sentence that introduces it in the same paragraph.
        3. Otherwise the subject of the last sentence of the previous paragraph.
        """
        cand = drafts[i].cand
        start = cand.start
        if drafts[i].parent is not None:
            return None, ()
        para = state.paragraph_index(start)
        sent = state.sentence_index(start)
        # "Governor Edwards addressed the public: “…”": the introduction in the same sentence
        sent_start = state.sentences[sent][0] if state.sentences else 0
        intro = state.text[sent_start:start].rstrip(" \t\"“‘'")
        if intro.endswith(":") and not any(a <= sent_start < b for a, b in state.quoted):
            found = state.first_subject(sent_start, start)
            if found is not None:
                ent = state.entities.get(found[0])
                if ent is not None:
                    return Party((found[1],), ent.name, ent.id), ()
        prev_quote = next(
            (j for j in range(i - 1, -1, -1) if drafts[j].parent is None and j in done), None
        )
        if prev_quote is not None:
            prev = drafts[prev_quote].cand
            speaker = done[prev_quote].speaker
            gap_sentences = sent - state.sentence_index(
                max(prev.end, prev.cue[-1][1] if prev.cue else 0)
            )
            gap_paras = para - state.paragraph_index(prev.end)
            if speaker is not None and gap_sentences <= 1 and gap_paras <= 1:
                cue = prev.cue if gap_paras == 0 else ()
                return Party(speaker.mention, speaker.name, speaker.entity), cue
        for offset in (1, 2):
            if sent - offset < 0:
                break
            prev_s, prev_e = state.sentences[sent - offset]
            same = state.paragraph_index(prev_e) == para
            if offset == 2 and not same:
                break
            if not same and para - state.paragraph_index(prev_s) > 1:
                break
            found = state.first_subject(prev_s, prev_e)
            if found is not None:
                ident, span = found
                ent = state.entities.get(ident)
                if ent is not None:
                    return Party((span,), ent.name, ent.id), ()
            if same:
                break
        return None, ()


_DEFINITE = re.compile(r"(?:the|this|that|these|its|their|his|her)\s", re.I)
_DOCUMENT_WORD = re.compile(
    r"\b(?:" + "|".join(sorted(DOCUMENT_NOUNS, key=len, reverse=True)) + r")\b", re.I
)
_ISSUING_PREPOSITIONS = frozenset(["in", "through", "via"])
_POSSESSOR = re.compile(r"(?:his|her|its|their|(?:the\s+)?[\w.-]+(?:\s+[\w.-]+)?['’]s?)\s+", re.I)
_POSTMODIFIER = re.compile(
    r"\s(?:" + "|".join(lexicon.entries("postmodifier_openers")) + r"|[a-z]+ed)\s"
)


_APPOSITIVE_GAP = re.compile(r",?[ \t]+")
_LOWER_WORDS = re.compile(r"(?:[a-z][\w-]*[ \t]+){1,6}(?=[A-Z])")
_TITLE_WORD = re.compile(r"([A-Z][\w]*\.?)[ \t]+(?=[A-Z])")
# "According to investigators, Zhukovskyy said": the name starts a clause of its own
_AFTER_PREPOSITION = re.compile(r"\b(?:to|by|from|of|with|for|at|in|on)\s+$", re.I)
_CLAUSE_AFTER = re.compile(r",?[ \t]+[a-z]")


def _opening_names(
    text: str,
    sentences: Sequence[Span],
    parsed: Sequence[ParsedSentence],
    entities: EntityIndex,
) -> list[int]:
    """Where an unparsed sentence opens with a name followed by a lowercase word ("Biden made a
    couple of gaffes", "Alexander Gagay of Yekaterinburg, who …"): its subject, most likely (only
    the sentences that may hold a quote are parsed)."""
    parsed_starts = [p.start for p in parsed]
    out = []
    for start, end in sentences:
        k = bisect.bisect_right(parsed_starts, start) - 1
        if k >= 0 and start < parsed[k].end:
            continue
        opening = _OPENING.match(text, start, end)
        if opening is None:
            continue
        first = opening.end()
        found = next((m for m in entities.starting_in(first, first + 1) if m[1] < end), None)
        if found is None or not _AFTER_NAME.match(text, found[1]):
            continue
        ent = entities.get(found[2])
        if ent is None or (len(ent.name.split()) == 1 and len(ent.mentions) == 1):
            continue  # a lone capitalised word seen once: a sentence start, not a name
        out.append(found[0])
    return out


_OPENING = re.compile(r"[\s\"“‘']*")
_AFTER_NAME = re.compile(r",?[ \t]+[a-z]")


def _is_name(surface: str) -> bool:
    words = re.findall(r"[\w’'-]+", surface)
    return bool(words) and words[-1][:1].isupper()


def _appositive_after(state: ResolutionState, end: int) -> Entity | None:
    """A person's name written right after a description and followed by the rest of the
    clause ("the party's leader, Jeremy Corbyn announced …"), not a list or a new sentence."""
    gap = _APPOSITIVE_GAP.match(state.text, end)
    if gap is None or gap.end() - end > 2:
        return None
    title = _TITLE_WORD.match(state.text, gap.end())
    if title is not None and title.group(1).lower() in lexicon.load().titles:
        gap = title  # "Early opponent MP Tanya Davies said": the title stands before the name
    found = next(
        (m for m in state.entities.starting_in(gap.end(), gap.end() + 1) if m[2] in state.persons),
        None,
    )
    if found is None:
        return None
    # "said study co-author Karen Alley.": with no comma between, the name may end the clause
    tight = state.text[end : gap.end()] == " " and state.text[found[1] : found[1] + 1] in ".;:!?"
    if not tight and not _CLAUSE_AFTER.match(state.text, found[1]):
        return None
    return state.entities.get(found[2])


def _outlet_after(state: ResolutionState, end: int) -> Entity | None:
    """An organisation named right after a media noun and followed by the rest of the clause:
    "news broadcaster NRK later reported", "the newspaper Le Monde said"."""
    if state.text[end : end + 1] != " ":
        return None
    found = next(
        (m for m in state.entities.starting_in(end + 1, end + 2) if m[2] not in state.persons),
        None,
    )
    if found is None or not _CLAUSE_AFTER.match(state.text, found[1]):
        return None
    return state.entities.get(found[2])


def _appositive_closed(state: ResolutionState, end: int) -> Entity | None:
    """A person's name set off by commas right after a description: "According to the El Paso
    mayor, Dee Margo, during the weekend" (the closing comma tells it from a list)."""
    if state.text[end : end + 2] != ", ":
        return None
    # "Another co-author, civil and environmental engineering professor Julian Marshall, said":
    # lowercase words describing the name may stand before it
    words = _LOWER_WORDS.match(state.text, end + 2)
    at = words.end() if words is not None else end + 2
    found = next(
        (m for m in state.entities.starting_in(at, at + 1) if m[2] in state.persons),
        None,
    )
    if found is None or state.text[found[1] : found[1] + 1] != ",":
        return None
    return state.entities.get(found[2])


def _is_you(text: str, mention: Spans) -> bool:
    return len(mention) == 1 and text[mention[0][0] : mention[0][1]].lower() == "you"


def _interviewee(drafts: Sequence[Draft], done: Mapping[int, Resolved], turn: int) -> Party | None:
    """Who answers the interviewer's turn ``turn``: the speaker of the next labelled turn, when
    ``turn`` is an interviewer's ("((WN))", named by the label, not by the text)."""
    asked = drafts[turn].cand
    if asked.evidence is not Evidence.TRANSCRIPT_TURN or not asked.speaker_name_hint:
        return None
    for j in range(turn + 1, len(drafts)):
        cand = drafts[j].cand
        if cand.evidence is not Evidence.TRANSCRIPT_TURN or drafts[j].parent is not None:
            continue
        if cand.speaker_name_hint:
            return None  # another question before any answer
        answer = done.get(j)
        return answer.speaker if answer is not None and answer.speaker is not None else None
    return None


def _is_description(text: str, span: Span) -> bool:
    """Is the mention a description (its head a common noun: "The mayor of London")?"""
    surface = text[span[0] : span[1]]
    head = surface[: _head_length(surface)].split()
    return bool(head) and head[-1][:1].islower()


def _head_length(surface: str, named: Callable[[int], bool] | None = None) -> int:
    """The length of a mention up to its head: a common noun before "of", "in", "who" …
    ("The mayor of London", "3000 of the Guard", "residents who fled"); names keep it all.
    ``named(offset)``: is the word ending at that offset of ``surface`` part of a name (a
    capitalised word at a sentence start, "Officials in Leeds", is not)?"""
    for match in _POSTMODIFIER.finditer(surface):
        before = surface[: match.start()].split()
        if before and not before[-1][:1].isupper():
            return match.start()
        if before and named is not None and not named(match.start()):
            return match.start()
        break
    return len(surface)


def _parents_first(drafts: Sequence[Draft]) -> list[int]:
    """Draft indices ordered so that every parent comes before its children (then text order)."""

    def depth(i: int) -> int:
        seen = {i}
        d = 0
        parent = drafts[i].parent
        while parent is not None and parent not in seen:
            seen.add(parent)
            d += 1
            parent = drafts[parent].parent
        return d

    return sorted(range(len(drafts)), key=lambda i: (depth(i), i))


class ResolutionState:
    """What pronoun resolution needs while walking through the article."""

    def __init__(
        self,
        text: str,
        entities: EntityIndex,
        subjects: list[int],
        genders: dict[str, str],
        sentences: Sequence[Span],
        paragraphs: Sequence[Span],
    ) -> None:
        self.text = text
        self.entities = entities
        self.subjects = subjects
        self.likely_subjects = subjects
        self.genders = genders
        self.sentences = sentences
        self._sentence_starts = [s for s, _ in sentences]
        self.paragraphs = paragraphs
        self._paragraph_starts = [s for s, _ in paragraphs]
        self.speakers: list[tuple[int, str]] = []
        self.parsed: Sequence[ParsedSentence] = ()
        self.persons: frozenset[str] = entities.persons
        self.quoted: list[Span] = []  # direct quote contents: mentions there are not subjects
        self._quoted_from: list[Span] | None = None
        self._quoted_sorted: list[Span] = []
        self._quoted_reach: list[int] = []

    def relative_anchor(self, pos: int) -> Span | None:
        """What the relative pronoun at ``pos`` stands for ("Alex Greenwich who said"): the head
        of its relative clause in the parse, else a name written right before it."""
        k = bisect.bisect_right([p.start for p in self.parsed], pos) - 1
        if k >= 0 and pos < self.parsed[k].end:
            sent = self.parsed[k]
            tok = next((t for t in sent.tokens if t.start == pos), None)
            if tok is not None:
                verb = sent.tokens[tok.head]
                if verb.dep == "relcl" and verb.head != verb.i:
                    noun = sent.tokens[verb.head]
                    if noun.pos in ("PROPN", "NOUN") and noun.end <= pos:
                        return (noun.start, noun.end)
        # no parse: a name ending right before it, or before its comma
        stop = pos
        while stop > 0 and pos - stop < 3 and self.text[stop - 1] in " ,":
            stop -= 1
        for s, e, _i in self.entities.starting_in(stop - self.entities.longest_mention, stop):
            if e == stop:
                return (s, e)
        return None

    def conjuncts(self, start: int, end: int) -> list[Span]:
        """The noun phrases the parse coordinates with the mention ``text[start:end]``, after
        it: "Biden and Sanders", "Hawkins, Blankenship, and Carroll", "Trump and his
        supporters" (not verbs: "Smith and then left")."""
        k = bisect.bisect_right([p.start for p in self.parsed], start) - 1
        if k < 0 or end > self.parsed[k].end:
            return []
        sent = self.parsed[k]
        inside = [t for t in sent.tokens if start <= t.start and t.end <= end]
        heads = [t for t in inside if not start <= sent.tokens[t.head].start < end or t.head == t.i]
        if len(heads) != 1:
            return []
        out: list[Span] = []
        head = heads[0]
        while True:
            nxt = next(
                (
                    c
                    for c in sent.children(head.i)
                    if c.dep == "conj" and c.start >= end and c.pos in ("NOUN", "PROPN")
                ),
                None,
            )
            if nxt is None:
                break
            # its own words only, not the conjuncts hanging on it
            others = {
                t.i for c in sent.children(nxt.i) if c.dep == "conj" for t in sent.subtree(c.i)
            }
            sub = [
                t
                for t in sent.subtree(nxt.i)
                if t.i not in others and t.pos not in ("CCONJ", "PUNCT")
            ]
            if any(t.pos in ("VERB", "AUX") for t in sub):
                break
            if nxt.tag == "NN" and not any(t.dep in ("det", "poss") for t in sub):
                break  # "Daskal of American University and contributor to Slate": a role
            if nxt.pos != "PROPN" and "," in self.text[end : sub[0].start]:
                break  # "Maya Cummings, his wife and the chair of …": an appositive, not a list
            out.append((sub[0].start, sub[-1].end))
            end, head = sub[-1].end, nxt
        return out

    def appositive_name(self, start: int, end: int) -> Entity | None:
        """The person or organisation the parse writes as an appositive of the mention
        ``text[start:end]`` (or of a conjunct of its head) after it: "the El Paso mayor, Dee
        Margo,"."""
        k = bisect.bisect_right([p.start for p in self.parsed], start) - 1
        if k < 0 or end > self.parsed[k].end:
            return None
        sent = self.parsed[k]
        inside = [t for t in sent.tokens if start <= t.start and t.end <= end]
        heads = [t for t in inside if not start <= sent.tokens[t.head].start < end or t.head == t.i]
        if len(heads) != 1 or heads[0].pos != "NOUN":
            return None
        holders = {heads[0].i} | {t.i for t in sent.children(heads[0].i) if t.dep == "conj"}
        reach = self.entities.longest_mention
        for tok in sent.tokens:
            if (
                tok.dep != "appos"
                or tok.head not in holders
                or tok.start < end
                or tok.pos != "PROPN"
            ):
                continue
            for _s, e, ident in self.entities.starting_in(tok.start - reach, tok.end):
                ent = self.entities.get(ident)
                if e > tok.start and ent is not None and ent.label in ("PERSON", "ORG", "UNKNOWN"):
                    return ent
        return None

    def issuing_subject(self, start: int, end: int, head: str) -> Span | None:
        """The subject that issued the document whose head noun ``head`` ends ``text[start:end]``,
        from the parse: "X released [a statement]", "[In the letter], X said"; None unparsed."""
        k = bisect.bisect_right([p.start for p in self.parsed], start) - 1
        if k < 0 or end > self.parsed[k].end:
            return None
        sent = self.parsed[k]
        noun = next(
            (t for t in reversed(sent.tokens) if start <= t.start < end and t.lower == head), None
        )
        if noun is None:
            return None
        verb = None
        if noun.dep in ("dobj", "obj"):
            verb = sent.tokens[noun.head]
        elif noun.dep == "pobj":
            prep = sent.tokens[noun.head]
            if prep.lower in _ISSUING_PREPOSITIONS and prep.head != prep.i:
                verb = sent.tokens[prep.head]
        if verb is None or verb.pos not in ("VERB", "AUX"):
            return None
        subject = next((c for c in sent.children(verb.i) if c.dep == "nsubj"), None)
        if subject is None:
            return None
        # the subject's own words: its head with what stands before it ("EFF's attorney Stoltz")
        words = [t for t in sent.subtree(subject.i) if t.start <= subject.start]
        return (words[0].start, subject.end)

    def plural_subject(self, pos: int) -> str | None:
        """The plural common noun phrase that is the last subject before ``pos`` in its sentence
        or the one before, outside quotation marks ("the companies lobbied and they …"), as
        written without its article; None when an organisation is the subject in between."""
        sent = self.sentence_index(pos)
        low = self.sentences[max(0, sent - 1)][0] if self.sentences else 0
        k = bisect.bisect_right([p.start for p in self.parsed], pos) - 1
        best: tuple[int, str] | None = None
        for parsed in self.parsed[max(0, k - 1) : k + 1]:
            for tok in parsed.tokens:
                if tok.start < low or tok.end > pos or tok.dep not in ("nsubj", "nsubjpass"):
                    continue
                if self._in_quote(tok.start) or tok.lower in THIRD_PERSON or tok.lower in RELATIVE:
                    continue
                if tok.tag == "NNS" or tok.lower == "police":
                    words = [
                        t
                        for t in parsed.subtree(tok.i)
                        if t.i <= tok.i and t.dep not in ("det", "poss", "case", "punct")
                    ]
                    if words and words[0].start >= tok.start - 40:
                        best = (tok.start, self.text[words[0].start : tok.end])
                    continue
                if tok.ent in ("ORG", "NORP") or tok.tag == "NNPS":
                    best = None  # a later organisation is the nearer antecedent
        return best[1] if best is not None else None

    def sentence_index(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self._sentence_starts, pos) - 1)

    def paragraph_index(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self._paragraph_starts, pos) - 1)

    def _is_subject(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.subjects, start)
        return i < len(self.subjects) and self.subjects[i] < end

    def likely_subject(self, start: int, end: int) -> bool:
        """A subject in the parse, or a name opening a sentence that was not parsed."""
        i = bisect.bisect_left(self.likely_subjects, start)
        return i < len(self.likely_subjects) and self.likely_subjects[i] < end

    def first_subject(self, start: int, end: int) -> tuple[str, Span] | None:
        """The first person mentioned as a subject (or first of all) in ``text[start:end]``,
        outside quotation marks."""
        inside = [
            m for m in self.entities.starting_in(start, end)
            if m[1] <= end and m[2] in self.persons
            and not self._in_quote(m[0])
        ]  # fmt: skip
        subjects = [m for m in inside if self._is_subject(m[0], m[1])]
        pick = subjects or inside
        return (pick[0][2], (pick[0][0], pick[0][1])) if pick else None

    def _in_quote(self, pos: int) -> bool:
        if self._quoted_from is not self.quoted:  # built once per ``quoted``: then a bisection
            self._quoted_from = self.quoted  # per question, not a scan of every quote
            self._quoted_sorted = sorted(self.quoted)
            self._quoted_reach = list(
                itertools.accumulate((b for _, b in self._quoted_sorted), max)
            )
        # the spans starting at or before pos; one of them holds pos if the farthest reaches past
        k = bisect.bisect_right(self._quoted_sorted, (pos, _AFTER_ALL)) - 1
        return k >= 0 and self._quoted_reach[k] > pos

    def _organisation(self, ident: str) -> bool:
        ent = self.entities.get(ident)
        return ent is not None and ent.label in ("ORG", "NORP")

    def _institution(self, ident: str) -> bool:
        ent = self.entities.get(ident)
        return ent is not None and institution_name(ent)

    def pronoun(self, pos: int, gender: str, exclude: set[str]) -> str | None:
        """The most salient earlier person: recent subjects and speakers before other mentions."""
        sent = self.sentence_index(pos)
        window_start = self.sentences[max(0, sent - 3)][0]
        cands = [
            m
            for m in self.entities.mentions_before(pos, window=pos - window_start + 1)
            if (m[2] in self.persons or gender == "p" and self._organisation(m[2]))
            and m[2] not in exclude
        ]
        if gender in ("m", "f"):
            cands = [
                m
                for m in cands
                if self.genders.get(m[2], gender) == gender and not self._institution(m[2])
            ]
        if not self._in_quote(pos):
            # a pronoun in the narrative refers back to the narrative, not to a name in a quote
            cands = [m for m in cands if not self._in_quote(m[0])] or cands
        if not cands:
            cands = [
                m
                for m in self.entities.mentions_before(pos, window=3000)
                if m[2] in self.persons
                and m[2] not in exclude
                and self.genders.get(m[2], gender) in (gender, "p")
                and not (gender in ("m", "f") and self._institution(m[2]))
            ]
            if not cands:
                return None
            return cands[-1][2]
        same_sentence = [m for m in cands if m[0] >= self.sentences[sent][0]]
        scored = []
        for m in cands:
            score = m[0] / max(1, pos)  # recency, 0..1
            if self.likely_subject(m[0], m[1]):
                score += 1.0
            if any(s == m[0] for s, _ in self.speakers):
                score += 0.5
            if m in same_sentence and self.likely_subject(m[0], m[1]):
                score += 0.5
            if gender in ("m", "f") and self.genders.get(m[2]) == gender:
                score += 0.5  # known to agree, before a name with no gender known
            if gender == "p" and self._organisation(m[2]):
                score += 1.0  # "they" is a group far more often than one named person
            scored.append((score, m[2]))
        ident = max(scored)[1]
        if gender in ("m", "f"):
            self.genders.setdefault(ident, gender)
        return ident
