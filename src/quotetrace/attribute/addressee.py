"""Addressees named by the frame of a quote rather than by its cue verb's object.

"Speaking to Reuters, Om Prakash said …", "When interviewed by the BBC, Day said …", "in a
financial filing to the SEC", "addressing the global leaders, Chakrapani proposed: …",
"told host Mika Brzezinski": the addressee is the first name after the frame word (through titles
and descriptions: "radio host Charlamagne tha God"), or a short description ("the public").
Only text outside quotation is read, and only in the sentence that carries the quote's cue.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from quotetrace import lexicon
from quotetrace.attribute.entities import EntityIndex
from quotetrace.model import Party, Span

_FRAMES = re.compile(
    r"\b(?:(?:" + "|".join(lexicon.entries("addressee_frame_verbs")) + r")"
    r"(?:\s+exclusively|\s+directly)?\s+to"
    r"|interviewed\s+by|(?:told|tells|telling)(?!\s+by\b)"
    r"|in\s+(?:an?|the|his|her|their|its)\s+(?:exclusive\s+|open\s+|recent\s+|joint\s+|[\w-]+\s+)?"
    r"(?:interview|conversation|letter|message|e-?mail|filing|call|memo|note|submission)\s+"
    r"(?:with|to)"
    r"|address(?:ing|ed))\s+",
    re.I,
)
_STOP = re.compile(
    r"[,;:.“”\"—–()]|\s(?:"
    + "|".join(lexicon.entries("addressee_end_words"))
    + r"|the\s+\w+\s+(?:was|were|is|are|had|has|would|will))\s"
)
_DESCRIPTION_WORDS = 6


class Frames:
    """The frames of an article's sentences, found once per sentence (a text that is one long
    sentence would otherwise be searched again for every quote in it)."""

    def __init__(self, text: str, in_quote: Callable[[int], bool]) -> None:
        self.text = text
        self.in_quote = in_quote  # inside a direct quote: not a frame of the narrator's
        self._found: dict[Span, list[tuple[int, int, int]]] = {}

    def of(self, sentence: Span) -> list[tuple[int, int, int]]:
        """(frame start, frame end, window end) of the frames outside quotes in ``sentence``."""
        found = self._found.get(sentence)
        if found is None:
            start, end = sentence
            found = []
            for match in _FRAMES.finditer(self.text, start, end):
                if self.in_quote(match.start()):
                    continue
                stop = _STOP.search(self.text, match.end(), end)
                window_end = stop.start() if stop else end
                if window_end > match.end():
                    found.append((match.start(), match.end(), window_end))
            self._found[sentence] = found
        return found


def frame_addressee(
    frames: Frames,
    sentence: Span,
    content: Sequence[Span],
    entities: EntityIndex,
    speaker_entity: str | None,
) -> Party | None:
    """The addressee a frame in ``sentence`` names, outside quotes and the quote's ``content``."""
    text = frames.text
    for frame_start, frame_end, window_end in frames.of(sentence):
        if any(a <= frame_start < b for a, b in content):
            continue
        # the last name in the window: "told radio host Charlamagne tha God"
        named = next(
            (
                m
                for m in reversed(entities.starting_in(frame_end, window_end))
                if m[2] != speaker_entity
            ),
            None,
        )
        if named is not None:
            ent = entities.get(named[2])
            if ent is not None:
                return Party(((named[0], named[1]),), ent.name, ent.id)
        phrase = text[frame_end:window_end].strip()
        words = phrase.split()
        if 0 < len(words) <= _DESCRIPTION_WORDS and not words[0][:1].isupper():
            if words[0].lower() in ("him", "her", "them", "me", "us", "you", "it"):
                continue
            begin = frame_end + text[frame_end:window_end].index(words[0])
            name = re.sub(r"^(?:the|a|an)\s+", "", phrase, flags=re.I)
            return Party(((begin, begin + len(phrase)),), name, None)
    return None


def name_after_role(
    text: str, addressee: Party, entities: EntityIndex, speaker_entity: str | None
) -> Party:
    """ "told host Mika Brzezinski": a role noun followed by a name is that name."""
    if addressee.entity is not None or not addressee.mention:
        return addressee
    start, end = addressee.mention[-1]
    for s, e, ident in entities.starting_in(start, end + 2):
        if start <= s and (e <= end or s <= end + 1) and ident != speaker_entity:
            ent = entities.get(ident)
            if ent is not None:
                return Party(((s, e),), ent.name, ent.id)
        if s > end + 1:
            break
    return addressee
