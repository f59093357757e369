"""The confidence each detector rule gives its candidates, in one table.

A quote's ``confidence`` starts here; the speaker resolution may lower it (a speaker taken from
context, the learned ranker's probability). "Unclosed" is a direct quote whose opening mark never
closed (``MarkedQuote.terminated`` is False).
"""

from __future__ import annotations

DEFAULT = 0.5  # a Candidate built without one (tests, hand-made candidates)

# cue-verb clauses (cue_clauses.py)
CLAUSE_COMPLEMENT = 0.75  # the clausal complement: "said (that) …"
CLAUSE_OTHER = 0.55  # every other content rule: objects, infinitives, colons, "call for"

ACCORDING_TO = 0.7  # "according to X, …" (according_to.py)
NOUN_CUE = 0.6  # "the warning that …", "her offer to resign" (noun_cues.py)
COLON_LINE = 0.5  # "Trump: Cruz has to come a long way" (colon.py)
TRANSCRIPT_TURN = 0.7  # an interview turn after a speaker label (transcript.py)

# direct quotes (direct.py): closed marks, and marks that never closed
DIRECT_CUE_BESIDE = 0.9  # a cue verb right after or before the marks
DIRECT_CUE_BESIDE_UNCLOSED = 0.65
DIRECT_IN_CLAUSE = 0.8  # the marks sit in a cue clause's complement
DIRECT_IN_CLAUSE_UNCLOSED = 0.6
DIRECT_NO_CUE = 0.45  # no cue, but the marks read like speech
DIRECT_NO_CUE_UNCLOSED = 0.3

# speaker resolution (attribute/resolve.py): a quote with no speaker of its own that takes one
# from its context (the previous speaker, the subject of the sentence introducing it)
SPEAKER_FROM_CONTEXT = 0.8  # a factor on the detector's confidence
