"""Attribution context: what kind of act, on what occasion, and when it was said.

- ``kind`` comes from the cue lexicon, refined by the occasion (a statement or post is writing);
- an occasion ("in an interview with Lex Fridman", "a phone call", "at a press conference") is
  found in the sentence that frames a quote; its owner is that sentence's subject, and it carries
  to the owner's later quotes until another occasion of theirs is named. A conversation ("a phone
  call where Lukashenko …", "I spoke with Lukashenko") also carries to the other participant;
- the occasion implies the addressee where the clause names none;
- ``said_on``: an absolute date ("on January 5", "on Monday") resolved against the publication date,
  or a relative anchor kept as text ("a few days after the first missile strikes").
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from quotetrace import lexicon
from quotetrace.attribute.entities import EntityIndex
from quotetrace.detect.analysis import Analysis
from quotetrace.intervals import union_spans
from quotetrace.lexicon import Lexicons
from quotetrace.model import Occasion, Party, Quote, SaidOn, Span

_MONTHS = {form: i + 1 for i, row in enumerate(lexicon.rows("months")) for form in row}
_WEEKDAYS = [row[0] for row in lexicon.rows("weekdays")]
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
DATE_PHRASE = re.compile(
    rf"\bon\s+(?:(?P<wd>{'|'.join(_WEEKDAYS)})(?:,?\s+)?)?"
    rf"(?:(?P<m1>{_MONTH_RE})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y1>\d{{4}}))?"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MONTH_RE})\.?(?:,?\s+(?P<y2>\d{{4}}))?)?",
    re.I,
)
_DAY_WORDS = re.compile(
    r"\b(?P<rel>yesterday|today|last night|this morning|earlier (?:this|today))\b", re.I
)
_RELATIVE = re.compile(
    r"\b(?:(?:a few|several|some|two|three|four|five|\d+)\s+(?:days?|weeks?|months?|hours?|years?)"
    r"\s+(?:after|before|into)|(?:during|in)\s+the\s+(?:first|early|last|final|opening)\s+"
    r"(?:days?|weeks?|months?|hours?)\s+of|shortly\s+(?:after|before)|hours\s+(?:after|before))"
    r"\s+[^,.;:“”\"]{3,80}",
    re.I,
)

# (type, pattern, is a conversation with two sides)
_OCCASIONS: list[tuple[str, re.Pattern[str], bool]] = [
    ("interview", re.compile(r"\binterview(?:ed)?\b(?P<rest>[^;:“”\"]{0,80})", re.I), False),
    (
        "phone call",
        re.compile(r"\b(?:tele)?phone (?:call|conversation)\b(?P<rest>[^;:“”\"]{0,80})", re.I),
        True,
    ),
    (
        "phone call",
        re.compile(
            r"\b(?:spoke|speaking|talked) (?:by phone |on the phone )?with\b(?P<rest>[^;:“”\"]{0,60})",
            re.I,
        ),
        True,
    ),
    ("conversation", re.compile(r"\bconversation\b(?P<rest>[^;:“”\"]{0,80})", re.I), True),
    (
        "press conference",
        re.compile(r"\b(?:press|news) (?:conference|briefing)\b(?P<rest>[^;:“”\"]{0,60})", re.I),
        False,
    ),
    (
        "hearing",
        re.compile(r"\b(?:hearing|testimony|testified)\b(?P<rest>[^;:“”\"]{0,60})", re.I),
        False,
    ),
    (
        "speech",
        re.compile(
            r"\b(?:in|during|at) (?:a|his|her|the|their) (?:speech|address|rally)\b(?P<rest>[^;:“”\"]{0,60})",
            re.I,
        ),
        False,
    ),
    (
        "statement",
        re.compile(
            r"\b(?:in|issued|released) (?:a|an|the) (?:\w+ )?statement\b(?P<rest>[^;:“”\"]{0,40})",
            re.I,
        ),
        False,
    ),
    (
        "social-media post",
        re.compile(
            r"\b(?:on|via) (?:Twitter|X|Facebook|Instagram|Telegram|Truth Social|social media)\b|\bin a (?:tweet|post)\b(?P<rest>)",
            re.I,
        ),
        False,
    ),
    (
        "letter",
        re.compile(r"\bin (?:a|an|the) (?:open )?letter\b(?P<rest>[^;:“”\"]{0,60})", re.I),
        False,
    ),
    ("meeting", re.compile(r"\bmeeting with\b(?P<rest>[^;:“”\"]{0,60})", re.I), True),
]
# The other side of an occasion: "interview with X", "a call where X …", "a letter to X".
_OTHER_SIDE = re.compile(
    r"\s*(?:by phone\s+|on the phone\s+)?(?:with|to|where|between)\b(?P<who>[^,;:“”\"]{0,60})", re.I
)


_WRITTEN = frozenset({"statement", "social-media post", "letter"})


@dataclass(frozen=True)
class _Found:
    occasion: Occasion
    owner: str | None  # entity id of the person on whose side the occasion is stated
    other: str | None  # entity id of the other side, where named
    said_on: SaidOn | None
    pos: int
    # the side that states a conversation ("I spoke with X", "X recounted a call where Y …"):
    # it yields to an occasion of that person's own (an interview) stated earlier
    weak: bool = False


def resolve_date(match: re.Match[str], published: str | None) -> str | None:
    """ISO date for "on January 5" / "on Monday", with the year or week from ``published``."""
    base = _published_date(published)
    month = match.group("m1") or match.group("m2")
    day = match.group("d1") or match.group("d2")
    year = match.group("y1") or match.group("y2")
    if month and day:
        y = int(year) if year else (base.year if base else None)
        if y is None:
            return None
        try:
            date = dt.date(y, _MONTHS[month.lower().rstrip(".")], int(day))
        except ValueError:
            return None
        if not year and base is not None and date > base + dt.timedelta(days=7):
            date = date.replace(year=y - 1)  # "on December 30" in a January article
        return date.isoformat()
    weekday = match.group("wd")
    if weekday and base is not None:
        target = _WEEKDAYS.index(weekday.lower())
        delta = (base.weekday() - target) % 7
        return (base - dt.timedelta(days=delta)).isoformat()
    return None


def _published_date(published: str | None) -> dt.date | None:
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published[:10])
    except ValueError:
        return None


def _definite_references(found: list[_Found]) -> list[_Found]:
    """ "During the interview" is the interview named before: it takes its other side and date."""
    out: list[_Found] = []
    for f in found:
        if f.other is None and f.occasion.with_ is None:
            earlier = next(
                (
                    g
                    for g in reversed(out)
                    if g.owner == f.owner and g.occasion.type == f.occasion.type and g.other
                ),
                None,
            )
            if earlier is not None:
                f = replace(
                    f,
                    occasion=replace(f.occasion, with_=earlier.occasion.with_),
                    other=earlier.other,
                    said_on=f.said_on or earlier.said_on,
                )
        out.append(f)
    return out


_AFTER_ALL = 1 << 62  # sorts after every end offset


class ContextFinder:
    def __init__(self, lexicons: Lexicons) -> None:
        self.lex = lexicons

    def __call__(
        self, analysis: Analysis, quotes: Sequence[Quote], entities: EntityIndex
    ) -> list[Quote]:
        """Each quote with its kind, occasion (and the addressee it implies) and said_on."""
        text, sentences, published = analysis.text, analysis.sentences, analysis.published
        found = _definite_references(self._occasions(text, quotes, entities, sentences, published))
        quoted = union_spans(span for q in quotes if q.type == "direct" for span in q.content)
        starts = [s for s, _ in sentences]
        dates: dict[Span, SaidOn | None] = {}  # one look per sentence, not one per quote
        out = []
        for q in quotes:
            anchor = q.cue[0][0] if q.cue else q.content[0][0]
            sent_i = max(0, bisect.bisect_right(starts, anchor) - 1)
            sentence = sentences[sent_i] if sentences else (0, len(text))
            speaker = q.speaker.entity if q.speaker else None
            occ = self._active(found, speaker, anchor, sentence)
            if sentence not in dates:
                dates[sentence] = self._date_in(text, sentence, quoted, published)
            said_on = dates[sentence]
            kind = q.kind
            addressee = q.addressee
            if occ is not None:
                occasion, other, occ_date = occ
                if said_on is None:
                    said_on = occ_date
                if occasion.type in _WRITTEN and kind == "speech":
                    kind = "writing"
                if addressee is None and other is not None and other != speaker:
                    ent = entities.get(other)
                    if ent is not None:
                        addressee = Party((), ent.name, ent.id)
                q = replace(q, occasion=occasion)
            out.append(replace(q, said_on=said_on, kind=kind, addressee=addressee))
        return out

    # -- occasions -------------------------------------------------------------------------

    def _occasions(
        self,
        text: str,
        quotes: Sequence[Quote],
        entities: EntityIndex,
        sentences: Sequence[Span],
        published: str | None,
    ) -> list[_Found]:
        found: list[_Found] = []
        for s, e in sentences:
            for typ, pattern, two_sided in _OCCASIONS:
                for m in pattern.finditer(text, s, e):
                    rest = m.start("rest") if m.group("rest") is not None else m.end()
                    side = _OTHER_SIDE.match(text, rest, m.end())
                    # "spoke with X": the pattern itself ends in "with"
                    who = (side.start("who"), side.end("who")) if side else (rest, m.end())
                    stated_with = side is not None or m.group(0).lower().startswith(
                        ("spoke", "speaking", "talked")
                    )
                    other = self._first_person_after(entities, *who) if stated_with else None
                    owner = self._owner(text, quotes, entities, (s, e), m.start())
                    if owner is not None and owner == other:
                        other = None
                    where = ((m.start(), who[1] if stated_with else rest),)
                    when = self._date_phrase(text, (s, e), published)
                    ent = entities.get(other)
                    found.append(
                        _Found(
                            Occasion(typ, ent.name if ent else None, where),
                            owner,
                            other,
                            when,
                            m.start(),
                            weak=two_sided,
                        )
                    )
                    if two_sided and other is not None:
                        back = entities.get(owner)
                        found.append(
                            _Found(
                                Occasion(typ, back.name if back else None, where),
                                other,
                                owner,
                                when,
                                m.start(),
                            )
                        )
        return found

    def _owner(
        self, text: str, quotes: Sequence[Quote], entities: EntityIndex, sentence: Span, pos: int
    ) -> str | None:
        """The person on whose side an occasion is stated: the sentence's speaker or subject."""
        for q in quotes:
            if (
                q.speaker
                and q.speaker.entity
                and q.cue
                and sentence[0] <= q.cue[0][0] < sentence[1]
            ):
                if q.parent is None:
                    return q.speaker.entity
        inside = [
            m
            for m in entities.starting_in(sentence[0], min(sentence[1], pos))
            if m[2] in entities.persons
        ]
        if inside:
            return inside[0][2]
        if any(w in text[sentence[0] : pos].split() for w in ("I", "we")):
            # first person inside a quote: the quote's speaker
            for q in quotes:
                if q.speaker and q.speaker.entity and any(a <= pos < b for a, b in q.content):
                    return q.speaker.entity
        return None

    def _first_person_after(self, entities: EntityIndex, start: int, end: int) -> str | None:
        for s, _e, ident in entities.starting_in(start, end):
            if start <= s < end:
                ent = entities.get(ident)
                if ident in entities.persons or (ent is not None and ent.label == "ORG"):
                    return ident
        return None

    def _date_phrase(
        self, text: str, sentence: Span, published: str | None, skip: Sequence[Span] = ()
    ) -> SaidOn | None:
        """The first date in ``sentence`` outside ``skip``: absolute, a day word, or a relative
        anchor kept as text."""
        s, e = sentence
        # ``skip`` is sorted and disjoint (see ``union_spans``): one bisection per match

        def outside(m: re.Match[str]) -> bool:
            k = bisect.bisect_right(skip, (m.start(), _AFTER_ALL)) - 1
            return k < 0 or not skip[k][0] <= m.start() < skip[k][1]

        for m in DATE_PHRASE.finditer(text, s, e):
            if (m.group("wd") or m.group("m1") or m.group("m2")) and outside(m):
                phrase = m.group(0).rstrip(" ,")
                span = ((m.start(), m.start() + len(phrase)),)
                return SaidOn(resolve_date(m, published), phrase, span)
        for m in _DAY_WORDS.finditer(text, s, e):
            if outside(m):
                base = _published_date(published)
                word = m.group("rel").lower()
                date = None
                if base is not None:
                    date = (
                        base - dt.timedelta(days=1) if word == "yesterday" else base
                    ).isoformat()
                return SaidOn(date, m.group(0), ((m.start(), m.end()),))
        for m in _RELATIVE.finditer(text, s, e):
            if outside(m):
                phrase = m.group(0).rstrip()
                return SaidOn(None, phrase, ((m.start(), m.start() + len(phrase)),))
        return None

    def _active(
        self, found: Sequence[_Found], speaker: str | None, pos: int, sentence: Span
    ) -> tuple[Occasion, str | None, SaidOn | None] | None:
        """The occasion in force for ``speaker`` at ``pos``: stated before it, latest first."""
        best: _Found | None = None
        mine = [f for f in found if f.owner == speaker and f.pos < sentence[1]]
        if speaker is not None and any(not f.weak for f in mine):
            found = [f for f in found if not (f.owner == speaker and f.weak)]
        for f in found:
            if f.pos >= sentence[1]:
                continue
            if f.owner is None:
                if not (sentence[0] <= f.pos < sentence[1]):
                    continue
            elif f.owner != speaker:
                continue
            if (
                best is None
                or f.pos > best.pos
                or (f.pos == best.pos and f.occasion.with_ and not best.occasion.with_)
            ):
                best = f
        if best is None:
            return None
        return best.occasion, best.other, best.said_on

    def _date_in(
        self, text: str, sentence: Span, quoted: Sequence[Span], published: str | None
    ) -> SaidOn | None:
        """A date in the quote's own sentence, outside every quotation ("said on Monday");
        ``quoted`` sorted and disjoint."""
        return self._date_phrase(text, sentence, published, skip=quoted)
