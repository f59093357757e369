"""The pipeline: analyse → detect → merge → attribute → context, one article at a time.

Each stage is a callable built once in the constructor (lexicons and the model load there, never at
import time). ``Pipeline.process`` never raises for a bad article: it returns a ``Document`` with
``error`` set, so a batch goes on.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace

from quotetrace import lexicon
from quotetrace.attribute.entities import EntityFinder
from quotetrace.attribute.ranker import SpeakerRanker, packaged_or_none
from quotetrace.attribute.resolve import Resolver
from quotetrace.context import ContextFinder
from quotetrace.cue_model import CueModel, clause_features
from quotetrace.detect.according_to import AccordingToDetector
from quotetrace.detect.analysis import Analysis
from quotetrace.detect.candidate import Candidate, hull
from quotetrace.detect.colon import ColonDetector
from quotetrace.detect.cue_clauses import CueClauseDetector
from quotetrace.detect.direct import DirectQuoteDetector
from quotetrace.detect.evidence import Evidence
from quotetrace.detect.noun_cues import NOUN_CUES, NounCueDetector
from quotetrace.detect.quotemarks import find_marked_quotes
from quotetrace.detect.transcript import TranscriptDetector
from quotetrace.errors import QuotetraceError
from quotetrace.findings import headline_findings
from quotetrace.kinds import DEFAULT_KINDS
from quotetrace.lexicon import Lexicons, load
from quotetrace.limits import DEFAULT_LIMITS, Deadline, LimitExceeded, Limits, check_chars
from quotetrace.merge import Draft, merge
from quotetrace.model import Article, Document, Entity, Failure, Party, Quote, Span, join_spans
from quotetrace.nlp import Analyzer, ParsedSentence, SpacyAnalyzer
from quotetrace.safety import check_unicode
from quotetrace.segment import paragraphs

MAX_PARSE_CHARS = 1500  # longer "sentences" (lists, tables, run-ons) are parsed in pieces
BLOCK_CHARS = 200_000  # very long articles are processed in blocks of whole paragraphs
# Sentences parsed between two deadline checks: the analyzer's batch (64) or a multiple, so that
# spaCy sees the very same batches and the output is unchanged.
PARSE_CHUNK = 64
MEMORY_ERROR = (
    "LimitExceeded: out of memory (an allocation was refused while extracting this article; "
    "--max-memory-mb stops an article before that)"
)


class Pipeline:
    """Builds every stage once; ``process`` turns an ``Article`` into a ``Document``."""

    def __init__(
        self,
        *,
        analyzer: Analyzer | None = None,
        lexicons: Lexicons | None = None,
        topics: bool = False,
        kinds: Sequence[str] = DEFAULT_KINDS,
        join_turns: bool = False,
        cue_model: CueModel | None = None,
        speaker_ranker: SpeakerRanker | str | None = "packaged",
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        """``topics=True`` also reports speech acts whose content is only a noun phrase or a
        prepositional object ("criticized the plan", "warned against hackers"), as PolNeAR
        annotates them; by default only a core set of verbs takes noun-phrase contents.
        ``kinds``: the kinds of attribution wanted; sentences whose only cue words are of other
        kinds are not parsed (thoughts and findings need ``kinds=ALL_KINDS``).
        ``join_turns``: "“A,” said X. “B.”" in one paragraph is one quote with two spans (as
        PolNeAR annotates it) instead of two quotes (our convention).
        ``cue_model``: a learned judge (``quotetrace train``) for the clause of every verb, listed
        in the cue lexicon or not; every sentence is then parsed, which is slower.
        ``speaker_ranker``: the learned speaker ranker ("packaged": the one shipped with
        quotetrace, if any; None: the rules alone).
        ``limits``: the per-article caps (characters, paragraphs, quote marks, soft deadline);
        an article over one gets its error line."""
        self.limits = limits
        self._deadline = Deadline(None)  # set per article by process()
        self.lex = lexicons or load()
        self.analyzer: Analyzer = analyzer or SpacyAnalyzer()
        self.join_turns = join_turns
        self.cue_model = cue_model
        # with a model, every frame is proposed (noun-phrase contents included) and the model judges
        self.clauses = CueClauseDetector(self.lex, topics=topics or cue_model is not None)
        self.according = AccordingToDetector(self.clauses)
        self.noun_cues = NounCueDetector(self.clauses)
        self.colon = ColonDetector(self.lex)
        self.direct = DirectQuoteDetector(self.lex, self.clauses)
        self.transcript = TranscriptDetector()
        self.entities = EntityFinder(self.lex)
        if speaker_ranker == "packaged":
            speaker_ranker = packaged_or_none()
        self.resolver = Resolver(
            self.lex, speaker_ranker if isinstance(speaker_ranker, SpeakerRanker) else None
        )
        self.context = ContextFinder(self.lex)
        self.kinds = tuple(kinds)
        self._cue_words = cue_word_pattern(self.lex, self.kinds)
        # "the warning that …", "her offer to …": a speech noun before its clause or infinitive
        self._noun_cues = re.compile(
            r"\b(?:" + "|".join(map(re.escape, sorted(NOUN_CUES))) + r")\s+(?:that|to)\b", re.I
        )
        self._hedge = re.compile(
            r"\b("
            + "|".join(re.escape(h) for h in sorted(self.lex.hedges, key=len, reverse=True))
            + r")\b",
            re.I,
        )

    # -- public ---------------------------------------------------------------------------

    def process(self, article: Article) -> Document:
        try:
            return self._process(article)
        except QuotetraceError as exc:
            return Document(article, error=f"{type(exc).__name__}: {exc}")
        except MemoryError:
            # an allocation refused (a ulimit, or the system out of memory): the memory the
            # article held is free again once its frames are gone, so the batch can go on
            return Document(article, error=MEMORY_ERROR)
        except Exception as exc:  # noqa: BLE001
            # A bug on one article must not lose the batch; the reason says what happened.
            return Document(article, error=f"internal error ({type(exc).__name__}): {exc}"[:300])

    def process_all(self, items: Iterable[Article | Failure]) -> Iterator[Document]:
        for item in items:
            if isinstance(item, Failure):
                yield Document(
                    Article(id=item.article_id, text="", source=item.source), error=item.reason
                )
            else:
                yield self.process(item)

    # -- stages ---------------------------------------------------------------------------

    def _process(self, article: Article) -> Document:
        text = article.text
        if not text.strip():
            return Document(article, error="empty article")
        check_unicode(text)
        check_chars(text, self.limits)
        self._deadline = self.limits.deadline()
        if len(text) <= BLOCK_CHARS:
            quotes, entities = self._extract(text, article.boilerplate, article.published)
        else:
            quotes, entities = self._extract_blocks(text, article)
        self._deadline.check("findings")
        findings = headline_findings(article, quotes)
        return Document(article, tuple(quotes), tuple(entities), tuple(findings))

    def _extract_blocks(self, text: str, article: Article) -> tuple[list[Quote], list[Entity]]:
        quotes: list[Quote] = []
        entities: list[Entity] = []
        paras = text.count("\n\n") + 1  # an upper bound of the paragraphs: cheap, before the work
        if paras > self.limits.paragraphs and len(paragraphs(text)) > self.limits.paragraphs:
            raise LimitExceeded(
                f"too many paragraphs (> {self.limits.paragraphs:,}; --max-paragraphs)"
            )
        for start, end in _blocks(text, BLOCK_CHARS):
            self._deadline.check(f"character {start:,}")
            boiler = tuple(
                (s - start, e - start) for s, e in article.boilerplate if start <= s < end
            )
            qs, es = self._extract(text[start:end], boiler, article.published)
            prefix = f"b{start}-"
            quotes += [_shift_quote(q, start, prefix) for q in qs]
            entities += [
                Entity(
                    prefix + e.id,
                    e.name,
                    tuple((s + start, t + start) for s, t in e.mentions),
                    e.label,
                )
                for e in es
            ]
        return quotes, entities

    def analyse(
        self, text: str, boilerplate: Sequence[Span] = (), published: str | None = None
    ) -> Analysis:
        """What every detector reads (detect/analysis.py): paragraphs, the sentences outside the
        boilerplate, the quote marks and the sentences that may hold a quote, parsed.
        Raises ``LimitExceeded`` past the paragraph or quote-mark caps."""
        paras = paragraphs(text)
        if len(paras) > self.limits.paragraphs:
            raise LimitExceeded(
                f"too many paragraphs ({len(paras):,} > {self.limits.paragraphs:,}; "
                "--max-paragraphs)"
            )
        boiler = tuple(boilerplate)
        sentences = [
            s
            for p in paras
            for s in p.sentences
            if not any(b[0] <= s[0] and s[1] <= b[1] for b in boiler)
        ]
        marked = find_marked_quotes(text)
        if len(marked) > self.limits.quote_marks:
            raise LimitExceeded(
                f"too many quoted stretches ({len(marked):,} > {self.limits.quote_marks:,}; "
                "--max-quote-marks)"
            )
        self._deadline.check("quote marks")
        marks = sorted({q.open for q in marked} | {q.close for q in marked if q.close is not None})
        parsed = self._parse(text, sentences, marks)
        self._deadline.check("parse")
        return Analysis(
            text=text,
            paragraphs=tuple((p.start, p.end) for p in paras),
            sentences=tuple(sentences),
            parsed=tuple(parsed),
            marked=tuple(marked),
            boilerplate=boiler,
            published=published,
        )

    def detect(self, analysis: Analysis) -> list[Draft]:
        """Every detector on the analysis, then the merge step: the quotes, before speakers."""
        listed, judged = self._cue_clauses(analysis)
        others = (
            self.according.detect(analysis)
            + self.noun_cues.detect(analysis)
            + self.colon.detect(analysis)
        )
        direct = self.direct.detect(analysis.with_clauses(listed + others))
        turns = self.transcript.detect(analysis)
        self._deadline.check("detection")
        return merge(analysis.text, analysis.marked, direct, judged + others, turns)

    def _extract(
        self, text: str, boilerplate: tuple[Span, ...], published: str | None
    ) -> tuple[list[Quote], list[Entity]]:
        analysis = self.analyse(text, boilerplate, published)
        drafts = self.detect(analysis)
        entity_index = self.entities(text, analysis.parsed, analysis.boilerplate)
        resolved = self.resolver(analysis, drafts, entity_index)
        self._deadline.check("speakers")
        ids = [f"q{i + 1}" for i in range(len(drafts))]
        hedges: dict[Span, list[re.Match[str]]] = {}  # per sentence: one scan, however many quotes
        quotes = []
        for i, (draft, res) in enumerate(zip(drafts, resolved, strict=True)):
            cand = draft.cand
            quotes.append(
                Quote(
                    id=ids[i],
                    type=cand.type,  # type: ignore[arg-type]
                    content=cand.content,
                    text=join_spans(text, cand.content),
                    cue=cand.cue or res.cue,
                    speaker=res.speaker,
                    addressee=res.addressee,
                    parent=ids[draft.parent] if draft.parent is not None else None,
                    hedge=self._find_hedge(
                        text, cand.sentence, cand.content, cand.cue_lemma, cand.cue, hedges
                    ),
                    kind=cand.kind,  # type: ignore[arg-type]
                    confidence=res.confidence,
                    evidence=cand.label,
                )
            )
        quotes = self.context(analysis, quotes, entity_index)
        if self.join_turns:
            quotes = join_turns(text, quotes)
        return quotes, list(entity_index.entities)

    def _cue_clauses(self, analysis: Analysis) -> tuple[list[Candidate], list[Candidate]]:
        """Clauses of listed cue verbs (evidence for direct quotes), and the clauses that may
        become quotes: the same without a cue model, else every verb's clause the model accepts."""
        if self.cue_model is None:
            listed = self.clauses.detect(analysis)
            return listed, listed
        text, quoted = analysis.text, analysis.quoted
        listed, judged = [], []
        for sent, tok, cand in self.clauses.verb_clauses(text, analysis.parsed, every_verb=True):
            if cand.evidence is not Evidence.OPEN_CUE:
                listed.append(cand)
            features = clause_features(self.clauses, text, sent, tok, cand, quoted)
            if self.cue_model.accepts(features):
                judged.append(cand)
        return listed, judged

    def parse_all(self, text: str) -> list[ParsedSentence]:
        """Every sentence of ``text`` parsed (training a cue model needs them all)."""
        spans = [
            piece for p in paragraphs(text) for s in p.sentences for piece in _pieces(text, *s)
        ]
        return self.analyzer.parse(text, spans)

    def _parse(self, text: str, sentences: list[Span], marks: list[int]) -> list[ParsedSentence]:
        """Parse only the sentences that hold a quotation mark (not an apostrophe), a cue word,
        "according to" or a closing colon; with a cue model, every sentence."""
        if self.cue_model is not None:
            return self._parse_pieces(text, [p for s in sentences for p in _pieces(text, *s)])
        selected: list[Span] = []
        for s, e in sentences:
            piece = text[s:e]
            first_mark = bisect.bisect_left(marks, s)
            if (
                first_mark < len(marks)
                and marks[first_mark] < e
                or piece.rstrip().endswith(":")
                or "ccording to" in piece
                or self._cue_words.search(piece)
                or self._noun_cues.search(piece)
            ):
                selected += list(_pieces(text, s, e))
        return self._parse_pieces(text, selected)

    def _parse_pieces(self, text: str, pieces: list[Span]) -> list[ParsedSentence]:
        """The parse, checking the deadline every PARSE_CHUNK pieces (a long block's parse is the
        longest stage; a server stopping or a client leaving is noticed within one chunk)."""
        out: list[ParsedSentence] = []
        for i in range(0, len(pieces), PARSE_CHUNK):
            if i:
                self._deadline.check(f"parse, sentence {i:,}")
            out += self.analyzer.parse(text, pieces[i : i + PARSE_CHUNK])
        return out

    def _find_hedge(
        self,
        text: str,
        sentence: Span | None,
        content: tuple[Span, ...],
        cue_lemma: str | None,
        cue: tuple[Span, ...],
        cache: dict[Span, list[re.Match[str]]],
    ) -> str | None:
        """The first hedge word of the sentence outside the quote's own words, if any."""
        if sentence is None:
            return None
        matches = cache.get(sentence)
        if matches is None:
            matches = cache[sentence] = list(self._hedge.finditer(text, *sentence))
        span = hull(content)
        # the first match starting before the quote, else the first starting at or after its end
        match: re.Match[str] | None
        if matches and not (span[0] <= matches[0].start() < span[1]):
            match = matches[0]
        else:
            after = bisect.bisect_left(matches, span[1], key=lambda m: m.start())
            match = matches[after] if after < len(matches) else None
        if match is not None:
            return match.group(1).lower()
        if cue_lemma in ("claim", "allege") and cue:
            return text[cue[0][0] : cue[0][1]].lower()
        return None


# Cue words that are more often nouns or other verbs ("United States", "the report", "go"): they
# select a sentence for parsing only when a clause or a colon follows them.
_AMBIGUOUS_CUES = lexicon.words("ambiguous_cues")


def cue_word_pattern(lexicons: Lexicons, kinds: Sequence[str]) -> re.Pattern[str]:
    """A sentence needs parsing when it holds a cue word of a wanted kind, in lower case ("States"
    in "United States" is no cue). The base and -s forms of ambiguous cues ("the report", "votes")
    count only before a clause: "that", "to", a colon or comma, a determiner, a pronoun or a name;
    their past and -ing forms ("reported", "claiming") always count."""
    forms = [f for f, lemma in lexicons.cue_form.items() if lexicons.cue_kind.get(lemma) in kinds]

    def ambiguous(form: str) -> bool:
        return lexicons.cue_form[form] in _AMBIGUOUS_CUES and not form.endswith(("ed", "ing"))

    plain = sorted((f for f in forms if not ambiguous(f)), key=len, reverse=True)
    guarded = sorted((f for f in forms if ambiguous(f)), key=len, reverse=True)
    alternatives = []
    if plain:
        alternatives.append(r"\b(?:" + "|".join(map(re.escape, plain)) + r")\b")
    if guarded:
        alternatives.append(
            r"\b(?:"
            + "|".join(map(re.escape, guarded))
            + r")\s+(?:"
            + "|".join(lexicon.entries("clause_openers"))
            + r"|[A-Z]\w*|:|,)"
        )
    return re.compile("|".join(alternatives) or r"(?!)")


def join_turns(text: str, quotes: list[Quote]) -> list[Quote]:
    """Merge a direct quote that only continues the one before it (same cue, no cue of its own)
    into that quote, as extra spans; quotes nested in it move to the merged quote."""
    out: list[Quote] = []
    moved: dict[str, str] = {}
    for q in quotes:
        prev = next((p for p in reversed(out) if p.parent is None), None)
        if (
            prev is not None
            and q.parent is None
            and q.type == prev.type == "direct"
            and q.evidence == Evidence.DIRECT_NO_CUE
            and q.cue
            and q.cue == prev.cue
        ):
            merged = replace(prev, content=prev.content + q.content)
            out[out.index(prev)] = replace(merged, text=join_spans(text, merged.content))
            moved[q.id] = prev.id
            continue
        out.append(replace(q, parent=moved.get(q.parent, q.parent)) if q.parent else q)
    return out


def _pieces(text: str, start: int, end: int) -> Iterator[Span]:
    """Split an over-long sentence at white space into parseable pieces."""
    while end - start > MAX_PARSE_CHARS:
        cut = text.rfind(" ", start, start + MAX_PARSE_CHARS)
        if cut <= start:
            cut = start + MAX_PARSE_CHARS
        yield (start, cut)
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        yield (start, end)


def _blocks(text: str, size: int) -> Iterator[Span]:
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = text.rfind("\n\n", start, end)
            if cut <= start:
                cut = text.rfind("\n", start, end)
            if cut > start:
                end = cut
        yield (start, end)
        start = end


def _shift_party(party: Party | None, delta: int, prefix: str) -> Party | None:
    if party is None:
        return None
    return Party(
        tuple((s + delta, e + delta) for s, e in party.mention),
        party.name,
        prefix + party.entity if party.entity else None,
    )


def _shift_quote(q: Quote, delta: int, prefix: str) -> Quote:
    def shift(spans: tuple[Span, ...]) -> tuple[Span, ...]:
        return tuple((s + delta, e + delta) for s, e in spans)

    return replace(
        q,
        id=prefix + q.id,
        parent=prefix + q.parent if q.parent else None,
        content=shift(q.content),
        cue=shift(q.cue),
        speaker=_shift_party(q.speaker, delta, prefix),
        addressee=_shift_party(q.addressee, delta, prefix),
        occasion=replace(q.occasion, mention=shift(q.occasion.mention)) if q.occasion else None,
        said_on=replace(q.said_on, mention=shift(q.said_on.mention)) if q.said_on else None,
    )


def extract(text: str, **meta: str | None) -> Document:
    """Extract the quotes of one text: ``extract("…", title="…", published="2025-01-06")``."""
    return default_pipeline().process(Article(id=meta.pop("id", None) or "text", text=text, **meta))  # type: ignore[arg-type]


_DEFAULT: list[Pipeline] = []


def default_pipeline() -> Pipeline:
    """One shared pipeline per process, built on first use (the model loads once)."""
    if not _DEFAULT:
        _DEFAULT.append(Pipeline())
    return _DEFAULT[0]
