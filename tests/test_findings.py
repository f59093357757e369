"""The headline check on hand-made articles (findings.py)."""

from __future__ import annotations

from quotetrace.findings import headline_findings
from quotetrace.model import Article, Party, Quote


def _quote(qid: str, text: str, body: str, speaker: str | None, parent: str | None = None) -> Quote:
    start = body.index(text)
    party = Party(name=speaker, entity="e-" + speaker) if speaker else None
    return Quote(qid, "indirect", ((start, start + len(text)),), text, speaker=party, parent=parent)


BODY = (
    "Mayor Ana Ortiz spoke on Tuesday.\n\n"
    "Ortiz said the harbour bridge will close for repairs next winter.\n\n"
    "Residents were not told when the work would start."
)


def test_headline_resting_on_one_named_source() -> None:
    q = _quote("q1", "the harbour bridge will close for repairs next winter", BODY, "Ana Ortiz")
    article = Article(
        "a",
        "Harbour bridge to close for repairs\n\n" + BODY,
        title="Harbour bridge to close for repairs",
    )
    shifted = _quote("q1", q.text, article.text, "Ana Ortiz")
    findings = headline_findings(article, [shifted])
    assert [f.type for f in findings] == ["headline-single-source"]
    assert findings[0].source == "Ana Ortiz"


def test_no_finding_when_the_body_states_it_itself() -> None:
    title = "Harbour bridge to close for repairs"
    text = f"{title}\n\nThe harbour bridge will close for repairs in winter.\n\n{BODY}"
    article = Article("a", text, title=title)
    q = _quote("q1", "the harbour bridge will close for repairs next winter", text, "Ana Ortiz")
    assert headline_findings(article, [q]) == []


def test_no_finding_for_unnamed_sources_or_unrelated_headlines() -> None:
    text = "Storm hits coast\n\nPolice said the harbour bridge will close for repairs next winter."
    article = Article("a", text, title="Storm hits coast")
    q = Quote(
        "q1",
        "indirect",
        ((text.index("the harbour"), len(text) - 1),),
        "x",
        speaker=Party(name="Police"),
    )
    assert headline_findings(article, [q]) == []


def test_chain_goes_back_to_the_outermost_speaker() -> None:
    text = (
        "Minister resigned after vote\n\n"
        "Lopez said Reed told her the minister resigned after the vote."
    )
    article = Article("a", text, title="Minister resigned after vote")
    outer = _quote("q1", "Reed told her the minister resigned after the vote", text, "Maria Lopez")
    inner = _quote("q2", "the minister resigned after the vote", text, "Tom Reed", parent="q1")
    findings = headline_findings(article, [outer, inner])
    assert findings and findings[0].source == "Maria Lopez"
