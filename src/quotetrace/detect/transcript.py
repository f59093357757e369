"""Interview transcripts: turns that open with a speaker label, as Wikinews prints them.

    ((Wikinews))  How old are you?
    ((Zara Kay))  So, I am 26 now. …
    (more paragraphs of the same answer)

Each turn is a direct quote by the labelled speaker, with no cue; it runs over the following
paragraphs until the next label, a heading-like line or the end of the text. Quotes inside a turn
(what the interviewee reports others said) nest in it, so "through whom" holds for interviews too.
"""

from __future__ import annotations

import re

from quotetrace.detect import confidence as conf
from quotetrace.detect.analysis import Analysis
from quotetrace.detect.candidate import Candidate
from quotetrace.detect.evidence import Evidence
from quotetrace.segment import strip_span

_LABEL = re.compile(r"\(\((?P<who>[^()\n]{1,60})\)\)[ \t]*")
# interviewers' short labels
_LABEL_NAMES = {"WN": "Wikinews", "Q": "interviewer"}
_MIN_TURNS = 2  # one label alone is not an interview


def _heading_like(text: str, start: int, end: int) -> bool:
    """ "Sources", "Related news": a short line with no sentence-final punctuation."""
    line = text[start:end].strip()
    return len(line) < 80 and not line.endswith((".", "?", "!", "”", '"', "’", "…", ":", ")"))


class TranscriptDetector:
    def detect(self, analysis: Analysis) -> list[Candidate]:
        """One direct quote per labelled turn, when the text has two labels or more."""
        text, paragraphs = analysis.text, analysis.paragraphs
        labelled: list[tuple[int, re.Match[str]]] = []
        for index, (start, end) in enumerate(paragraphs):
            match = _LABEL.match(text, start, end)
            if match and match.group("who").strip() and not analysis.in_boilerplate(start):
                labelled.append((index, match))
        if len(labelled) < _MIN_TURNS:
            return []
        firsts = {index for index, _ in labelled}
        out = []
        for index, match in labelled:
            spans = []
            if match.end() < paragraphs[index][1]:
                spans.append((match.end(), paragraphs[index][1]))
            for follow in range(index + 1, len(paragraphs)):
                start, end = paragraphs[follow]
                if (
                    follow in firsts
                    or _heading_like(text, start, end)
                    or analysis.in_boilerplate(start)
                ):
                    break
                spans.append((start, end))
            spans = [strip_span(text, s, e) for s, e in spans]
            spans = [(s, e) for s, e in spans if e > s]
            if not spans:
                continue
            who = match.group("who").strip()
            who_start = text.index(who, match.start())
            out.append(
                Candidate(
                    content=tuple(spans),
                    type="direct",
                    evidence=Evidence.TRANSCRIPT_TURN,
                    speaker=((who_start, who_start + len(who)),),
                    speaker_name_hint=_LABEL_NAMES.get(who),
                    sentence=(match.start(), spans[-1][1]),
                    full_content=(spans[0][0], spans[-1][1]),
                    confidence=conf.TRANSCRIPT_TURN,
                )
            )
        return out
