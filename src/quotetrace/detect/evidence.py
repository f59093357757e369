"""What proposed a candidate: the detector and its rule, as enums.

Control flow tests these members, never strings. The output keeps the strings it always had
(``Candidate.label``): "cue-clause:ccomp", "open-cue:xcomp", "according-to", "colon-line",
"transcript-turn", "direct:cue-after", "direct:cue-before", "direct:no-cue", a direct quote
attributed by a clause "direct:" + that clause's label ("direct:cue-clause:ccomp"), and "+split"
once per extra span the merge step joined to a direct quote ("direct:cue-after+split").
"""

from __future__ import annotations

from enum import StrEnum


class Evidence(StrEnum):
    """The detector rule that proposed a candidate; the value is its label in the output."""

    CUE_CLAUSE = "cue-clause"  # a listed cue verb's clause ("X said that …"), with a ClauseRule
    OPEN_CUE = "open-cue"  # any verb's clause, judged by a learned cue model, with a ClauseRule
    ACCORDING_TO = "according-to"  # "according to X, …"
    NOUN_CUE = "noun-cue"  # "the warning that …", "her offer to resign"
    COLON_LINE = "colon-line"  # "Trump: Cruz has to come a long way"
    TRANSCRIPT_TURN = "transcript-turn"  # "((Zara Kay)) So, I am 26 now."
    DIRECT_CUE_AFTER = "direct:cue-after"  # "“…,” Zelenskyy said"
    DIRECT_CUE_BEFORE = "direct:cue-before"  # "Zelenskyy said: “…”"
    DIRECT_CLAUSE = "direct"  # marks inside a clause's complement; label "direct:" + the clause's
    DIRECT_NO_CUE = "direct:no-cue"  # marks that read like speech, with no cue


class ClauseRule(StrEnum):
    """Which part of a cue verb's clause is its content."""

    CCOMP = "ccomp"  # the clausal complement ("said (that) …"), also when the parse missed it
    CALL_FOR = "call-for"  # "called for X to …", "called on X to …"
    PARATAXIS = "parataxis"  # "The plan, he said, is flawed"
    COLON = "colon"  # "He said: …"
    XCOMP = "xcomp"  # "urged Congress to act"
    STANCE = "stance"  # "plans to run", "endorsed Clinton"
    OBJECT_COMPLEMENT = "object-complement"  # "called it a sham", "dismissed it as a hoax"
    OBJECT = "object"  # "denied the claims"
    PREP_OBJECT = "prep-object"  # "warned against hackers" (with topics)
