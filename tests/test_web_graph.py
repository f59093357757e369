"""The who-quotes-whom graph: nodes, edges from the chains, layout, escaping."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from quotetrace.model import Article, Document, Party, Quote
from quotetrace.output.html_report import speaker_colour
from quotetrace.web.graph import build_graph, graph_to_dict, render_svg, speaker_colours

TEXT = "x" * 200


def _q(id: str, speaker: str | None, *, parent: str | None = None, to: str | None = None) -> Quote:
    return Quote(
        id=id,
        type="direct",
        content=((0, 10),),
        text="words",
        speaker=Party(name=speaker) if speaker else None,
        addressee=Party(name=to) if to else None,
        parent=parent,
    )


def _doc(*quotes: Quote) -> Document:
    return Document(Article(id="a", text=TEXT), quotes=quotes)


# The example article's shape: Zelenskyy tells Fridman that Lukashenko told him something.
CHAIN = _doc(
    _q("q1", "Volodymyr Zelenskyy", to="Lex Fridman"),
    _q("q2", "Alexander Lukashenko", parent="q1", to="Volodymyr Zelenskyy"),
    _q("q3", "Volodymyr Zelenskyy"),
    _q("q4", None),
)


def _by_label(graph: dict) -> dict[str, dict]:
    return {n["label"]: n for n in graph["nodes"]}


def _edges(graph: dict) -> set[tuple[str, str, str]]:
    ids = {n["id"]: n["label"] for n in graph["nodes"]}
    return {(ids[e["source"]], ids[e["target"]], e["kind"]) for e in graph["edges"]}


def test_nodes_are_the_article_speakers_and_addressees() -> None:
    graph = graph_to_dict(build_graph(CHAIN))
    nodes = _by_label(graph)
    assert set(nodes) == {
        "the article",
        "Volodymyr Zelenskyy",
        "Alexander Lukashenko",
        "unnamed source",
        "Lex Fridman",
    }
    assert nodes["the article"]["kind"] == "article"
    assert nodes["Lex Fridman"]["kind"] == "addressee"
    assert nodes["Volodymyr Zelenskyy"]["quotes"] == ["q1", "q3"]


def test_edges_follow_the_chains() -> None:
    graph = graph_to_dict(build_graph(CHAIN))
    assert _edges(graph) == {
        ("the article", "Volodymyr Zelenskyy", "reports"),
        ("the article", "unnamed source", "reports"),
        ("Volodymyr Zelenskyy", "Alexander Lukashenko", "quotes"),
        ("Volodymyr Zelenskyy", "Lex Fridman", "addressed"),
        ("Alexander Lukashenko", "Volodymyr Zelenskyy", "addressed"),
    }
    reports = [e for e in graph["edges"] if e["kind"] == "reports" and e["quotes"] == ["q1", "q3"]]
    assert reports and reports[0]["label"] == "reports ×2"
    assert all(e["dashed"] == (e["kind"] == "addressed") for e in graph["edges"])


def test_layout_rows_follow_nesting_depth() -> None:
    nodes = _by_label(graph_to_dict(build_graph(CHAIN)))
    article, zel, luk, fridman = (
        nodes[n]["y"]
        for n in ("the article", "Volodymyr Zelenskyy", "Alexander Lukashenko", "Lex Fridman")
    )
    assert article < zel < luk < fridman
    graph = build_graph(CHAIN)
    for node in graph.nodes:
        assert 0 < node.x < graph.width and 0 < node.y < graph.height


def test_parallel_edges_take_different_paths() -> None:
    doc = _doc(
        _q("q1", "A", to="B"),
        _q("q2", "B", parent="q1", to="A"),
        _q("q3", "A", parent="q2", to="B"),
    )
    graph = graph_to_dict(build_graph(doc))
    paths = [e["path"] for e in graph["edges"]]
    assert len(paths) == len(set(paths))
    for path in paths:  # only commands and numbers: safe in a d attribute
        assert re.fullmatch(r"[MQC0-9., -]+", path), path


def test_self_quotes_are_loops() -> None:
    doc = _doc(_q("q1", "A"), _q("q2", "A", parent="q1"))
    graph = graph_to_dict(build_graph(doc))
    loops = [e for e in graph["edges"] if e["source"] == e["target"]]
    assert len(loops) == 1 and loops[0]["kind"] == "quotes" and loops[0]["path"].count("C") == 1


def test_colours_are_the_html_reports() -> None:
    colours = speaker_colours(CHAIN)
    assert list(colours) == ["Volodymyr Zelenskyy", "Alexander Lukashenko", "?"]
    assert colours["Alexander Lukashenko"] == speaker_colour("Alexander Lukashenko", 1)
    nodes = _by_label(graph_to_dict(build_graph(CHAIN)))
    assert nodes["Alexander Lukashenko"]["colour"] == colours["Alexander Lukashenko"]


def test_empty_document_has_only_the_article() -> None:
    graph = graph_to_dict(build_graph(_doc()))
    assert [n["label"] for n in graph["nodes"]] == ["the article"]
    assert graph["edges"] == []


def test_a_speaker_named_article_is_not_the_article() -> None:
    graph = graph_to_dict(build_graph(_doc(_q("q1", "article"))))
    assert [n["kind"] for n in graph["nodes"]] == ["article", "speaker"]
    assert len(graph["edges"]) == 1


def test_svg_escapes_names() -> None:
    evil = '<script>alert(1)</script> & "Bob"'
    doc = _doc(_q("q1", evil, to="<img src=x onerror=alert(1)>"))
    svg = render_svg(build_graph(doc))
    assert "<script>" not in svg and "<img" not in svg
    root = ET.fromstring(svg)  # well-formed
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert evil in texts and "<img src=x onerror=alert(1)>" in texts
