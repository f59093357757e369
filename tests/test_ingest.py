"""The ingest stage: every input kind, every way an input can be bad."""

from __future__ import annotations

import gzip
import io
import json
import random
from pathlib import Path

import pytest

from quotetrace import bench_html
from quotetrace.cli import main
from quotetrace.errors import UnreadableArticle
from quotetrace.ingest import (
    analyse_header,
    article_from_html,
    article_from_json,
    iter_articles,
    parse_dateline,
    read_text_file,
)
from quotetrace.ingest.header import furniture_pattern, parse_byline
from quotetrace.limits import Limits
from quotetrace.model import Article, Failure

EXAMPLE = Path(__file__).resolve().parents[2] / "shared" / "examples" / "lukashenko-apology.txt"

# A synthetic scraped news page: header furniture, then the story.
SCRAPED = """Mayor Vows "No Retreat" on River Bridge Plan

By Jane Doe

March 3, 2024 9:15 AM EST

World
Photo: John Roe / Example Agency
Photo: John Roe / Example Agency
The old bridge at dawn, seen from the east bank.

Trending Now

TRENDING NOW

The mayor of Riverton said on Sunday that the city would finish the bridge whatever the cost.

"We will not retreat," Mayor Ann Smith told reporters. "The bridge is our future."

Advertisement

Read more: Riverton council approves the budget

Critics said the plan was far too expensive for a city of its size.
"""


def _lines_in(article: Article) -> list[str]:
    return [article.text[start:end] for start, end in article.boilerplate]


def _write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def _only(items: list[Article | Failure]) -> Article | Failure:
    assert len(items) == 1, items
    return items[0]


# --- plain text ----------------------------------------------------------------------------------


def test_txt_metadata(tmp_path: Path) -> None:
    article = read_text_file(_write(tmp_path / "riverton-bridge.txt", SCRAPED))
    assert article.id == "riverton-bridge"
    assert article.text == SCRAPED
    assert article.title == 'Mayor Vows "No Retreat" on River Bridge Plan'
    assert article.author == "Jane Doe"
    assert article.published == "2024-03-03T09:15:00-05:00"
    assert article.source == str(tmp_path / "riverton-bridge.txt")
    assert not article.from_html


def test_txt_boilerplate_spans(tmp_path: Path) -> None:
    article = read_text_file(_write(tmp_path / "a.txt", SCRAPED))
    assert _lines_in(article) == [
        "By Jane Doe",
        "March 3, 2024 9:15 AM EST",
        "World",
        "Photo: John Roe / Example Agency",
        "Photo: John Roe / Example Agency",
        "Trending Now",
        "TRENDING NOW",
        "Advertisement",
        "Read more: Riverton council approves the budget",
    ]
    quote = article.text.index('"We will not retreat,"')
    assert not any(start <= quote < end for start, end in article.boilerplate)
    # Spans are whole lines.
    for start, end in article.boilerplate:
        assert start == 0 or article.text[start - 1] == "\n"
        assert end == len(article.text) or article.text[end] == "\n"


@pytest.mark.parametrize(
    "line",
    [
        "Image: Example Agency",
        "(Photo by John Roe/Getty Images)",
        "The old bridge at dawn. (Photo: John Roe)",
        "Credit: Example Agency",
        "Share this article",
        "Subscribe",
        "  Related  ",
        "12 comments",
    ],
)
def test_furniture_lines(line: str) -> None:
    doc = f"Headline\n\n{line}\n\nA body paragraph that says something, at some length.\n"
    spans = analyse_header(doc).boilerplate
    assert any(doc[start:end] == line for start, end in spans)


@pytest.mark.parametrize(
    "line",
    [
        "According to a Reuters/Ipsos poll, the race is tied.",
        "He read more than anyone on the committee.",
        "The chairman made the point in a series of comments:",
    ],
)
def test_body_lines_are_not_furniture(line: str) -> None:
    doc = f"Headline\n\nFirst paragraph of the story, which is long enough.\n\n{line}\n"
    assert analyse_header(doc).boilerplate == ()


def test_plain_text_without_title() -> None:
    header = analyse_header("The mayor said on Sunday that the bridge would be built.\n\nMore.\n")
    assert header.title is None
    assert analyse_header("Only one line here").title is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Jan.06 - 2025 1:22 PM CET", "2025-01-06T13:22:00+01:00"),
        ("January 6, 2025", "2025-01-06"),
        ("2025-01-06", "2025-01-06"),
        ("6 January 2025", "2025-01-06"),
        ("Published: Monday, July 1, 2024 at 9:05 a.m. ET", "2024-07-01T09:05:00-04:00"),
        ("Updated 6th Jan. 2025, 14.30 GMT", "2025-01-06T14:30:00+00:00"),
        ("2025-01-06T13:22:00Z", "2025-01-06T13:22:00+00:00"),
        ("June 5, 2024 10:00 PDT", "2024-06-05T10:00:00-07:00"),
        ("June 5, 2024 10:00 XYZ", "2024-06-05T10:00:00"),
        ("By Jane Doe | March 3, 2024", "2024-03-03"),
        ("The vote on January 6, 2025 was close.", None),
        ("February 30, 2025", None),
    ],
)
def test_dateline(line: str, expected: str | None) -> None:
    assert parse_dateline(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("By Jane Doe", "Jane Doe"),
        ("Written by Camilla van der Berg", "Camilla van der Berg"),
        ("BY JANE DOE and JOHN ROE", "JANE DOE and JOHN ROE"),
        ("By Jane Doe, Reuters", "Jane Doe"),
        ("By Jane Doe | March 3, 2024", "Jane Doe"),
        ("Author: J. R. Smith", "J. R. Smith"),
        ("By the end of the week, the vote was over.", None),
        ("By and large the plan worked", None),
    ],
)
def test_byline(line: str, expected: str | None) -> None:
    assert parse_byline(line) == expected


def test_lexicon_loads_once() -> None:
    furniture_pattern.cache_clear()
    furniture_pattern()
    furniture_pattern()
    assert furniture_pattern.cache_info().hits == 1


# --- decoding ------------------------------------------------------------------------------------


def test_crlf_and_cr_are_normalised(tmp_path: Path) -> None:
    raw = SCRAPED.replace("\n", "\r\n").encode()
    article = read_text_file(_write(tmp_path / "crlf.txt", raw))
    assert article.text == SCRAPED
    assert "Trending Now" in _lines_in(article)
    old_mac = read_text_file(_write(tmp_path / "cr.txt", b"Title line\r\rBody one.\rBody two.\r"))
    assert old_mac.text == "Title line\n\nBody one.\nBody two.\n"


WESTERN = "Café owner Renée said: “We’re closed.” The naïve plan failed — again.\n"


def test_cp1252_detected(tmp_path: Path) -> None:
    article = read_text_file(_write(tmp_path / "cp1252.txt", WESTERN.encode("cp1252")))
    assert article.text == WESTERN


def test_latin1_detected(tmp_path: Path) -> None:
    body = "Der Bürgermeister sagte, die Straße bleibe gesperrt. Übrigens: schön.\n"
    article = read_text_file(_write(tmp_path / "latin1.txt", (body * 3).encode("latin-1")))
    assert article.text == body * 3


def test_cp1251_still_cyrillic(tmp_path: Path) -> None:
    body = "Президент заявил, что всё хорошо.\n"
    article = read_text_file(_write(tmp_path / "ru.txt", (body * 4).encode("cp1251")))
    assert article.text == body * 4


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_bom_files(tmp_path: Path, encoding: str) -> None:
    raw = WESTERN.encode(encoding)
    if encoding == "utf-16-be":
        raw = b"\xfe\xff" + raw
    article = read_text_file(_write(tmp_path / "bom.txt", raw))
    assert article.text == WESTERN


def test_binary_file_is_skipped(tmp_path: Path) -> None:
    rng = random.Random(7)
    noise = bytes(rng.randrange(256) for _ in range(4096))
    _write(tmp_path / "noise.txt", noise)
    _write(tmp_path / "nul.txt", b"PK\x03\x04\x00\x00binary")
    results = list(iter_articles([str(tmp_path)]))
    assert [(r.article_id, r.reason) for r in results if isinstance(r, Failure)] == [
        ("noise", "binary file, not text"),
        ("nul", "binary file, not text"),
    ]


@pytest.mark.parametrize("content", [b"", b"  \n\r\n\t \n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    failure = _only(list(iter_articles([str(_write(tmp_path / "empty.txt", content))])))
    assert isinstance(failure, Failure)
    assert failure.reason == "empty article"
    assert failure.source == str(tmp_path / "empty.txt")


def test_file_over_byte_cap(tmp_path: Path) -> None:
    path = _write(tmp_path / "huge.txt", b"word " * 250_000)
    failure = _only(list(iter_articles([str(path)], limits=Limits(file_bytes=1_000_000))))
    assert isinstance(failure, Failure)
    assert failure.reason == "file too large (1.2 MB > 1 MB; --max-bytes)"


def test_text_over_char_cap(tmp_path: Path) -> None:
    with pytest.raises(UnreadableArticle, match="article too long"):
        read_text_file(_write(tmp_path / "long.txt", "x" * 101), Limits(chars=100))


def test_long_text_under_cap_is_read(tmp_path: Path) -> None:
    paragraph = "The council met again and nothing was decided, the clerk said. " * 20
    article = read_text_file(_write(tmp_path / "long.txt", (paragraph + "\n\n") * 750))
    assert len(article.text) > 900_000


# --- HTML ----------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Mayor vows no retreat on bridge | Riverton Herald</title>
<meta property="og:title" content="Mayor vows no retreat on bridge">
<meta property="og:site_name" content="Riverton Herald">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2024-03-03T09:15:00-05:00">
<link rel="canonical" href="https://herald.example/bridge">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<article>
<h1>Mayor vows no retreat on bridge</h1>
<p>The mayor of Riverton said on Sunday that the city would finish the river bridge whatever the
cost, rejecting calls from the council to pause the work until the spring.</p>
<p>&ldquo;We will not retreat,&rdquo; Mayor Ann Smith told reporters outside the town hall.
&ldquo;The bridge is our future, and our children will cross it.&rdquo;</p>
<p>Critics said the plan was far too expensive for a city of its size, and that the money would
be better spent on the schools and the hospital in the north of the town.</p>
</article>
<footer><p>Copyright Riverton Herald. All rights reserved.</p></footer>
</body></html>
"""


def test_html_extraction(tmp_path: Path) -> None:
    article = _only(list(iter_articles([str(_write(tmp_path / "bridge.html", PAGE))])))
    assert isinstance(article, Article)
    assert article.id == "bridge"
    assert article.from_html
    assert article.title == "Mayor vows no retreat on bridge"
    assert article.author == "Jane Doe"
    assert article.published is not None and article.published.startswith("2024-03-03")
    assert article.outlet == "Riverton Herald"
    assert article.url == "https://herald.example/bridge"
    assert "\u201cWe will not retreat,\u201d Mayor Ann Smith told reporters" in article.text
    assert "Copyright" not in article.text and "Home" not in article.text
    paragraphs = article.text.split("\n\n")
    assert any(p.startswith("The mayor of Riverton") for p in paragraphs)
    assert any(p.startswith("Critics said") for p in paragraphs)


def test_html_metadata_given_wins() -> None:
    article = article_from_html(PAGE.encode(), id="x", title="Given title", outlet="Given outlet")
    assert (article.title, article.outlet) == ("Given title", "Given outlet")


def test_html_declared_charset(tmp_path: Path) -> None:
    page = PAGE.replace('charset="utf-8"', 'charset="windows-1252"')
    page = page.replace("rejecting calls", "rejecting the caf\u00e9 owners\u2019 calls")
    article = read_html(tmp_path, page.encode("cp1252"))
    assert "caf\u00e9 owners\u2019 calls" in article.text


def read_html(tmp_path: Path, raw: bytes) -> Article:
    result = _only(list(iter_articles([str(_write(tmp_path / "page.htm", raw))])))
    assert isinstance(result, Article)
    return result


def test_unclosed_html_still_gives_its_text() -> None:
    article = article_from_html("<html><body><div><p>unclosed <b>bold", id="u")
    assert article.text == "unclosed bold"


@pytest.mark.parametrize(
    "page",
    [
        "<<<>>><html<body<<p>>",
        "<html></html>",
        "\x00\x01\x02<html>",
        "<html><body>" + "<div>" * 5000 + "deep" + "</div>" * 5000 + "</body></html>",
    ],
)
def test_broken_html_is_a_failure(tmp_path: Path, page: str) -> None:
    failure = _only(list(iter_articles([str(_write(tmp_path / "broken.html", page))])))
    assert isinstance(failure, Failure)
    assert failure.article_id == "broken"
    assert failure.reason in ("no article text found in HTML", "empty article")


def test_html_over_cap(tmp_path: Path) -> None:
    small = Limits(html_bytes=2_000_000)
    path = _write(tmp_path / "big.html", PAGE + "<!--" + "x" * 3_000_000 + "-->")
    failure = _only(list(iter_articles([str(path)], limits=small)))
    assert isinstance(failure, Failure)
    assert failure.reason == "HTML page too large (3.0 MB > 2 MB; --max-html-bytes)"
    with pytest.raises(UnreadableArticle, match="HTML page too large"):
        article_from_html(PAGE + "x" * 3_000_000, id="s", limits=small)


# --- JSON Lines and JSON -------------------------------------------------------------------------


def test_jsonl_bad_line_in_the_middle(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a1", "text": "First article.\r\nSecond line.", "outlet": "Herald"}),
        '{"id": "broken", "text": ',
        json.dumps({"id": "a3", "title": "No text"}),
        "",
        json.dumps({"text": "No id here.", "date": "2020-01-02"}),
        json.dumps({"id": "a6", "html": PAGE, "url": "https://given.example/a6"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": 7, "text": "   "}),
        json.dumps({"id": "a9", "text": "Last one.", "published": "2024-01-01T00:00:00Z"}),
    ]
    path = _write(tmp_path / "batch.jsonl", "\n".join(lines) + "\n")
    results = list(iter_articles([str(path)]))
    summary = [
        (r.id, None) if isinstance(r, Article) else (r.article_id, r.reason) for r in results
    ]
    assert summary == [
        ("a1", None),
        ("batch:2", "line 2: invalid JSON (Expecting value)"),
        ("a3", "line 3: no 'text' or 'html' field"),
        ("batch:5", None),
        ("a6", None),
        ("batch:7", "line 7: expected a JSON object, got list"),
        ("7", "line 8: empty article"),
        ("a9", None),
    ]
    first, no_id, from_html, last = (r for r in results if isinstance(r, Article))
    assert first.text == "First article.\nSecond line."
    assert first.outlet == "Herald"
    assert first.source == f"{path}:1"
    assert no_id.published == "2020-01-02"
    assert from_html.from_html and from_html.url == "https://given.example/a6"
    assert last.published == "2024-01-01T00:00:00Z"
    assert results[1].source == f"{path}:2"


def test_json_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "one.json", json.dumps({"id": "gold-1", "quotes": []}, indent=2))
    failure = _only(list(iter_articles([str(path)])))
    assert failure == Failure("gold-1", "no 'text' or 'html' field", str(path))
    path = _write(tmp_path / "two.json", json.dumps({"text": "Some text."}))
    article = _only(list(iter_articles([str(path)])))
    assert isinstance(article, Article) and article.id == "two"
    path = _write(tmp_path / "bad.json", "{not json")
    failure = _only(list(iter_articles([str(path)])))
    assert isinstance(failure, Failure) and failure.reason.startswith("invalid JSON")


def test_article_from_json_needs_an_id() -> None:
    with pytest.raises(UnreadableArticle, match="no 'id' field"):
        article_from_json({"text": "x"})
    assert article_from_json({"text": "x"}, default_id="f:1").id == "f:1"


# --- paths, folders, globs, stdin ----------------------------------------------------------------


def _tree(root: Path) -> None:
    _write(root / "b.txt", "Story B.\n")
    _write(root / "a.txt", "Story A.\n")
    _write(root / "sub" / "c.html", PAGE)
    _write(root / "sub" / "deeper" / "d.jsonl", json.dumps({"id": "d1", "text": "Story D."}))
    _write(root / "sub" / "notes.csv", "not,an,article\n")
    _write(root / ".hidden" / "e.txt", "Hidden.\n")
    _write(root / ".f.txt", "Hidden too.\n")


def _ids(results: list[Article | Failure]) -> list[str]:
    return [r.id if isinstance(r, Article) else f"!{r.article_id}" for r in results]


def test_folder_recursion(tmp_path: Path) -> None:
    _tree(tmp_path)
    assert _ids(list(iter_articles([str(tmp_path)]))) == [
        "a",
        "b",
        "sub/c",
        "d1",
    ]  # folder-relative


def test_glob(tmp_path: Path) -> None:
    _tree(tmp_path)
    assert _ids(list(iter_articles([str(tmp_path / "*.txt")]))) == ["a", "b"]
    assert _ids(list(iter_articles([str(tmp_path / "**" / "*.*l")]))) == ["sub/c", "d1"]
    nothing = str(tmp_path / "*.docx")
    assert list(iter_articles([nothing])) == [Failure(nothing, "glob matched nothing", nothing)]


def test_missing_path_and_batch_goes_on(tmp_path: Path) -> None:
    _tree(tmp_path)
    missing = str(tmp_path / "gone.txt")
    results = list(iter_articles([missing, str(tmp_path / "a.txt")]))
    assert results[0] == Failure("gone", "no such file or directory", missing)
    assert _ids(results) == ["!gone", "a"]


def test_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    failure = _only(list(iter_articles([str(tmp_path / "empty")])))
    assert isinstance(failure, Failure) and "no .txt" in failure.reason


def test_stdin_plain_text() -> None:
    article = _only(list(iter_articles(["-"], stdin=io.BytesIO(SCRAPED.encode("utf-16")))))
    assert isinstance(article, Article)
    assert (article.id, article.source, article.text) == ("stdin", "stdin", SCRAPED)
    assert article.author == "Jane Doe"


def test_stdin_jsonl() -> None:
    data = '{"id": "x", "text": "One."}\n\n{"id": "y", "text": \n{"text": "Three."}\n'
    assert _ids(list(iter_articles(["-"], stdin=io.StringIO(data)))) == ["x", "!stdin:3", "stdin:4"]


def test_stdin_html_and_binary() -> None:
    article = _only(list(iter_articles(["-"], stdin=io.BytesIO(PAGE.encode()))))
    assert isinstance(article, Article) and article.from_html and article.id == "stdin"
    failure = _only(list(iter_articles(["-"], stdin=io.BytesIO(b"\x00\x01\x02"))))
    assert failure == Failure("stdin", "binary file, not text", "stdin")


# --- the bundled example -------------------------------------------------------------------------


def test_example_article() -> None:
    if not EXAMPLE.exists():
        pytest.skip("../shared/examples not present")
    article = read_text_file(EXAMPLE)
    assert article.id == "lukashenko-apology"
    assert article.title is not None
    assert "Lukashenko Apologizes to Zelenskyy for Missile Strikes" in article.title
    assert article.author == "Camilla Jessen"
    assert article.published is not None and article.published.startswith("2025-01-06")
    furniture = _lines_in(article)
    photo_lines = [line for line in article.text.split("\n") if line.startswith("Photo: ")]
    assert photo_lines and all(line in furniture for line in photo_lines)
    assert "Trending Now" in furniture and "TRENDING NOW" in furniture
    body_start = article.text.index("Ukrainian President Volodymyr Zelenskyy revealed")
    assert not any(start <= body_start < end for start, end in article.boilerplate)


# --- benchmark -----------------------------------------------------------------------------------


def test_bench_html_on_a_tiny_folder(tmp_path: Path) -> None:
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "p1.html.gz").write_bytes(gzip.compress(PAGE.encode()))
    (tmp_path / "html" / "p2.html.gz").write_bytes(gzip.compress(b"<html></html>"))
    truth = {
        "p1": {"articleBody": article_from_html(PAGE, id="p1").text, "url": None},
        "p2": {"articleBody": "Something was here.", "url": None},
    }
    (tmp_path / "ground-truth.json").write_text(json.dumps(truth), encoding="utf-8")
    result = bench_html.score_html_benchmark(tmp_path)
    assert result["pages"] == 2
    assert list(result["failures"]) == ["p2"]
    assert result["tokens"]["macro"]["precision"] == pytest.approx(0.5)
    assert result["tokens"]["macro"]["recall"] == pytest.approx(0.5)
    assert result["tokens"]["micro"]["precision"] == pytest.approx(1.0)
    assert result["shingles"]["precision"] == pytest.approx(1.0)  # p2 predicts nothing
    assert result["shingles"]["recall"] == pytest.approx(0.5)
    assert main(["bench-html", str(tmp_path), "--limit", "1"]) == 0


def test_gzipped_inputs_are_read_and_broken_ones_reported(tmp_path: Path) -> None:
    (tmp_path / "story.txt.gz").write_bytes(gzip.compress("“We won,” she said.\n".encode()))
    page = "<html><head><title>Vote</title></head><body><article><p>" + "Words here. " * 30
    (tmp_path / "page.html.gz").write_bytes(
        gzip.compress((page + "</p></article></body></html>").encode())
    )
    (tmp_path / "broken.txt.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    items = list(iter_articles([str(tmp_path)]))
    by_id = {item.article_id if isinstance(item, Failure) else item.id: item for item in items}
    assert isinstance(by_id["story"], Article) and "We won" in by_id["story"].text
    assert isinstance(by_id["page"], Article) and by_id["page"].from_html
    assert isinstance(by_id["broken"], Failure) and "gzip" in by_id["broken"].reason
