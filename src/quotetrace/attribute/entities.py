"""People and organisations in one article: name mentions found, clustered and given full names.

Names come from two cheap sources: the entity recogniser on the sentences that were parsed, and
runs of capitalised words anywhere (so a name in an unparsed sentence still counts). Mentions are
clustered by surname ("Zelenskyy" joins "Volodymyr Zelenskyy"), first name where it is unique, and
diminutives from a lexicon ("Volodya" joins "Volodymyr Zelenskyy"). The words in front of a name
("Belarusian leader Alexander Lukashenko") are kept as descriptors, so that "the Belarusian leader"
can be resolved later.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from quotetrace import lexicon
from quotetrace.attribute.first_names import first_name_gender
from quotetrace.lexicon import Lexicons
from quotetrace.model import Entity, Span
from quotetrace.nlp import ParsedSentence

# a name word; a lone capital (not "I" or "A") is an initial kept for privacy: "Sergey M", "Stefan W"
_NAME_WORD = (
    r"(?:(?:[A-Z]\.){2,}|(?:al-|el-|ad-|as-)?[A-Z][\w’'-]*\w(?:\.com|\.org|\.net)?|[A-Z]\."
    r"|[B-HJ-Z](?![\w’'.&-]))"
)
_PARTICLES = "|".join(lexicon.entries("name_particles"))  # "von der Leyen", "bin Salman"
_NAME_RUN = re.compile(
    rf"(?<![\w’'-]){_NAME_WORD}"
    rf"(?:[ \t]+(?:(?:{_PARTICLES})[ \t]+)?{_NAME_WORD})*"
)
_POSSESSIVE = re.compile(r"[’']s$")
_NAME_POSSESSIVES = lexicon.words("possessive_name_words")
_COMPANY_SUFFIXES = lexicon.words("company_suffixes")
_POST_NOMINALS = lexicon.words("post_nominals")
_STOP_FIRST = lexicon.words("name_stop_first")
# whole lowercase words only (not the "resident" of "President Macron"), and none ending a
# sentence ("the government announced yesterday.  Mir-Mohammadi")
_LOWER_CONTEXT = re.compile(r"(?<![\w’'.-])((?:[a-z](?:[\w.-]*[\w-])?\s+){1,3})$")
# "World Health Organization (WHO)": a defined abbreviation
_ABBREVIATION = re.compile(r"(?<!\()\(([A-Z][A-Z&]{1,6}s?)\)(?!\))")  # not "((WN))" labels
_NAME_LINK_WORDS = frozenset("of on for and the de du des la del".split())
# Head words after which "of"/"for"/"on" continue an organisation's name: "House of Commons
# Library", "Centers for Disease Control and Prevention", "Commission on Presidential Debates".
_ORG_HEADS = lexicon.words("org_heads")
_ORG_LINK = re.compile(r"[ \t]+(of|for|on)[ \t]+(?:the[ \t]+)?")
_AND_LINK = re.compile(r"[ \t]+(?:and|&)[ \t]+")
_ABBR_WORD = re.compile(r"[A-Z]{2,6}")
_HONORIFIC = re.compile(r"\b(Mr|Mrs|Ms|Miss|Mx|Sir|Dame|Lady|Lord)\.?[ \t]+$")
_ORG_LABELS = frozenset({"ORG", "GPE", "NORP", "FAC", "LOC", "EVENT", "PRODUCT", "LAW"})


def _org_name_end(text: str, end: int) -> int:
    """Where a capitalised run ending in an organisation's head word really ends: "House" +
    " of Commons Library", "Center" + " for Systems Science and Engineering"."""
    extended = False
    while True:
        last = re.search(r"[\w’'-]+$", text[max(0, end - 40) : end])
        link = _ORG_LINK.match(text, end)
        if last is None or link is None or last.group().lower() not in _ORG_HEADS:
            more = _AND_LINK.match(text, end)
            run = _NAME_RUN.match(text, more.end()) if more else None
            if run is None:
                return end
            words = run.group().split()
            if words[-1].lower() in _ORG_HEADS:
                return _org_name_end(text, run.end())  # "Securities and Exchange Commission"
            # "Department of Forestry and Fire Protection": one or two more words, neither a
            # person's ("Agency of Trade and Anna Berg") nor an organisation's ("UC Davis")
            if extended and (
                len(words) == 1
                or len(words) == 2
                and first_name_gender(words[0]) is None
                and not any(w.isupper() or w.lower() in _ORG_WORDS for w in words)
            ):
                end = run.end()
            return end
        run = _NAME_RUN.match(text, link.end())
        if run is None or run.group().split()[0] in _STOP_FIRST:
            return end
        end = run.end()
        extended = True


def _split_run(text: str, start: int, end: int) -> list[Span]:
    """A capitalised run cut where it cannot be one name: after a possessive ("RIAA's DMCA
    notice", "Biden's Senate"; not "People's Liberation Army"), between sentences ("Washington,
    D.C. They said"), and before "I've", "I'm" ("All I've done")."""
    pieces: list[Span] = []
    words = list(re.finditer(r"\S+", text[start:end]))
    piece_start = start
    for k in range(len(words) - 1):
        word, following = words[k].group(), words[k + 1].group()
        possessive = _POSSESSIVE.search(word) and _POSSESSIVE.sub("", word) not in _NAME_POSSESSIVES
        sentence_end = word.endswith(".") and following in _STOP_FIRST
        if possessive or sentence_end or following.startswith(("I'", "I’")):
            pieces.append((piece_start, start + words[k].end()))
            piece_start = start + words[k + 1].start()
    pieces.append((piece_start, end))
    return pieces


def _name_runs(text: str) -> Iterable[Span]:
    for match in _NAME_RUN.finditer(text):
        yield from _split_run(text, *match.span())


def _initials(words: Sequence[str]) -> str:
    """The letters an abbreviation takes from a name: capitalised words only ("of" is skipped)."""
    return "".join(w[0] for w in words if w[:1].isupper())


def abbreviations(text: str) -> list[tuple[int, int, list[str], str]]:
    """Defined abbreviations: (start, end, words) of the full name and the abbreviation, for
    "Full Name (FN)"; the full name is the shortest run of words before the bracket whose
    capitalised words' initials spell it ("United States Commission on Presidential Debates
    (CPD)" defines CPD as "Commission on Presidential Debates")."""
    out = []
    for match in _ABBREVIATION.finditer(text):
        abbr = match.group(1).rstrip("s") if match.group(1).endswith("s") else match.group(1)
        letters = abbr.replace("&", "")
        window_start = max(0, match.start() - 120)
        words = list(re.finditer(r"[\w’'&.-]+", text[window_start : match.start()]))
        for n in range(len(letters), min(len(words), 2 * len(letters) + 2) + 1):
            chosen = words[-n:]
            names = [w.group() for w in chosen]
            if any(w[:1].islower() and w not in _NAME_LINK_WORDS for w in names):
                break
            if names[0][:1].islower():
                continue  # "and Drug Administration": take one more word
            initials = _initials(names)
            if initials == letters:
                out.append(
                    (window_start + chosen[0].start(), window_start + chosen[-1].end(), names, abbr)
                )
                break
            if len(initials) > len(letters):
                break
    return out


@dataclass
class _Cluster:
    tokens: tuple[str, ...]  # the fullest name's words
    label: str
    mentions: list[Span] = field(default_factory=list)
    descriptors: set[str] = field(default_factory=set)
    heads: set[str] = field(default_factory=set)  # the descriptor word right before the name
    person_votes: int = 0


class _ClusterLookup:
    """Clusters by their name's last and first word, in the order they were made."""

    def __init__(self) -> None:
        self.by_last: dict[str, list[_Cluster]] = {}
        self.by_first: dict[str, list[_Cluster]] = {}
        self.by_middle: dict[str, list[_Cluster]] = {}  # "Rosselló" of "Ricardo Rosselló Nevares"

    def add(self, cluster: _Cluster) -> None:
        self.by_last.setdefault(cluster.tokens[-1].lower(), []).append(cluster)
        self.by_first.setdefault(cluster.tokens[0].lower(), []).append(cluster)
        for token in cluster.tokens[1:-1]:
            if token[:1].isupper():
                self.by_middle.setdefault(token.lower(), []).append(cluster)


@dataclass(frozen=True)
class EntityIndex:
    """The article's entities with a lookup from any mention offset to its entity."""

    entities: tuple[Entity, ...]
    descriptors: dict[str, frozenset[str]]  # entity id -> descriptor words
    persons: frozenset[str]  # ids of entities that are people
    by_offset: tuple[tuple[int, int, str], ...]  # (start, end, entity id), sorted
    # names the recogniser called organisations that may be people ("Lopez"): people once they speak
    maybe_persons: frozenset[str] = frozenset()
    # entity id -> the descriptor words written right before a name: the heads of its
    # descriptions ("spokesman" of "government spokesman Ali Rabiei", not "government")
    descriptor_heads: dict[str, frozenset[str]] = field(default_factory=dict)

    def at(self, start: int, end: int) -> Entity | None:
        """The entity named at the head of ``text[start:end]``: English noun phrases end in their
        head, so "Labour Party leader Jeremy Corbyn" is Corbyn and "Saudi officials" is no one."""
        best = None
        for s, e, ident in self.starting_in(start - self.longest_mention, end):
            if s < end and start < e and e >= end - 2:  # allow a possessive or a full stop
                best = ident
        return self.get(best) if best else None

    def first_in(self, start: int, end: int) -> Entity | None:
        """The first entity named anywhere inside ``text[start:end]``."""
        ident = next((i for s, e, i in self.starting_in(start, end) if e <= end), None)
        return self.get(ident)

    def get(self, ident: str | None) -> Entity | None:
        return self._by_id.get(ident) if ident is not None else None

    # Lookups by position bisect the sorted mentions: asked once per quote, a scan of every
    # mention made long texts quadratic (16,000 quote marks took 13 minutes).
    @functools.cached_property
    def _starts(self) -> list[int]:
        return [s for s, _e, _i in self.by_offset]

    @functools.cached_property
    def _by_id(self) -> dict[str, Entity]:
        found: dict[str, Entity] = {}
        for entity in self.entities:
            found.setdefault(entity.id, entity)
        return found

    @functools.cached_property
    def longest_mention(self) -> int:
        """The length of the longest mention: how far before a point a mention covering it can start."""
        return max((e - s for s, e, _i in self.by_offset), default=0)

    def starting_in(self, low: int, high: int) -> Sequence[tuple[int, int, str]]:
        """The mentions whose start is in ``[low, high)``, in ``by_offset`` order."""
        i = bisect.bisect_left(self._starts, low)
        j = bisect.bisect_left(self._starts, high)
        return self.by_offset[i:j]

    def by_name_words(self, words: Sequence[str]) -> Entity | None:
        """The entity whose name ends with the last of ``words`` (surname match)."""
        if not words:
            return None
        last = words[-1].lower()
        matches = [e for e in self.entities if e.name.split()[-1].lower() == last]
        if not matches:
            matches = [e for e in self.entities if last in (w.lower() for w in e.name.split())]
        if len(matches) > 1 and len(words) > 1:
            full = " ".join(words).lower()
            exact = [e for e in matches if e.name.lower() == full]
            matches = exact or matches
        return matches[0] if matches else None

    def mentions_before(self, pos: int, window: int = 1200) -> list[tuple[int, int, str]]:
        return [m for m in self.starting_in(pos - window, pos + 1) if m[1] <= pos]


class _SpanIndex:
    """Sorted, mostly disjoint spans with a label; finds the ones overlapping a range quickly."""

    def __init__(self, spans: Iterable[tuple[int, int, str]]) -> None:
        self.items = sorted(spans)
        self.starts = [s for s, _, _ in self.items]

    def overlapping(self, start: int, end: int) -> list[tuple[int, int, str]]:
        i = max(0, bisect.bisect_right(self.starts, start) - 1)
        out = []
        while i < len(self.items) and self.items[i][0] < end:
            s, e, label = self.items[i]
            if start < e:
                out.append(self.items[i])
            i += 1
        return out


def _title_case_lines(text: str) -> list[Span]:
    """Headlines and labels in Title Case: their capitalised words are not names."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        words = re.findall(r"[A-Za-z][\w’'-]*", m.group())
        if len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.7 * len(words):
            out.append(m.span())
    return out


_ORG_WORDS = lexicon.words("org_words")


def _has_org_word(words: Iterable[str]) -> bool:
    """Whether a name holds a word of an organisation's ("College", "Inc.")."""
    return any(w.lower().rstrip(".") in _ORG_WORDS for w in words)


def _could_be_person(tokens: Sequence[str]) -> bool:
    """The small model often calls a lone surname an organisation: "Lopez said …"."""
    return (
        len(tokens) <= 3
        and not _has_org_word(tokens)
        and all(t[:1].isupper() and not t.isupper() for t in tokens)
    )


def _person_inside(ner: _SpanIndex, start: int, end: int) -> Span | None:
    for s, e, label in ner.overlapping(start, end):
        if label == "PERSON" and start <= s and e <= end and e - s > 2:
            return (s, e)
    return None


def _clean_name(words: list[str], lexicons: Lexicons) -> tuple[list[str], list[str]]:
    """Split leading titles and descriptors off a capitalised run: (descriptors, name words)."""
    desc: list[str] = []
    while (
        words
        and (words[0].lower().rstrip(".") in lexicons.titles or words[0].lower() in lexicons.titles)
        and not (len(words) > 1 and words[1] in ("of", "for", "on"))  # "House of Commons"
    ):
        desc.append(words.pop(0))
    return desc, words


class EntityFinder:
    def __init__(self, lexicons: Lexicons) -> None:
        self.lex = lexicons

    def __call__(
        self,
        text: str,
        parsed: Sequence[ParsedSentence],
        excluded: Sequence[Span] = (),
    ) -> EntityIndex:
        ner_labels: dict[Span, str] = {}
        for sent in parsed:
            for first, last, label in sent.entities():
                start, end = sent.tokens[first].start, sent.tokens[last - 1].end
                ner_labels[(start, end)] = label
        mentions: list[tuple[int, int, list[str], list[str]]] = []
        skip = _SpanIndex((s, e, "") for s, e in [*excluded, *_title_case_lines(text)])
        ner = _SpanIndex((s, e, label) for (s, e), label in ner_labels.items())
        defined = [a for a in abbreviations(text) if not skip.overlapping(a[0], a[0] + 1)]
        full_names = _SpanIndex((s, e, "") for s, e, _, _ in defined)
        aliases = {abbr: tuple(words) for _, _, words, abbr in defined}
        mentions += [(s, e, words, []) for s, e, words, _ in defined]
        taken = 0
        for start, end in _name_runs(text):
            if start < taken:
                continue  # the tail of an organisation's name already read
            if skip.overlapping(start, start + 1) or full_names.overlapping(start, end):
                continue
            end = _org_name_end(text, end)
            taken = end
            words = text[start:end].split()
            # possessive "Lukashenko’s" names Lukashenko
            if _POSSESSIVE.search(words[-1]):
                words[-1] = _POSSESSIVE.sub("", words[-1])
                end -= 2
            while len(words) > 1 and words[-1] in _POST_NOMINALS:
                words.pop()  # "Durham Hall QC" is Durham Hall
                end = text.rindex(words[-1], start, end) + len(words[-1])
            offset = start
            if words[0].startswith(("I'", "I’")):
                continue  # "I'm Australian" is a sentence, not a name
            while words and words[0] in _STOP_FIRST:
                offset = text.index(words[1], offset + len(words[0])) if len(words) > 1 else end
                words.pop(0)
            if not words:
                continue
            desc, name = _clean_name(list(words), self.lex)
            if not name:
                continue
            name_start = text.index(name[0], offset)
            person = _person_inside(ner, name_start, end)
            if person is not None and person[0] > name_start:
                # the recogniser saw a shorter person name: the words before it describe it
                cut = text[name_start : person[0]].split()
                desc += cut
                name = name[len(cut) :]
                name_start = person[0]
            elif (
                len(name) > 3
                and not _NAME_LINK_WORDS & {w.lower() for w in name}
                # an organisation's long name stays whole: "National Transportation Safety Board"
                and self._label((name_start, end), ner) not in _ORG_LABELS
                and not _has_org_word(name)
            ):
                desc += name[:-3]
                name = name[-3:]
                name_start = text.index(name[0], name_start)
            if not name:
                continue
            before = _LOWER_CONTEXT.search(text[max(0, name_start - 60) : name_start])
            lower_desc = before.group(1).split() if before else []
            honorific = _HONORIFIC.search(text, max(0, name_start - 8), name_start)
            if honorific is not None:
                lower_desc.append(honorific.group(1))  # "Ms. Ana Ortiz": "Ms" ends its own run
            all_desc = [w.lower().rstrip(".") for w in desc + lower_desc]
            mentions.append((name_start, end, name, all_desc))
        return self._cluster(text, mentions, ner, aliases)

    def _label(self, span: Span, ner: _SpanIndex) -> str | None:
        found = ner.overlapping(*span)
        return found[0][2] if found else None

    def _cluster(
        self,
        text: str,
        mentions: list[tuple[int, int, list[str], list[str]]],
        ner: _SpanIndex,
        aliases: dict[str, tuple[str, ...]] | None = None,
    ) -> EntityIndex:
        clusters: list[_Cluster] = []
        lookup = _ClusterLookup()

        # longest names first, so that surnames find their full name
        # Longest names first, so that surnames find their full name; a lone word at the start of
        # a sentence ("Zelenskyy described …") only joins a name already seen elsewhere.
        def order(m: tuple[int, int, list[str], list[str]]) -> tuple[int, bool, int]:
            return (-len(m[2]), not self._plausible_single(text, m[0], m[2][0]), m[0])

        for start, end, words, desc in sorted(mentions, key=order):
            label = self._label((start, end), ner) or ""
            if label in ("DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"):
                continue
            target = self._find_cluster(lookup, words, aliases, label)
            if (
                target is None
                and len(words) == 1
                and label == ""
                and not self._plausible_single(text, start, words[0])
            ):
                continue
            if target is None:
                target = _Cluster(tuple(words), label or "UNKNOWN")
                clusters.append(target)
                lookup.add(target)
            target.mentions.append((start, end))
            target.descriptors.update(desc)
            if desc:
                target.heads.add(desc[-1])
                linked = next((k for k, w in enumerate(desc) if w in ("of", "for", "at")), 0)
                if linked:
                    target.heads.add(desc[linked - 1])  # "President of Argentina Alberto …"
            if label == "PERSON" or any(d in self.lex.titles for d in desc):
                target.person_votes += 1
            if target.label in ("UNKNOWN", "") and label:
                target.label = label
        clusters = [c for c in clusters if c.mentions]
        clusters.sort(key=lambda c: min(c.mentions))
        entities = []
        descriptors: dict[str, frozenset[str]] = {}
        heads: dict[str, frozenset[str]] = {}
        persons = set()
        maybe_persons = set()
        offsets: list[tuple[int, int, str]] = []
        for i, cluster in enumerate(clusters, 1):
            ident = f"e{i}"
            label = "PERSON" if cluster.person_votes or cluster.label == "PERSON" else cluster.label
            if label == "UNKNOWN" and _has_org_word(cluster.tokens):
                label = "ORG"  # untagged "Teresian College" is no person that "he" can be
            entities.append(
                Entity(ident, " ".join(cluster.tokens), tuple(sorted(cluster.mentions)), label)
            )
            descriptors[ident] = frozenset(cluster.descriptors)
            heads[ident] = frozenset(cluster.heads)
            if label in ("PERSON", "UNKNOWN"):
                persons.add(ident)
            elif label == "ORG" and _could_be_person(cluster.tokens):
                maybe_persons.add(ident)
            offsets += [(s, e, ident) for s, e in cluster.mentions]
        return EntityIndex(
            tuple(entities),
            descriptors,
            frozenset(persons),
            tuple(sorted(offsets)),
            frozenset(maybe_persons),
            heads,
        )

    def _plausible_single(self, text: str, start: int, word: str) -> bool:
        """A lone capitalised word is a name unless it only appears sentence-initially."""
        if len(word) < 2 or word.isupper() and len(word) > 5:
            return False
        before = text[max(0, start - 2) : start]
        return not (start == 0 or before.endswith(("\n", ". ", "“", '"', "‘", "(", "—")))

    def _find_cluster(
        self,
        lookup: _ClusterLookup,
        words: list[str],
        aliases: dict[str, tuple[str, ...]] | None = None,
        label: str = "",
    ) -> _Cluster | None:
        if len(words) == 1 and _ABBR_WORD.fullmatch(words[0]):
            # an abbreviation: the name it was defined for, or the one organisation-like name
            # whose initials spell it (never a person: "PM" is not Paul Mason)
            defined = (aliases or {}).get(words[0])
            if defined:
                candidates = lookup.by_last.get(defined[-1].lower(), [])
                found = next((c for c in candidates if c.tokens == defined), None)
                if found is not None:
                    return found
            spelled = [
                c
                for group in lookup.by_last.values()
                for c in group
                if _initials(c.tokens) == words[0]
                and c.label != "PERSON"
                and not c.person_votes
                # two capitalised words are mostly a person's name, unless tagged otherwise
                and (len(c.tokens) >= 3 or len(c.tokens) == 2 and c.label in _ORG_LABELS)
            ]
            if len(spelled) == 1:
                return spelled[0]
        last = words[-1].lower()
        for c in lookup.by_last.get(last, ()):
            if len(words) == 1 or words[0].lower() == c.tokens[0].lower() or len(c.tokens) == 1:
                return c
        if len(words) == 1:
            # a first name joins the full name; an organisation's first word joins only a
            # company's legal name ("Ford Motor Company") or a name it heads ("Court of Session"),
            # not the "GitHub Trust" of "GitHub Trust and Safety team"
            firsts = [
                c
                for c in lookup.by_first.get(last, ())
                if len(c.tokens) > 1
                and not (
                    label == "ORG"
                    and c.label in _ORG_LABELS
                    and not c.person_votes
                    and c.tokens[-1].lower().rstrip(".") not in _COMPANY_SUFFIXES
                    and not {"of", "for", "on"} & set(c.tokens)  # "Court" of "Court of Session"
                )
            ]
            if len(firsts) == 1:
                return firsts[0]
            for full in self.lex.diminutives.get(words[0], ()):
                for c in lookup.by_first.get(full.lower(), ()):
                    if len(c.tokens) > 1:
                        return c
            if label in ("", "PERSON", "ORG"):  # the small model calls many surnames ORG
                # the first of two surnames ("Rosselló" of "Ricardo Rosselló Nevares", "López"
                # of "Andrés Manuel López Obrador"), when one person's name holds it
                middles = [
                    c
                    for c in lookup.by_middle.get(last, ())
                    if c.label in ("PERSON", "UNKNOWN")
                    or c.person_votes
                    # a person's name the recogniser took for an organisation: "Ricardo
                    # Rosselló Nevares" (ORG) opens with a first name and has no org word
                    or c.label == "ORG"
                    and _could_be_person(c.tokens)
                    and first_name_gender(c.tokens[0]) is not None
                ]
                if len(middles) == 1:
                    return middles[0]
        return None
