"""Speaker resolution as ranking: the rules' choice is one feature among many.

For each quote the candidates are the article's entity clusters (people, organisations, with every
mention) that appear before or around it, plus the rules' own reading when it is a description
with no entity ("local residents"). Each candidate gets sparse binary features: whether the rules
chose it and through what kind of mention ("he", a name, a description, no cue at all), how many
sentences back it was last mentioned, whether that mention was a subject, only inside quotation
marks, or the previous quote's speaker, gender agreement with the pronoun (from the titles and
pronouns the article itself uses: ``attribute.gender``, else a lopsided first name:
``attribute.first_names``), the quote's own "I"/"we", its entity
label, descriptor matches for role nouns ("the senator"), what a description's head names (a
document, an organisation, a person: ``head_class``) and who owns it ("RIAA's notice", "its
statement": ``owner``), and non-name signs (a single word seen only at sentence starts, a place). A logistic regression scores every candidate; the best one is the speaker, and its
probability is how sure the choice is.

Weights are a JSON file (``SpeakerRanker``), fitted by ``quotetrace train-speakers`` on gold with
resolved speaker names (``quotetrace.train_ranker``); no learning library is needed at run time.
The packaged model ``models/speaker_ranker.json`` is fitted on wikinews-gold train (CC BY 2.5
texts, credit: Wikinews contributors); see ``models/speaker_ranker.md``.
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from quotetrace import lexicon
from quotetrace.attribute.entities import EntityIndex
from quotetrace.errors import BadRanker
from quotetrace.model import Entity, Party, Span

FORMAT = "quotetrace-speaker-ranker"
VERSION = 1
PACKAGED = "speaker_ranker.json"
_FIRST = re.compile(r"\b(?:I|me|my|myself)\b")
_WE = re.compile(r"\b(?:we|We|us|our|Our)\b")
_DOCUMENTS = lexicon.words("document_nouns")
_ORG_NOUNS = lexicon.words("ranker_org_nouns")
_PERSON_NOUNS = lexicon.words("person_nouns") | lexicon.words("titles")
# "RIAA's notice", "the agency's report", "its statement": who owns the thing that speaks
_OWNER = re.compile(
    r"(?:the\s+)?(?:(its|his|her|their)|([\w.&-]+(?:\s+[\w.&-]+){0,3})['’]s?)\s+\S", re.I
)
_ORG_LABELS = frozenset({"ORG", "NORP"})
# what comes right before a word that opens a sentence, a line or a quote ("months.  Continuing")
_OPENS = re.compile(r"(?:^|[.!?]\s+|\n\s*|[“\"‘]\s*)$")
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC", "NORP", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"})
_INSTITUTION_HEADS = lexicon.words("org_heads")


def institution_name(ent: Entity) -> bool:
    """A name the recogniser left unlabelled whose last word heads an institution or a state
    ("Teresian College", "Ural State Medical University", "United States"): never "he" or "she"."""
    words = ent.name.split()
    return ent.label != "PERSON" and len(words) > 1 and words[-1].lower() in _INSTITUTION_HEADS


@dataclass(frozen=True)
class SpeakerRanker:
    weights: Mapping[str, float]
    bias: float
    meta: Mapping[str, Any] = field(default_factory=dict)

    def score(self, features: Iterable[str]) -> float:
        return self.bias + sum(self.weights.get(f, 0.0) for f in set(features))

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "bias": self.bias,
            "meta": dict(self.meta),
            "weights": dict(sorted(self.weights.items())),
        }

    def save(self, path: str | Path) -> None:
        target = Path(path)
        temp = target.with_name(target.name + ".tmp")
        try:
            temp.write_text(json.dumps(self.to_dict(), indent=1) + "\n", encoding="utf-8")
            temp.replace(target)
        except OSError as exc:
            temp.unlink(missing_ok=True)
            raise BadRanker(f"cannot write speaker ranker {path}: {exc}") from exc

    @classmethod
    def from_dict(cls, raw: Any, where: str) -> SpeakerRanker:
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise BadRanker(f"{where} is not a quotetrace speaker ranker")
        if raw.get("version") != VERSION:
            raise BadRanker(f"{where}: ranker version {raw.get('version')}, expected {VERSION}")
        try:
            weights = {str(k): float(v) for k, v in raw["weights"].items()}
            return cls(weights, float(raw["bias"]), raw.get("meta", {}))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BadRanker(f"{where}: malformed speaker ranker ({exc})") from exc

    @classmethod
    def load(cls, path: str | Path) -> SpeakerRanker:
        try:
            raw = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BadRanker(f"cannot read speaker ranker {path}: {exc}") from exc
        return cls.from_dict(raw, str(path))

    @classmethod
    def packaged(cls) -> SpeakerRanker:
        """The ranker shipped with quotetrace (fitted on wikinews-gold train)."""
        source = resources.files("quotetrace") / "models" / PACKAGED
        try:
            raw = json.loads(source.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BadRanker(f"the packaged speaker ranker cannot be read: {exc}") from exc
        return cls.from_dict(raw, "the packaged speaker ranker")


def packaged_or_none() -> SpeakerRanker | None:
    """The packaged ranker, or None when quotetrace ships none."""
    if not (resources.files("quotetrace") / "models" / PACKAGED).is_file():
        return None
    return SpeakerRanker.packaged()


def load_ranker_option(value: str | None) -> SpeakerRanker | str | None:
    """``--speaker-ranker``: "packaged" (default), "none" (the rules alone) or a file."""
    if value is None or value == "packaged":
        return "packaged"
    if value == "none":
        return None
    return SpeakerRanker.load(value)


@dataclass(frozen=True)
class Candidate:
    party: Party
    features: tuple[str, ...]


@dataclass
class Context:
    """What the features of one quote's candidates need."""

    text: str
    entities: EntityIndex
    persons: frozenset[str]
    genders: Mapping[str, str]
    sentence_index: Any  # Callable[[int], int]
    is_subject: Any  # Callable[[int, int], bool]
    quoted: Sequence[Span]
    descriptors: Mapping[str, frozenset[str]]
    title_genders: Mapping[str, str] = field(default_factory=dict)  # from "Mr."/"Ms." only
    # for "he"/"she": a subject of the parse or a name opening an unparsed sentence
    likely_subject: Any = None  # Callable[[int, int], bool] | None
    _by_entity: dict[str, list[tuple[int, int]]] | None = None
    _starts_of: dict[str, list[int]] = field(default_factory=dict)
    _order: dict[str, int] = field(default_factory=dict)
    _start_only: dict[str, bool] = field(default_factory=dict)
    _quoted_sorted: list[Span] | None = None
    _quoted_reach: list[int] = field(default_factory=list)

    def mentions_of(self) -> dict[str, list[tuple[int, int]]]:
        """Every entity's mentions, built once per article."""
        if self._by_entity is None:
            self._by_entity = {}
            for s, e, ident in self.entities.by_offset:
                self._by_entity.setdefault(ident, []).append((s, e))
            self._starts_of = {k: [s for s, _e in v] for k, v in self._by_entity.items()}
            self._order = {}
            for k, ent in enumerate(self.entities.entities):
                self._order.setdefault(ent.id, k)
        return self._by_entity

    def mentions_between(self, ident: str, low: int, high: int) -> list[tuple[int, int]]:
        """The entity's mentions starting in ``[low, high)``, in order (a bisection, not a scan)."""
        spans = self.mentions_of().get(ident, [])
        starts = self._starts_of.get(ident, [])
        return spans[bisect.bisect_left(starts, low) : bisect.bisect_left(starts, high)]

    def nearby(self, low: int, high: int, also: str | None) -> list[Entity]:
        """The entities with a mention starting in ``[low, high)``, and ``also``, in the order of
        ``entities.entities``: the only ones that can be candidates of a quote there."""
        self.mentions_of()
        ids = {ident for _s, _e, ident in self.entities.starting_in(low, high)}
        if also is not None:
            ids.add(also)
        positions = sorted(self._order[i] for i in ids if i in self._order)
        return [self.entities.entities[k] for k in positions]

    def in_quote(self, pos: int) -> bool:
        """Whether ``pos`` is inside one of the ``quoted`` spans (built once, then bisected)."""
        if self._quoted_sorted is None:
            self._quoted_sorted = sorted(self.quoted)
            self._quoted_reach = list(
                itertools.accumulate((b for _a, b in self._quoted_sorted), max)
            )
        k = bisect.bisect_right(self._quoted_sorted, (pos, float("inf"))) - 1
        return k >= 0 and self._quoted_reach[k] > pos

    def sentence_start_only(self, ident: str) -> bool:
        """Every mention of the entity opens a sentence, a line or a quote (cached per entity)."""
        if ident not in self._start_only:
            text = self.text
            self._start_only[ident] = all(
                _OPENS.search(text, max(0, m[0] - 4), m[0]) is not None or m[0] == 0
                for m in self.mentions_of().get(ident, [])
            )
        return self._start_only[ident]


def mention_kind(text: str, mention: Sequence[Span]) -> str:
    """The kind of a speaker mention: none, first, he, she, they, it, rel, name, desc."""
    if not mention:
        return "none"
    surface = text[mention[0][0] : mention[0][1]].strip()
    low = surface.lower()
    if low in ("i", "me", "we", "us", "my", "our"):
        return "first"
    if low in ("he", "him", "his"):
        return "he"
    if low in ("she", "her", "hers"):
        return "she"
    if low in ("they", "them", "their"):
        return "they"
    if low in ("it", "its"):
        return "it"
    if low in ("who", "which", "that", "whom"):
        return "rel"
    words = re.findall(r"[\w’'-]+", surface)
    head = next((w for w in reversed(words) if w.lower() not in ("of", "the")), "")
    return "name" if head[:1].isupper() else "desc"


def head_class(head: str) -> str:
    """What a description's head noun names: a document, an organisation, a person, or other."""
    if head in _DOCUMENTS:
        return "doc"
    if head in _ORG_NOUNS:
        return "org"
    if head in _PERSON_NOUNS:
        return "person"
    return "other"


def owner(text: str, mention: Sequence[Span]) -> tuple[str, Span | None]:
    """The possessor of a description: ("pron", None) for "its report", ("name", span) for
    "RIAA's notice" (the owner's words), ("none", None) otherwise."""
    if not mention:
        return "none", None
    start, end = mention[0]
    found = _OWNER.match(text, start, end)
    if found is None:
        return "none", None
    if found.group(1):
        return "pron", None
    return "name", found.span(2)


def _bucket(n: int, edges: Sequence[int]) -> str:
    for edge in edges:
        if n <= edge:
            return f"<={edge}"
    return f">{edges[-1]}"


def candidates(
    ctx: Context,
    rule: Party | None,
    mention: Sequence[Span],
    content: Sequence[Span],
    previous: str | None,
    hint_entity: str | None,
    enclosing: str | None = None,
) -> list[Candidate]:
    """The candidates for one quote's speaker with their features; the rules' choice first.
    ``enclosing``: the speaker of the direct quote this one sits in; "he" there is someone else."""
    text = ctx.text
    mk = mention_kind(text, mention)
    pos = mention[0][0] if mention else content[0][0]
    end = max(e for _s, e in content)
    sent = ctx.sentence_index(pos)
    window = pos - 3000
    inner = " ".join(text[s:e] for s, e in content)
    has_i = bool(_FIRST.search(inner))
    has_we = bool(_WE.search(inner))
    head_word = ""
    if mk == "desc" and mention:
        words = re.findall(r"[a-z][\w-]*", text[mention[0][0] : mention[0][1]].lower())
        head_word = words[-1] if words else ""
    cls = head_class(head_word) if head_word else ""
    poss, poss_span = owner(text, mention) if mk == "desc" else ("none", None)
    by_entity = ctx.mentions_of()
    subject_of = (
        ctx.likely_subject if mk in ("he", "she") and ctx.likely_subject else ctx.is_subject
    )
    out: list[Candidate] = []
    rule_entity = rule.entity if rule is not None else None
    if rule is None or rule.entity is None:
        named = rule is not None and rule.name is not None
        feats = ["free", f"free|mk={mk}", f"free|named={named}|mk={mk}"]
        if cls:
            feats += [f"free|head={cls}", f"free|head={cls}|poss={poss}"]
        out.append(Candidate(rule or Party(tuple(mention), None, None), tuple(feats)))
    reach = ctx.entities.longest_mention
    low = min(window, pos - reach)
    high = max(end, mention[0][1] if mention else end)
    for ent in ctx.nearby(low, high, rule_entity):
        spans = by_entity.get(ent.id, [])
        near = ctx.mentions_between(ent.id, low, high)
        before = [m for m in near if window <= m[0] and m[1] <= pos]
        overlapping = [m for m in near if mention and m[0] < mention[0][1] and mention[0][0] < m[1]]
        around = [m for m in near if pos <= m[0] < end]
        if not before and not overlapping and not around and ent.id != rule_entity:
            continue
        if (
            not overlapping
            and ent.label == "UNKNOWN"
            and len(ent.name.split()) == 1
            and ctx.sentence_start_only(ent.id)
        ):
            continue  # "Continuing a trend, Biden …", "More …": a capitalised opening word
        if ent.id == enclosing and mk in ("he", "she", "they", "it") and ent.id != rule_entity:
            continue
        want = "m" if mk == "he" else "f"
        titled = ctx.title_genders.get(ent.id)
        if mk in ("he", "she") and titled is not None and titled != want:
            continue  # "she" is never a man the article calls "Mr."
        if mk in ("he", "she") and ent.id != rule_entity and institution_name(ent):
            continue
        gender = ctx.genders.get(ent.id)
        kind = "person" if ent.id in ctx.persons else "org"
        f = ["entity", f"kind={kind}|mk={mk}", f"label={ent.label}"]
        recent_subject = False
        if ent.id == rule_entity:
            f += ["rule", f"rule|mk={mk}"]
        if overlapping:
            f += ["in-mention", f"in-mention|mk={mk}"]
        if before:
            last = before[-1]
            back = sent - ctx.sentence_index(last[0])
            f.append(f"dist={_bucket(back, (0, 1, 2, 5))}|mk={mk}")
            recent = [m for m in before if sent - ctx.sentence_index(m[0]) <= 3]
            if any(subject_of(m[0], m[1]) for m in recent):
                f.append(f"recent-subject|mk={mk}")
                recent_subject = True
            if all(ctx.in_quote(m[0]) for m in before):
                f.append(f"quoted-only|mk={mk}")
        elif around and not overlapping:
            f.append(f"after-only|mk={mk}")
        if ent.id == enclosing:
            f.append(f"enclosing|mk={mk}")
        if ent.id == previous:
            f += ["previous-speaker", f"previous-speaker|mk={mk}"]
        if ent.id == hint_entity:
            f.append("appositive")
        if mk in ("he", "she"):
            f.append("gender=" + ("unknown" if gender is None else str(gender == want)))
            if kind == "org":
                f.append("he-she-org")
        if has_i:
            f.append(f"quote-I|{kind}")
        if has_we:
            f.append(f"quote-we|{kind}")
        f.append(f"mentions={_bucket(len(spans), (1, 2, 5))}")
        if ent.label in _PLACE_LABELS:
            f.append(f"place|mk={mk}")
        if len(ent.name.split()) == 1 and ctx.sentence_start_only(ent.id):
            f.append("sentence-start-only")
        if head_word and head_word in ctx.descriptors.get(ent.id, frozenset()):
            f.append("descriptor-match")
        if head_word and head_word in {w.lower() for w in ent.name.split()}:
            f.append(f"head-in-name|{kind}")  # "the commission" -> "Commission on …"
        if head_word in _DOCUMENTS:
            f.append(f"document|{kind}")  # "the report", "a statement": its issuer
        if cls:
            f.append(f"head={cls}|kind={kind}")
            f.append(f"head={cls}|org-label={ent.label in _ORG_LABELS}")
            if recent_subject:
                f.append(f"head={cls}|recent-subject|kind={kind}")
            if poss == "pron":
                f.append(f"poss-pron|head={cls}|kind={kind}")
            elif poss_span is not None and any(
                m[0] < poss_span[1] and poss_span[0] < m[1] for m in overlapping
            ):
                f.append(f"possessor|head={cls}")  # "RIAA's notice" -> RIAA
        if mention:
            party_mention = tuple(mention)
        elif ent.id == rule_entity and rule is not None and rule.mention:
            party_mention = rule.mention
        else:
            party_mention = ((before or around or spans)[-1],)
        out.append(Candidate(Party(party_mention, ent.name, ent.id), tuple(f)))
    if cls == "doc" and len(out) > 1 and "free" in out[0].features:
        # a document does not speak, its issuer does: "the ruling" is never the speaker's name
        # while the article names anyone who could have issued it
        out.pop(0)
    return out


def choose(ranker: SpeakerRanker, cands: Sequence[Candidate]) -> tuple[Party, float]:
    """The best-scored candidate and its probability among the candidates (softmax)."""
    scores = [ranker.score(c.features) for c in cands]
    top = max(scores)
    total = sum(math.exp(s - top) for s in scores)
    best = scores.index(top)
    return cands[best].party, 1.0 / total
