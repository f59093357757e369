"""Colon introductions with no verb, as headlines write them: "Trump: Cruz Has ‘To Come a Long
Way’ On Ethanol", "Dr. Ben Carson: Clinton ‘Not Fit To Serve’".

A line counts when the part before the colon is a short run of capitalised words naming a person
the article names elsewhere (or carries a title such as "Sen."), and the part after it is a claim
of three words or more. The merge step makes it mixed or direct when the claim holds quote marks.
"""

from __future__ import annotations

import re

from quotetrace import lexicon
from quotetrace.detect import confidence as conf
from quotetrace.detect.analysis import Analysis
from quotetrace.detect.candidate import Candidate
from quotetrace.detect.evidence import Evidence
from quotetrace.lexicon import Lexicons

_LINE = re.compile(
    r"^(?P<who>[A-Z][\w.’'-]*(?:[ \t]+[A-Z][\w.’'-]*){0,4})[ \t]*:[ \t]+(?P<what>\S[^\n]{8,})$",
    re.M,
)
_NOT_SPEAKERS = lexicon.words("colon_labels")


class ColonDetector:
    def __init__(self, lexicons: Lexicons) -> None:
        self.lex = lexicons

    def detect(self, analysis: Analysis) -> list[Candidate]:
        """A line "Name: claim" whose name the article gives as a person elsewhere."""
        text = analysis.text
        out = []
        for m in _LINE.finditer(text):
            if analysis.in_boilerplate(m.start()):
                continue
            who = m.group("who")
            words = [w.lower().rstrip(".") for w in who.split()]
            if words[0] in _NOT_SPEAKERS or any(ch.isdigit() for ch in who):
                continue
            titled = words[0] in self.lex.titles and len(words) > 1
            if not titled and words[-1] not in analysis.person_names:
                continue
            what_start, what_end = m.span("what")
            while what_end > what_start and text[what_end - 1] in " .\t":
                what_end -= 1
            if len(text[what_start:what_end].split()) < 3 or text[what_end - 1 : what_end] == ":":
                continue
            colon = text.index(":", m.end("who"))
            out.append(
                Candidate(
                    content=((what_start, what_end),),
                    type="indirect",
                    evidence=Evidence.COLON_LINE,
                    cue=((colon, colon + 1),),
                    cue_lemma=":",
                    speaker=(m.span("who"),),
                    sentence=(m.start(), m.end()),
                    full_content=(what_start, what_end),
                    confidence=conf.COLON_LINE,
                )
            )
        return out
