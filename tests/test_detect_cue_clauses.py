"""The cue-clause detector (detect/cue_clauses.py) on small parses: the content rule, the speaker,
the addressee, negation, kinds, and the clauses of verbs no lexicon lists."""

from __future__ import annotations

from dataclasses import replace

import pytest
from detect_support import analyse, texts

from quotetrace.detect import confidence
from quotetrace.detect.candidate import Candidate
from quotetrace.detect.evidence import ClauseRule, Evidence
from quotetrace.pipeline import Pipeline


def one_clause(pipeline: Pipeline, text: str, *, every_sentence: bool = False) -> Candidate:
    found = pipeline.clauses.detect(analyse(pipeline, text, every_sentence=every_sentence))
    assert len(found) == 1, [c.label for c in found]
    return found[0]


def test_clausal_complement_with_its_speaker_and_cue(pipeline: Pipeline) -> None:
    text = "Mayor Ana Ortiz said on Tuesday that the bridge would reopen in May."
    cand = one_clause(pipeline, text)
    assert texts(text, cand.content) == ["the bridge would reopen in May"]  # no "that"
    assert texts(text, cand.cue) == ["said"]
    assert texts(text, cand.speaker) == ["Ana Ortiz"]  # the name without its title
    assert cand.addressee == ()
    assert (cand.type, cand.kind, cand.cue_lemma, cand.negated) == (
        "indirect",
        "speech",
        "say",
        False,
    )
    assert (cand.evidence, cand.rule) == (Evidence.CUE_CLAUSE, ClauseRule.CCOMP)
    assert cand.label == "cue-clause:ccomp"
    assert cand.confidence == confidence.CLAUSE_COMPLEMENT
    assert cand.sentence == (0, len(text))


def test_object_of_tell_is_the_addressee(pipeline: Pipeline) -> None:
    text = "The minister told reporters that the border would stay closed."
    cand = one_clause(pipeline, text)
    assert texts(text, cand.content) == ["the border would stay closed"]
    assert texts(text, cand.speaker) == ["The minister"]
    assert texts(text, cand.addressee) == ["reporters"]


def test_negated_cue_is_marked_for_the_merge_step(pipeline: Pipeline) -> None:
    cand = one_clause(pipeline, "The minister did not say that the border would reopen.")
    assert cand.negated


def test_urged_to_the_infinitive_is_the_content(pipeline: Pipeline) -> None:
    text = "The senator urged Congress to pass the bill before the recess."
    cand = one_clause(pipeline, text)
    assert texts(text, cand.content) == ["to pass the bill before the recess"]
    assert texts(text, cand.addressee) == ["Congress"]
    assert cand.rule is ClauseRule.XCOMP
    assert cand.label == "cue-clause:xcomp"
    assert cand.confidence == confidence.CLAUSE_OTHER


def test_noun_phrase_object_of_deny(pipeline: Pipeline) -> None:
    text = "The official denied the claims about the contract."
    cand = one_clause(pipeline, text)
    assert texts(text, cand.content) == ["the claims about the contract"]
    assert cand.rule is ClauseRule.OBJECT


def test_called_it_with_its_complement(pipeline: Pipeline) -> None:
    text = "He called the plan “a recipe for disaster” and left."
    cand = one_clause(pipeline, text)
    assert texts(text, cand.content) == ["the plan “a recipe for disaster”"]  # not "and left"
    assert cand.rule is ClauseRule.OBJECT_COMPLEMENT


def test_called_for_takes_the_particle_into_the_cue(pipeline: Pipeline) -> None:
    text = "She called for an inquiry to be opened into the deaths."
    cand = one_clause(pipeline, text)
    assert texts(text, cand.cue) == ["called", "for"]
    assert texts(text, cand.content) == ["an inquiry to be opened into the deaths"]
    assert cand.label == "cue-clause:call-for"


def test_called_for_a_noun_phrase_is_the_demand(pipeline: Pipeline) -> None:
    text = "The senator called for an end to the war on drugs."
    cand = one_clause(pipeline, text)
    assert texts(text, cand.cue) == ["called", "for"]
    assert texts(text, cand.content) == ["an end to the war on drugs"]
    assert cand.label == "cue-clause:call-for"


@pytest.mark.parametrize(
    "text",
    [
        "He called for calm.",  # one word: a gesture, not a stated demand
        "The outbreak may call for containment measures like those for influenza.",  # no act yet
    ],
)
def test_called_for_without_a_stated_demand_is_no_clause(pipeline: Pipeline, text: str) -> None:
    assert pipeline.clauses.detect(analyse(pipeline, text)) == []


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        (
            "The senator vowed to build a wall on the border.",
            "vowed",
            "to build a wall on the border",
        ),
        (
            "Azerbaijan claimed to have killed 2,300 soldiers.",
            "claimed",
            "to have killed 2,300 soldiers",
        ),
        ("She threatened to sue the newspaper.", "threatened", "to sue the newspaper"),
    ],
)
def test_claim_or_commissive_with_an_infinitive_is_its_content(
    pipeline: Pipeline, text: str, cue: str, content: str
) -> None:
    cand = one_clause(pipeline, text)
    assert texts(text, cand.cue) == [cue]
    assert texts(text, cand.content) == [content]
    assert cand.rule is ClauseRule.XCOMP


@pytest.mark.parametrize(
    "text",
    [
        "He is not nearly as rich as he claims to be.",  # nothing said beyond the verb
        "The company could threaten to close the plant.",  # a possibility, no act
        "The council agreed to close the plant.",  # an act, not speech
    ],
)
def test_infinitive_without_a_stated_claim_is_no_clause(pipeline: Pipeline, text: str) -> None:
    assert pipeline.clauses.detect(analyse(pipeline, text)) == []


@pytest.mark.parametrize(
    ("text", "content"),
    [
        (
            "The editor noted the decline in the power of newspapers.",
            "the decline in the power of newspapers",
        ),
        ("The minister stressed the need for talks.", "the need for talks"),
    ],
)
def test_noun_phrase_object_of_a_noting_verb_is_the_content(
    pipeline: Pipeline, text: str, content: str
) -> None:
    cand = one_clause(pipeline, text)
    assert texts(text, cand.content) == [content]
    assert cand.rule is ClauseRule.OBJECT


def test_weak_cue_with_a_bare_object_is_no_clause(pipeline: Pipeline) -> None:
    assert pipeline.clauses.detect(analyse(pipeline, "He added a new chapter to the book.")) == []


def test_appositive_name_is_a_hint_for_the_speaker(pipeline: Pipeline) -> None:
    text = "The mayor of London, Sadiq Khan, said that the city would recover."
    cand = one_clause(pipeline, text)
    assert texts(text, cand.speaker) == ["The mayor of London"]
    assert cand.speaker_name_hint == "Sadiq Khan"


def test_relative_pronoun_points_at_what_it_stands_for(pipeline: Pipeline) -> None:
    text = "The police, who said the suspect had fled, asked for help."
    cand = one_clause(pipeline, text)
    assert texts(text, cand.speaker) == ["who"]
    assert cand.speaker_anchor is not None
    assert texts(text, [cand.speaker_anchor]) == ["The police"]


def test_quoted_as_saying_names_the_one_quoted(pipeline: Pipeline) -> None:
    text = "Reuters quoted the minister as saying that the talks had failed."
    cand = one_clause(pipeline, text)
    assert texts(text, cand.speaker) == ["the minister"]
    assert texts(text, cand.content) == ["the talks had failed"]


def test_a_study_that_found_something_is_a_finding(pipeline: Pipeline) -> None:
    text = "A new study found that coffee drinkers live longer."
    # findings are not a default kind: the pipeline would not parse this sentence
    assert pipeline.clauses.detect(analyse(pipeline, text)) == []
    cand = one_clause(pipeline, text, every_sentence=True)
    assert cand.kind == "finding"
    assert texts(text, cand.content) == ["coffee drinkers live longer"]


def test_unlisted_verbs_are_open_cues_only_when_asked(pipeline: Pipeline) -> None:
    text = "The senator railed that the bill was a disgrace."
    analysis = analyse(pipeline, text, every_sentence=True)
    assert pipeline.clauses.detect(analysis) == []  # "rail" is in no cue lexicon
    found = list(pipeline.clauses.verb_clauses(text, analysis.parsed, every_verb=True))
    assert len(found) == 1
    _, token, cand = found[0]
    assert token.text == "railed"
    assert (cand.evidence, cand.label, cand.cue_lemma) == (
        Evidence.OPEN_CUE,
        "open-cue:ccomp",
        "rail",
    )
    assert texts(text, cand.content) == ["the bill was a disgrace"]


def test_every_span_slices_the_text(pipeline: Pipeline) -> None:
    text = (
        "“We will rebuild,” Ortiz said.\n\nThe minister told reporters that the border "
        "would stay closed, and the senator urged Congress to act."
    )
    found = pipeline.clauses.detect(analyse(pipeline, text))
    assert len(found) == 3
    for cand in found:
        for start, end in (*cand.content, *cand.cue, *cand.speaker, *cand.addressee):
            assert 0 <= start < end <= len(text)
            assert text[start:end].strip() == text[start:end]


def test_no_clause_before_a_semicolon_is_the_content(pipeline: Pipeline) -> None:
    text = "The road was closed on Monday; the council reported that repairs would take a week."
    cand = one_clause(pipeline, text)
    assert texts(text, cand.content) == ["repairs would take a week"]


def test_read_is_a_cue_only_beside_a_quote_or_with_a_clause(pipeline: Pipeline) -> None:
    text = "She read the report on the train."
    assert pipeline.clauses.detect(analyse(pipeline, text)) == []  # a bare object: no content


def test_quoted_complement_the_parse_hung_inside_the_object(pipeline: Pipeline) -> None:
    text = "Watson called the minister’s plan “lousy” and left."
    cand = one_clause(pipeline, text)
    assert texts(text, cand.content) == ["the minister’s plan “lousy”"]
    assert cand.rule is ClauseRule.OBJECT_COMPLEMENT
    # a name or title wholly in marks is no complement: "called “Dark Waters”" names a thing
    assert pipeline.clauses.detect(analyse(pipeline, "She called “Dark Waters” at noon.")) == []


def test_said_and_added_are_two_clauses_with_one_speaker(pipeline: Pipeline) -> None:
    text = "The mayor said the bridge would reopen and added that tolls would rise."
    found = pipeline.clauses.detect(analyse(pipeline, text))
    assert [
        (texts(text, c.cue), texts(text, c.content), texts(text, c.speaker)) for c in found
    ] == [
        (["said"], ["the bridge would reopen"], ["The mayor"]),
        (["added"], ["tolls would rise"], ["The mayor"]),
    ]


def test_a_reporting_clause_in_brackets_splits_the_content(pipeline: Pipeline) -> None:
    text = "The new bridge (the mayor said on Monday) will open in May."
    cand = one_clause(pipeline, text)
    assert texts(text, cand.content) == ["The new bridge", "will open in May"]
    assert cand.rule is ClauseRule.PARATAXIS


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Sean Conley issued a statement saying the president was well.", "Conley"),
        (
            "Tony Bobulinski held a press conference claiming Biden knew about the deals.",
            "Bobulinski",
        ),
        ("The governor tweeted her reasoning saying the law protects every life.", "governor"),
    ],
)
def test_participle_on_an_object_speaks_for_the_verbs_subject(
    pipeline: Pipeline, text: str, speaker: str
) -> None:
    found = pipeline.clauses.detect(analyse(pipeline, text))
    part = [c for c in found if texts(text, c.cue)[0].endswith("ing")]
    assert len(part) == 1, [c.label for c in found]
    assert texts(text, part[0].speaker)[0].endswith(speaker)


def test_participle_on_a_person_object_keeps_that_person(pipeline: Pipeline) -> None:
    text = "The newspaper quoted a senior official saying the talks had failed."
    found = pipeline.clauses.detect(analyse(pipeline, text))
    part = [c for c in found if texts(text, c.cue) == ["saying"]]
    assert len(part) == 1
    assert texts(text, part[0].speaker) == ["a senior official"]


def test_cue_parsed_as_a_modifier_of_the_reported_subject(pipeline: Pipeline) -> None:
    text = "When asked about climate change, Trump claimed carbon emissions have been lower."
    cand = one_clause(pipeline, text)
    assert texts(text, cand.cue) == ["claimed"]
    assert texts(text, cand.content) == ["carbon emissions have been lower"]
    assert texts(text, cand.speaker) == ["Trump"]


def test_reported_subject_parsed_as_the_cues_object(pipeline: Pipeline) -> None:
    text = (
        "The National Hurricane Center reported Hurricane Dorian in the Caribbean had"
        " strengthened into a Category 5 hurricane."
    )
    cand = one_clause(pipeline, text)
    assert texts(text, cand.content) == [
        "Hurricane Dorian in the Caribbean had strengthened into a Category 5 hurricane"
    ]


def test_object_then_a_clause_of_its_own_is_no_complement(pipeline: Pipeline) -> None:
    text = "Reuters reported the attack when it happened."
    assert [texts(text, c.content) for c in pipeline.clauses.detect(analyse(pipeline, text))] in (
        [],
        [["the attack"]],
    )


def test_participle_after_a_complement_whose_subject_cannot_speak(pipeline: Pipeline) -> None:
    text = "The prosecutor said the trial must begin in May, adding that the court would sit daily."
    found = pipeline.clauses.detect(analyse(pipeline, text))
    adding = [c for c in found if texts(text, c.cue) == ["adding"]]
    assert len(adding) == 1
    assert texts(text, adding[0].speaker) == ["The prosecutor"]


def test_participle_after_a_complement_whose_subject_speaks_is_that_subjects(
    pipeline: Pipeline,
) -> None:
    text = "Zelenskyy shared that Lukashenko apologized for the strikes, claiming he was not in control."
    found = pipeline.clauses.detect(analyse(pipeline, text))
    claiming = [c for c in found if texts(text, c.cue) == ["claiming"]]
    assert len(claiming) == 1
    assert texts(text, claiming[0].speaker) == ["Lukashenko"]


def test_of_two_subjects_the_name_speaks(pipeline: Pipeline) -> None:
    # the parse slip seen on 'Early opponent MP Tanya Davies said, "…"': two nsubj on "said"
    from quotetrace.nlp import ParsedSentence, Token

    text = "Early opponent MP Tanya Davies said"
    rows = [  # text, pos, tag, dep, head
        ("Early", "ADJ", "JJ", "amod", 1),
        ("opponent", "NOUN", "NN", "nsubj", 5),
        ("MP", "PROPN", "NNP", "compound", 4),
        ("Tanya", "PROPN", "NNP", "compound", 4),
        ("Davies", "PROPN", "NNP", "nsubj", 5),
        ("said", "VERB", "VBD", "ROOT", 5),
    ]
    tokens, cursor = [], 0
    for i, (word, pos, tag, dep, head) in enumerate(rows):
        start = text.index(word, cursor)
        cursor = start + len(word)
        tokens.append(Token(i, start, cursor, word, pos, tag, dep, head, "", False))
    sent = ParsedSentence(0, len(text), tuple(tokens))
    subject = pipeline.clauses.subject(sent, tokens[5])
    assert subject is not None and subject.text == "Davies"
    # one subject, or two without a name: the first, as before
    plain = [replace(t, pos="NOUN", tag="NN") if t.i == 4 else t for t in tokens]
    sent = ParsedSentence(0, len(text), tuple(plain))
    assert pipeline.clauses.subject(sent, plain[5]).text == "opponent"  # type: ignore[union-attr]
