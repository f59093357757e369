"""The stage contract (detect/analysis.py), the evidence labels (detect/evidence.py) and the
grammar helpers (detect/grammar.py) the detectors share."""

from __future__ import annotations

import dataclasses

import pytest
from detect_support import analyse

from quotetrace.detect.analysis import Detector
from quotetrace.detect.candidate import Candidate
from quotetrace.detect.evidence import ClauseRule, Evidence
from quotetrace.detect.grammar import first_token, span_of, trim
from quotetrace.pipeline import Pipeline

TEXT = "Mayor Ana Ortiz said on Tuesday: “We will rebuild the bridge, whatever it costs.”"


def test_the_analysis_cannot_be_changed(pipeline: Pipeline) -> None:
    analysis = analyse(pipeline, TEXT)
    with pytest.raises(dataclasses.FrozenInstanceError):
        analysis.text = "something else"  # type: ignore[misc]
    clause = pipeline.clauses.detect(analysis)
    extended = analysis.with_clauses(clause)
    assert analysis.clauses == () and extended.clauses == tuple(clause)
    assert extended.parsed is analysis.parsed


def test_analysis_fields_slice_the_text(pipeline: Pipeline) -> None:
    analysis = analyse(pipeline, TEXT, boilerplate=((0, 5),), every_sentence=True)
    assert analysis.paragraphs == ((0, len(TEXT)),)
    assert [TEXT[s.start : s.end] for s in analysis.parsed] == [TEXT]
    assert [TEXT[s:e] for s, e in analysis.quoted] == [
        "“We will rebuild the bridge, whatever it costs.”"
    ]
    assert analysis.in_boilerplate(0) and not analysis.in_boilerplate(5)
    assert {"ana", "ortiz"} <= analysis.person_names


def test_every_detector_of_the_pipeline_keeps_the_contract(pipeline: Pipeline) -> None:
    detectors: list[Detector] = [
        pipeline.clauses,
        pipeline.according,
        pipeline.noun_cues,
        pipeline.colon,
        pipeline.direct,
        pipeline.transcript,
    ]
    analysis = analyse(pipeline, TEXT)
    for detector in detectors:
        found = detector.detect(analysis)
        assert all(isinstance(c, Candidate) for c in found)
        assert detector.detect(analysis) == found  # nothing was changed by the first call


def test_labels_are_the_strings_the_output_always_had() -> None:
    def label(evidence: Evidence, **fields: object) -> str:
        return Candidate(((0, 1),), "direct", evidence, **fields).label  # type: ignore[arg-type]

    assert label(Evidence.CUE_CLAUSE, rule=ClauseRule.OBJECT_COMPLEMENT) == (
        "cue-clause:object-complement"
    )
    assert label(Evidence.OPEN_CUE, rule=ClauseRule.PREP_OBJECT) == "open-cue:prep-object"
    assert label(Evidence.DIRECT_CLAUSE, via=Evidence.ACCORDING_TO) == "direct:according-to"
    assert label(Evidence.DIRECT_CLAUSE, via=Evidence.CUE_CLAUSE, rule=ClauseRule.CALL_FOR) == (
        "direct:cue-clause:call-for"
    )
    assert label(Evidence.DIRECT_CUE_AFTER, splits=2) == "direct:cue-after+split+split"
    assert [e.value for e in Evidence] == [
        "cue-clause",
        "open-cue",
        "according-to",
        "noun-cue",
        "colon-line",
        "transcript-turn",
        "direct:cue-after",
        "direct:cue-before",
        "direct",
        "direct:no-cue",
    ]
    assert Evidence.DIRECT_NO_CUE == "direct:no-cue"  # a str: compares with stored output


def test_grammar_helpers(pipeline: Pipeline) -> None:
    analysis = analyse(pipeline, TEXT)
    [sent] = analysis.parsed
    # punctuation is left out of a span, quote marks are not
    assert span_of(t for t in sent.tokens if t.text in (":", ".")) is None
    assert [t.text for t in sent.tokens[-4:]] == ["it", "costs", ".", "”"]
    span = span_of(sent.tokens[-4:])
    assert span is not None and TEXT[span[0] : span[1]] == "it costs.”"
    said = next(t for t in sent.tokens if t.text == "said")
    assert first_token(sent, said).text == "Mayor"
    assert trim(", — the bridge. ", 0, 16) == (4, 14)
    assert trim(" ,;: ", 0, 5) == (5, 5)
