"""The hostile corpus: malformed, huge and adversarial inputs, each with its expected outcome.

    python tests/hostile/make_corpus.py OUT_DIR [--small]
    python tests/hostile/make_corpus.py --commit      # (re)writes tests/hostile/files/

writes every case into OUT_DIR and prints the table of cases (name, what it is, expected outcome).
``--small`` writes only the cases that are not big. The small cases with a plain file name and at
most ``COMMITTED_MAX_BYTES`` are kept in the repository (tests/hostile/files/, written by
``--commit``; a test checks that they are what this script makes); the rest, big ones (20 MB
text, 10 MB HTML, a 50 MB JSON line, gzip and WARC bombs), 200 kB degenerate texts and the odd
file names, are generated at test time into a temporary folder (``materialise``). ``CASES`` is
what tests/test_hostile.py checks: an outcome is ``ok`` (a result line, no error) or ``error:``
followed by a piece of the one-line reason.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import random
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

QUOTE = "“We will rebuild the bridge by May,” Mayor Ana Ortiz said on Tuesday."
STORY = f"Bridge plan\n\n{QUOTE}\n\nThe council agreed. “It is late,” Carl Dahl said.\n"
PAGE = (
    "<html><head><title>Bridge plan</title></head><body><article>"
    "<p>“We will rebuild the bridge by May,” Mayor Ana Ortiz said on Tuesday.</p>"
    "<p>The council agreed with the plan after a long debate about the river crossing.</p>"
    "</article></body></html>"
)


@dataclass(frozen=True)
class Case:
    name: str  # the file name (its id is the name without the extension)
    what: str
    outcome: str  # "ok" or "error:<part of the reason>"
    make: Callable[[Path], None]
    big: bool = False
    via: str = "extract"  # "extract" (the CLI) or "ingest" (WARC: read by ingest only)


def _bytes(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def _text(text: str) -> Callable[[Path], None]:
    return _bytes(text.encode("utf-8"))


def _lines(*objects: object) -> Callable[[Path], None]:
    raw = [o if isinstance(o, str) else json.dumps(o, ensure_ascii=False) for o in objects]
    return _text("\n".join(raw) + "\n")


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)  # no time stamp: the same bytes every run


def _bomb(path: Path) -> None:
    with gzip.open(path, "wb", compresslevel=9) as handle:
        block = b"\0" * (1 << 20)
        for _ in range(200):  # 200 MB of zeros in about 200 kB
            handle.write(block)


def _big_text(path: Path) -> None:
    paragraph = ("The council met again and talked about the river. " * 20).strip()
    with path.open("w", encoding="utf-8") as handle:
        written = 0
        while written < 20_000_000:
            chunk = f"{paragraph}\n\n{QUOTE}\n\n"
            handle.write(chunk)
            written += len(chunk.encode())


def _big_html(path: Path) -> None:
    filler = '<div class="' + "x" * 200 + '"><span>menu</span></div>\n'
    body = filler * 40_000  # 10 MB of markup around one article
    path.write_text(PAGE.replace("<article>", body + "<article>"), encoding="utf-8")


def _long_line(path: Path) -> None:
    text = "word " * 10_000_000  # one 50 MB JSON line: read, then refused as too long
    path.write_text(
        json.dumps({"id": "huge", "text": text})
        + "\n"
        + json.dumps({"id": "after-huge", "text": QUOTE})
        + "\n",
        encoding="utf-8",
    )


def _marks(path: Path) -> None:
    from quotetrace.bench_scaling import marks_text  # the worst case bench-scaling measures

    path.write_text(marks_text(50_000), encoding="utf-8")  # 864 kB: 50,000 marks, one paragraph


def _nested(path: Path) -> None:
    from quotetrace.bench_scaling import nested_text

    path.write_text(nested_text(10_000), encoding="utf-8")  # 10,000 levels in 159 kB


def _warc(records: list[tuple[str, bytes, str]], *, compress: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=compress)
    for uri, body, ctype in records:
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        fixed = {  # an id and date of their own, so that the file is the same every run
            "WARC-Record-ID": f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, uri)}>",
            "WARC-Date": "2024-03-01T12:00:00Z",
        }
        record = writer.create_warc_record(
            uri, "response", payload=io.BytesIO(body), http_headers=headers, warc_headers_dict=fixed
        )
        writer.write_record(record)
    return out.getvalue()


def _warc_good(path: Path) -> None:
    path.write_bytes(
        _warc([("https://news.example/a?x=1", PAGE.encode(), "text/html")], compress=False)
    )


def _warc_wrong_length(path: Path) -> None:
    data = _warc(
        [
            ("https://news.example/one", PAGE.encode(), "text/html"),
            ("https://news.example/two", PAGE.encode(), "text/html"),
        ],
        compress=False,
    )
    path.write_bytes(data.replace(b"Content-Length: ", b"Content-Length: 9", 1))


def _warc_truncated(path: Path) -> None:
    data = _warc([("https://news.example/t", PAGE.encode() * 20, "text/html")], compress=True)
    path.write_bytes(data[: len(data) // 2])


def _warc_bomb(path: Path) -> None:
    page = b"<html><body><p>" + b"x " * 6_000_000 + b"</p></body></html>"  # 12 MB record
    path.write_bytes(_warc([("https://news.example/bomb", page, "text/html")], compress=True))


def _random(seed: int, size: int) -> bytes:
    return random.Random(seed).randbytes(size)


CASES: list[Case] = [
    # encodings
    Case(
        "utf16-bom.txt",
        "UTF-16 LE with BOM",
        "ok",
        _bytes(codecs.BOM_UTF16_LE + STORY.encode("utf-16-le")),
    ),
    Case(
        "utf16be-bom.txt",
        "UTF-16 BE with BOM",
        "ok",
        _bytes(codecs.BOM_UTF16_BE + STORY.encode("utf-16-be")),
    ),
    Case(
        "utf16-nobom.txt",
        "UTF-16 LE without BOM (NUL bytes)",
        "error:binary file",
        _bytes(STORY.encode("utf-16-le")),
    ),
    Case("utf32-bom.txt", "UTF-32 with BOM", "ok", _bytes(STORY.encode("utf-32"))),
    Case("utf8-bom.txt", "UTF-8 with BOM", "ok", _bytes(codecs.BOM_UTF8 + STORY.encode())),
    Case(
        "cp1252.txt",
        "cp1252 curly quotes (0x93/0x94)",
        "ok",
        _bytes(STORY.replace("é", "e").encode("cp1252")),
    ),
    Case(
        "shift-jis.txt",
        "Shift-JIS Japanese",
        "ok",
        _bytes("橋の計画について市長は「五月までに再建する」と述べた。\n".encode("shift_jis") * 20),
    ),
    Case(
        "invalid-utf8.txt",
        "UTF-8 with stray invalid bytes",
        "ok",
        _bytes(STORY.encode() + b"\xff\xfe bad \xc3\x28 end.\n"),
    ),
    Case(
        "nul-bytes.txt",
        "text with NUL bytes",
        "error:binary file",
        _bytes(STORY.encode() + b"\0\0\0"),
    ),
    Case(
        "crlf-cr.txt",
        "\\r\\n and lone \\r line ends",
        "ok",
        _text(STORY.replace("\n", "\r\n")[:40] + "\r" + STORY),
    ),
    Case("controls.txt", "a few control characters", "ok", _text(STORY * 5 + "\x07\x1b bell\n")),
    Case(
        "surrogate.jsonl",
        "JSON text with a lone surrogate escape",
        "error:lone surrogate",
        _lines(r'{"id": "surrogate", "text": "He said \"hi \ud800\" today."}'),
    ),
    Case(
        "surrogate-id.jsonl",
        "JSON id with a lone surrogate",
        "ok",
        _lines(r'{"id": "surrogate-id", "title": "\udc80", "text": "“Fine,” she said."}'),
    ),
    # binary and empty
    Case(
        "png.txt",
        "a PNG image named .txt",
        "error:binary file",
        _bytes(b"\x89PNG\r\n\x1a\n" + _random(1, 4000)),
    ),
    Case("random.txt", "random bytes", "error:binary file", _bytes(_random(2, 20_000))),
    Case(
        "zip.html", "a zip archive named .html", "error:", _bytes(b"PK\x03\x04" + _random(3, 5000))
    ),
    Case("empty.txt", "an empty file", "error:empty article", _bytes(b"")),
    Case("blank.txt", "only white space", "error:empty article", _text(" \n\t\n  \n")),
    # huge and degenerate texts
    Case("big-20mb.txt", "20 MB of text", "error:article too long", _big_text, big=True),
    Case(
        "paragraph-200k.txt",
        "one 200,000-character paragraph",
        "ok",
        _text(("the river rose " * 14_000)[:200_000] + QUOTE),
    ),
    Case(
        "marks-50000.txt",
        "50,000 quote marks in one paragraph",
        "ok",
        _marks,
        big=True,
    ),
    Case("nested-10000.txt", "quotes nested 10,000 deep", "ok", _nested, big=True),
    Case(
        "unbalanced.txt",
        "every unbalanced mark",
        "ok",
        _text(
            "“open ” close ‘open ’ close „low “ « guillemet » ‹ › \" ' ’ ‘\n“never closed\n" + STORY
        ),
    ),
    Case("only-marks.txt", "nothing but marks", "ok", _text("“”‘’«»„“" * 2_000)),
    Case("one-word.txt", "200 kB with no white space", "ok", _text("a" * 200_000)),
    Case("paragraphs-100k.txt", "100,000 one-letter paragraphs", "ok", _text("a\n\n" * 100_000)),
    # HTML
    Case(
        "broken.html",
        "unclosed tags, stray script",
        "error:no article text",
        _text("<html><body><div><script>var a = '<p>';</script><p>  </p></div"),
    ),
    Case(
        "nested-5000.html",
        "5,000 nested elements (deeper than lxml parses)",
        "error:no article text",
        _text(
            "<html><body>"
            + "<div>" * 5000
            + "<p>“Deep words,” she said, and the river kept rising all week.</p>"
            + "</div>" * 5000
            + "</body></html>"
        ),
    ),
    Case(
        "script-style.html",
        "quotes inside script and style bodies",
        "ok",
        _text(
            PAGE.replace(
                "</head>",
                "<script>var s = \"“Not a quote,” he said.\";</script><style>q:before{content:'“'}</style></head>",
            )
        ),
    ),
    Case(
        "lying-charset.html",
        "declares Shift-JIS, is UTF-8",
        "ok",
        _text(PAGE.replace("<head>", '<head><meta charset="shift_jis">')),
    ),
    Case("empty.html", "an empty page", "error:empty article", _text("   ")),
    Case(
        "tags-only.html",
        "markup without text",
        "error:no article text",
        _text("<html><body><div><span></span></div></body></html>"),
    ),
    Case("big-10mb.html", "10 MB page (linear block pass)", "ok", _big_html, big=True),
    # gzip
    Case(
        "bomb.txt.gz", "200 MB of zeros in 200 kB", "error:decompressed size over", _bomb, big=True
    ),
    Case(
        "truncated.txt.gz",
        "gzip cut in half",
        "error:broken gzip",
        _bytes(_gzip(_random(4, 20_000))[:10_000]),
    ),
    Case("not-gzip.txt.gz", "plain text named .gz", "error:broken gzip", _text(STORY)),
    Case("page.html.gz", "a gzipped page", "ok", _bytes(_gzip(PAGE.encode()))),
    # JSON Lines and JSON
    Case(
        "wrong-types.jsonl",
        "text a number",
        "error:'text' is a int",
        _lines({"id": "wrong-types", "text": 5}),
    ),
    Case(
        "id-list.jsonl", "id a list", "error:'id' is a list", _lines({"id": ["x"], "text": QUOTE})
    ),
    Case("no-id.jsonl", "no id: file name and line number", "ok", _lines({"text": QUOTE})),
    Case(
        "duplicate-ids.jsonl",
        "the same id twice",
        "error:duplicate id",
        _lines(
            {"id": "dup", "text": QUOTE},
            {"id": "duplicate-ids", "text": QUOTE},
            {"id": "duplicate-ids", "text": QUOTE},
        ),
    ),
    Case(
        "deep.jsonl",
        "JSON nested 100,000 deep",
        "error:nested too deep",
        _lines("[" * 100_000 + "]" * 100_000),
    ),
    Case(
        "bigint.jsonl",
        "a 5,000-digit id",
        "error:4300 digits",
        _lines('{"id": ' + "9" * 5000 + ', "text": "x"}'),
    ),
    Case("not-json.jsonl", "not JSON at all", "error:invalid JSON", _lines("this is not json {")),
    Case(
        "array.json",
        "a .json list of articles",
        "ok",
        _text(json.dumps([{"id": "array", "text": QUOTE}])),
    ),
    Case("line-50mb.jsonl", "one 50 MB JSON line", "error:article too long", _long_line, big=True),
    # WARC (read by ingest)
    Case("good.warc", "a WARC response with a URL id", "ok", _warc_good, via="ingest"),
    Case(
        "wrong-length.warc",
        "a record with a wrong Content-Length",
        "error:unreadable WARC",
        _warc_wrong_length,
        via="ingest",
    ),
    Case(
        "truncated.warc.gz",
        "a WARC cut in half",
        "error:unreadable WARC",
        _warc_truncated,
        via="ingest",
    ),
    Case(
        "bomb.warc.gz",
        "a 12 MB record (over the record cap)",
        "error:too large",
        _warc_bomb,
        big=True,
        via="ingest",
    ),
    # odd file names
    Case(os.fsdecode(b"caf\xe9.txt"), "a file name that is not UTF-8", "ok", _text(STORY)),
    Case("a b ü é.txt", "spaces and accents in the name", "ok", _text(STORY)),
    Case("n" * 200 + ".txt", "a 200-character file name", "ok", _text(STORY)),
    Case("page.unknown", "an unknown extension (read as text)", "ok", _text(STORY)),
]


FILES = Path(__file__).resolve().parent / "files"
COMMITTED_MAX_BYTES = 64 * 1024


def portable(name: str) -> bool:
    """A file name any checkout keeps as it is (the odd names are cases of their own)."""
    return name.isascii() and name.isprintable() and " " not in name and len(name) <= 64


def commit(files: Path = FILES) -> list[str]:
    """Write the committed cases into ``files``; their names."""
    files.mkdir(parents=True, exist_ok=True)
    names = []
    for case in CASES:
        if case.big or not portable(case.name):
            continue
        case.make(files / case.name)
        if (files / case.name).stat().st_size > COMMITTED_MAX_BYTES:
            (files / case.name).unlink()
        else:
            names.append(case.name)
    return names


def materialise(out: Path, *, small_only: bool = False) -> list[Case]:
    """Every case (or every small one) in ``out``: the committed files copied, the rest made."""
    out.mkdir(parents=True, exist_ok=True)
    made = []
    for case in CASES:
        if small_only and case.big:
            continue
        kept = FILES / case.name
        if portable(case.name) and kept.is_file():
            (out / case.name).write_bytes(kept.read_bytes())
        else:
            case.make(out / case.name)
        made.append(case)
    return made


def table(cases: list[Case]) -> str:
    rows = ["| case | input | expected |", "|---|---|---|"]
    for case in cases:
        outcome = "result" if case.outcome == "ok" else "error: " + case.outcome[6:]
        name = os.fsencode(case.name).decode("utf-8", "backslashreplace")
        name = name if len(name) < 40 else name[:12] + "…" + name[-8:]
        rows.append(f"| `{name}` | {case.what} | {outcome} |")
    return "\n".join(rows)


if __name__ == "__main__":
    if sys.argv[1:] == ["--commit"]:
        print(f"{len(commit())} files in {FILES}")
        sys.exit(0)
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    materialise(Path(sys.argv[1]), small_only="--small" in sys.argv)
    print(table(CASES))
