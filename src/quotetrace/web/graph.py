"""The who-quotes-whom graph of one article, laid out for drawing.

Nodes are the article and every speaker (and addressee); edges come from the chains: the article
"reports" a top-level quote, a speaker "quotes" whoever speaks inside their quote, and a dashed edge
goes from a speaker to the person addressed. ``graph_to_dict`` gives JSON that the page draws with
DOM calls (names as text nodes); ``render_svg`` gives the same drawing as escaped SVG markup.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Any, Literal

from quotetrace.model import Document, Quote
from quotetrace.output.html_report import speaker_colour

EdgeKind = Literal["reports", "quotes", "addressed"]
Anchor = Literal["start", "middle", "end"]
NodeKind = Literal["article", "speaker", "addressee"]

UNNAMED = "?"  # the key html_report uses for a quote without a resolved speaker
_ARTICLE = "\x00article"  # the article's node key: never a name
ARTICLE_COLOUR = "#f3f4f6"
ADDRESSEE_COLOUR = "#ffffff"
_ROW_HEIGHT = 130
_GAP = 140  # between neighbours on a row: room for the edge labels
_MARGIN = 40
_NODE_RY = 18
_MAX_LABEL = 32


def speaker_key(quote: Quote) -> str:
    return quote.speaker.name if quote.speaker and quote.speaker.name else UNNAMED


def speaker_label(key: str) -> str:
    return "unnamed source" if key == UNNAMED else key


def speaker_colours(doc: Document) -> dict[str, str]:
    """Speaker key → colour, in order of first appearance (the same colours as the HTML report)."""
    keys: list[str] = []
    for quote in doc.quotes:
        key = speaker_key(quote)
        if key not in keys:
            keys.append(key)
    return {key: speaker_colour(key, i) for i, key in enumerate(keys)}


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    kind: NodeKind
    colour: str
    x: float
    y: float
    rx: float
    ry: float
    quotes: tuple[str, ...]  # ids of the quotes this person speaks


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: EdgeKind
    quotes: tuple[str, ...]
    path: str  # SVG path data: numbers and commands only
    label_x: float
    label_y: float
    label_anchor: Anchor  # text-anchor: labels sit on the outer side of the curve

    @property
    def label(self) -> str:
        return self.kind if len(self.quotes) == 1 else f"{self.kind} ×{len(self.quotes)}"


@dataclass(frozen=True)
class Graph:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    width: float
    height: float


def _depth(quote: Quote, by_id: dict[str, Quote]) -> int:
    depth, seen = 0, {quote.id}
    while quote.parent and quote.parent in by_id and quote.parent not in seen:
        quote = by_id[quote.parent]
        seen.add(quote.id)
        depth += 1
    return depth


def _rx(label: str) -> float:
    return max(38.0, 3.7 * min(len(label), _MAX_LABEL) + 16)


def _short(label: str) -> str:
    return label if len(label) <= _MAX_LABEL else label[: _MAX_LABEL - 1] + "…"


def _f(value: float) -> str:
    return f"{value:.1f}"


def _edge_geometry(a: Node, b: Node, lane: int) -> tuple[str, float, float, Anchor]:
    """A curved path from ``a`` to ``b``, bent to its left so that A→B and B→A do not overlap;
    ``lane`` > 0 bends further, for a second edge between the same two nodes. Also where its
    label goes: beside the curve, on the side it bends to."""
    if a.id == b.id:  # a loop on the right-hand side
        x, y, reach = a.x + a.rx * 0.8, a.y, 60 + 30 * lane
        path = (
            f"M{_f(x)},{_f(y - a.ry * 0.6)} C{_f(x + reach)},{_f(y - 45)} "
            f"{_f(x + reach)},{_f(y + 45)} {_f(x)},{_f(y + a.ry * 0.6)}"
        )
        return path, x + reach - 8, y + 4, "start"
    dx, dy = b.x - a.x, b.y - a.y
    dist = math.hypot(dx, dy) or 1.0
    bend = max(24.0, min(60.0, 0.18 * dist)) + 34 * lane
    nx, ny = dy / dist, -dx / dist  # unit normal, to the left of a → b
    cx, cy = (a.x + b.x) / 2 + nx * bend, (a.y + b.y) / 2 + ny * bend

    def rim(node: Node, tx: float, ty: float) -> tuple[float, float]:
        ux, uy = tx - node.x, ty - node.y
        scale = 1 / (math.hypot(ux / node.rx, uy / node.ry) or 1.0)
        return node.x + ux * scale, node.y + uy * scale

    x1, y1 = rim(a, cx, cy)
    x2, y2 = rim(b, cx, cy)
    path = f"M{_f(x1)},{_f(y1)} Q{_f(cx)},{_f(cy)} {_f(x2)},{_f(y2)}"
    # the label at 40 % of the way, so that labels of edges meeting at a node stay apart
    mx, my = 0.36 * x1 + 0.48 * cx + 0.16 * x2, 0.36 * y1 + 0.48 * cy + 0.16 * y2
    anchor: Anchor = "start" if nx > 0.5 else "end" if nx < -0.5 else "middle"
    shift = {"start": 5.0, "end": -5.0, "middle": 0.0}[anchor]
    return path, mx + shift, my + (4.0 if anchor != "middle" else 4.0 + 7 * ny), anchor


def build_graph(doc: Document) -> Graph:
    """Lay out the article's chains: the article on top, each speaker one row per nesting level,
    people who are only ever addressed on the last row."""
    by_id = {q.id: q for q in doc.quotes}
    colours = speaker_colours(doc)
    level: dict[str, int] = {}
    spoken: dict[str, list[str]] = {}
    for quote in doc.quotes:
        key = speaker_key(quote)
        level[key] = min(level.get(key, 99), 1 + _depth(quote, by_id))
        spoken.setdefault(key, []).append(quote.id)
    addressed = [
        q.addressee.name
        for q in doc.quotes
        if q.addressee and q.addressee.name and q.addressee.name not in level
    ]
    last = max(level.values(), default=0) + 1
    for name in addressed:
        level.setdefault(name, last)

    rows: dict[int, list[str]] = {0: [_ARTICLE]}
    for key in level:  # insertion order: first appearance
        rows.setdefault(level[key], []).append(key)
    row_numbers = sorted(rows)
    widest = max(sum(2 * _rx(speaker_label(k)) + _GAP for k in rows[r]) for r in row_numbers)
    width = max(880.0, widest + 2 * _MARGIN)
    nodes: dict[str, Node] = {}
    for row_index, r in enumerate(row_numbers):
        keys = rows[r]
        y = _MARGIN + row_index * _ROW_HEIGHT
        # a lone node zigzags, so that an edge skipping a row does not run through it
        zigzag = (-1) ** row_index * width * 0.12 if len(keys) == 1 and row_index else 0.0
        for i, key in enumerate(keys):
            x = width * (i + 1) / (len(keys) + 1) + zigzag
            if key == _ARTICLE:
                label, kind, colour = "the article", "article", ARTICLE_COLOUR
            elif key in spoken:
                label, kind, colour = speaker_label(key), "speaker", colours[key]
            else:
                label, kind, colour = key, "addressee", ADDRESSEE_COLOUR
            nodes[key] = Node(
                id="article" if key == _ARTICLE else f"n{len(nodes)}",
                label=label,
                kind=kind,  # type: ignore[arg-type]
                colour=colour,
                x=x,
                y=y,
                rx=_rx(label),
                ry=_NODE_RY,
                quotes=tuple(spoken.get(key, ())),
            )

    grouped: dict[tuple[str, str, EdgeKind], list[str]] = {}
    for quote in doc.quotes:
        key = speaker_key(quote)
        parent = by_id.get(quote.parent) if quote.parent else None
        if parent is None:
            grouped.setdefault((_ARTICLE, key, "reports"), []).append(quote.id)
        else:
            grouped.setdefault((speaker_key(parent), key, "quotes"), []).append(quote.id)
        if quote.addressee and quote.addressee.name:
            grouped.setdefault((key, quote.addressee.name, "addressed"), []).append(quote.id)
    edges = []
    lanes: dict[tuple[str, str], int] = {}
    for (src, dst, kind), ids in grouped.items():
        a, b = nodes[src], nodes[dst]
        lane = lanes[src, dst] = lanes.get((src, dst), -1) + 1
        path, lx, ly, anchor = _edge_geometry(a, b, lane)
        edges.append(Edge(a.id, b.id, kind, tuple(ids), path, lx, ly, anchor))
    height = _MARGIN * 2 + (len(row_numbers) - 1) * _ROW_HEIGHT
    return Graph(tuple(nodes.values()), tuple(edges), round(width, 1), float(height))


def graph_to_dict(graph: Graph) -> dict[str, Any]:
    return {
        "width": graph.width,
        "height": graph.height,
        "nodes": [
            {
                "id": n.id,
                "label": n.label,
                "short": _short(n.label),
                "kind": n.kind,
                "colour": n.colour,
                "x": round(n.x, 1),
                "y": round(n.y, 1),
                "rx": round(n.rx, 1),
                "ry": n.ry,
                "quotes": list(n.quotes),
            }
            for n in graph.nodes
        ],
        "edges": [
            {
                "source": e.source,
                "target": e.target,
                "kind": e.kind,
                "dashed": e.kind == "addressed",
                "quotes": list(e.quotes),
                "label": e.label,
                "path": e.path,
                "label_x": round(e.label_x, 1),
                "label_y": round(e.label_y, 1),
                "label_anchor": e.label_anchor,
            }
            for e in graph.edges
        ],
    }


def render_svg(graph: Graph) -> str:
    """The graph as a standalone SVG document; every name is escaped."""
    esc = html.escape
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="qt-graph" width="{_f(graph.width)}" '
        f'height="{_f(graph.height)}" viewBox="0 0 {_f(graph.width)} {_f(graph.height)}" '
        'role="img" aria-label="who quotes whom">',
        '<defs><marker id="qt-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/>'
        "</marker></defs>",
    ]
    for e in graph.edges:
        dash = ' stroke-dasharray="5 4"' if e.kind == "addressed" else ""
        parts.append(
            f'<g class="edge {e.kind}"><path d="{esc(e.path)}" fill="none" stroke="#555"{dash} '
            f'marker-end="url(#qt-arrow)"/><text x="{_f(e.label_x)}" y="{_f(e.label_y)}" '
            f'font-size="11" text-anchor="{e.label_anchor}">{esc(e.label)}</text></g>'
        )
    for n in graph.nodes:
        parts.append(
            f'<g class="node {n.kind}"><title>{esc(n.label)}</title><ellipse cx="{_f(n.x)}" '
            f'cy="{_f(n.y)}" rx="{_f(n.rx)}" ry="{_f(n.ry)}" fill="{esc(n.colour)}" stroke="#333"/>'
            f'<text x="{_f(n.x)}" y="{_f(n.y + 4)}" font-size="12" text-anchor="middle">'
            f"{esc(_short(n.label))}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)
