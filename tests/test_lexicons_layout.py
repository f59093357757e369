"""Word lists live in ``quotetrace/lexicons/`` and are read through ``quotetrace.lexicon`` alone.

The layout test parses every module under ``src/quotetrace`` and fails on a literal collection of
more than ten strings (a set, list or tuple display, a dict of constants, or ``"a b c".split()``)
and on a regular expression with more than ten plain words as alternatives: such a list belongs
in a lexicon file. The few collections that are not word lists are named below with a reason.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

from quotetrace import lexicon
from quotetrace.errors import LexiconError, QuotetraceError, UnknownLexicon

SRC = Path(__file__).resolve().parents[1] / "src" / "quotetrace"
LIMIT = 10

# (module relative to src/quotetrace, name assigned) -> why the collection is not a word list
NOT_WORD_LISTS = {
    ("ingest/text.py", "_LATIN_SINGLE_BYTE"): "Python codec names",
    ("ingest/html.py", "_BLOCKS"): "HTML element names",
    ("nlp.py", "_POS_OF_TAG"): "Penn Treebank tag -> universal POS table",
    ("store/schema.py", "_CORE"): "SQL statements",
    ("store/search.py", "HOSTILE_QUERIES"): "search queries the store must survive",
}


def _strings(items: list[ast.expr | None]) -> int:
    return sum(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in items)


def _split_words(node: ast.Call) -> int:
    func = node.func
    if not (
        isinstance(func, ast.Attribute)
        and func.attr == "split"
        and isinstance(func.value, ast.Constant)
        and isinstance(func.value.value, str)
    ):
        return 0
    sep = node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) else None
    return len(func.value.value.split(sep))


def _word_alternatives(pattern: str) -> int:
    """The largest number of plain-word alternatives in one group of a regular expression."""
    best = 0
    stack: list[list[str]] = [[""]]
    escaped = False
    for ch in pattern:
        if escaped:
            stack[-1][-1] += "\\" + ch
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "(":
            stack[-1][-1] += "("
            stack.append([""])
        elif ch == ")" and len(stack) > 1:
            group = stack.pop()
            group[0] = re.sub(r"^\?(?::|P<\w+>|i:|-i:)", "", group[0])
            best = max(best, sum(bool(re.fullmatch(r"[A-Za-z]+", alt)) for alt in group))
            stack[-1][-1] += ")"
        elif ch == "|":
            stack[-1].append("")
        else:
            stack[-1][-1] += ch
    return max([best] + [sum(bool(re.fullmatch(r"[A-Za-z]+", a)) for a in stack[0])])


def _assigned_names(tree: ast.Module) -> dict[int, str]:
    """Line ranges of module-level assignments -> the name assigned (for the allow-list)."""
    names: dict[int, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    for line in range(node.lineno, (node.end_lineno or node.lineno) + 1):
                        names.setdefault(line, target.id)
    return names


def word_lists_in(source: str) -> list[tuple[int, str, int]]:
    """(line, name assigned or "", entries) of every word list of more than LIMIT entries."""
    tree = ast.parse(source)
    names = _assigned_names(tree)
    found = []
    for node in ast.walk(tree):
        count = 0
        if isinstance(node, (ast.Set, ast.List, ast.Tuple)):
            count = _strings(list(node.elts))
        elif isinstance(node, ast.Dict) and all(isinstance(v, ast.Constant) for v in node.values):
            count = _strings(list(node.keys))
        elif isinstance(node, ast.Call):
            count = _split_words(node)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "|" in node.value:
            count = _word_alternatives(node.value)
        if count > LIMIT:
            found.append((node.lineno, names.get(node.lineno, ""), count))
    return found


def test_the_detector_finds_each_form_of_word_list() -> None:
    words = [f"w{chr(97 + i)}" for i in range(LIMIT + 1)]
    quoted = ", ".join(f'"{w}"' for w in words)
    for source in (
        f"X = frozenset({{{quoted}}})",
        f"X = [{quoted}]",
        f"X = ({quoted})",
        "X = {" + ", ".join(f'"{w}": 1' for w in words) + "}",
        f'X = "{" ".join(words)}".split()',
        f'X = re.compile(r"\\b(?:{"|".join(words)})\\b")',
    ):
        assert word_lists_in(source), source
    small = ", ".join(f'"{w}"' for w in words[:LIMIT])
    for source in (
        f"X = frozenset({{{small}}})",
        f'X = re.compile(r"\\b(?:{"|".join(words[:LIMIT])})\\b")',
        "X = {" + ", ".join(f'"{w}": f(y)' for w in words) + "}",  # a record, not a table
        "__all__ = [" + quoted + "]",
    ):
        assert not [hit for hit in word_lists_in(source) if hit[1] != "__all__"], source


def test_no_module_holds_a_word_list_of_more_than_ten_entries() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        module = path.relative_to(SRC).as_posix()
        for line, name, count in word_lists_in(path.read_text(encoding="utf-8")):
            if name == "__all__" or (module, name) in NOT_WORD_LISTS:
                continue
            offenders.append(f"{module}:{line} {name or '(expression)'}: {count} entries")
    assert not offenders, "move these word lists to src/quotetrace/lexicons/:\n" + "\n".join(
        offenders
    )


def test_the_allow_list_names_collections_that_exist() -> None:
    for module, name in NOT_WORD_LISTS:
        hits = word_lists_in((SRC / module).read_text(encoding="utf-8"))
        assert any(hit[1] == name for hit in hits), (module, name)


LEXICON_NAMES = sorted(
    entry.name.removesuffix(".txt")
    for entry in resources.files("quotetrace").joinpath("lexicons").iterdir()
    if entry.name.endswith(".txt")
)


@pytest.mark.parametrize("name", LEXICON_NAMES)
def test_every_lexicon_loads_without_comments_blanks_or_duplicates(name: str) -> None:
    entries = lexicon.entries(name)
    assert entries, name
    for entry in entries:
        assert entry == entry.strip() and not entry.startswith("#"), (name, entry)
    if name != "boilerplate":  # glob patterns, matched in order
        duplicates = sorted({e for e in entries if entries.count(e) > 1})
        assert not duplicates, (name, duplicates)
    assert lexicon.words(name) == frozenset(entries)


def test_every_lexicon_file_is_used_by_some_module() -> None:
    sources = "\n".join(p.read_text(encoding="utf-8") for p in SRC.rglob("*.py"))
    unused = [name for name in LEXICON_NAMES if f'"{name}' not in sources]
    assert not unused


_CACHED = (lexicon.entries, lexicon.words, lexicon.rows, lexicon.pairs)


@pytest.fixture
def package_root(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """The loader reads ``lexicons/`` under ``tmp_path`` instead of the installed package."""
    (tmp_path / "lexicons").mkdir()
    for function in _CACHED:
        function.cache_clear()
    monkeypatch.setattr(lexicon.resources, "files", lambda package: tmp_path)
    yield tmp_path
    for function in _CACHED:
        function.cache_clear()


def test_loader_skips_comments_and_blank_lines_and_trims(package_root: Path) -> None:
    text = "# a comment\n\n  alpha  \n\t# indented comment\nbeta gamma\n\n  \ndelta\tfour\n"
    (package_root / "lexicons" / "sample.txt").write_text(text, encoding="utf-8")
    assert lexicon.entries("sample") == ("alpha", "beta gamma", "delta\tfour")
    assert lexicon.words("sample") == {"alpha", "beta gamma", "delta\tfour"}
    assert lexicon.rows("sample") == (("alpha",), ("beta", "gamma"), ("delta", "four"))
    assert lexicon.entries("sample") is lexicon.entries("sample")  # read once


def test_pairs_read_two_columns_and_refuse_others(package_root: Path) -> None:
    path = package_root / "lexicons" / "sample.txt"
    path.write_text("colour\tcolor\ngrey\tgray\n", encoding="utf-8")
    assert dict(lexicon.pairs("sample")) == {"colour": "color", "grey": "gray"}
    (package_root / "lexicons" / "odd.txt").write_text("colour\tcolor\nodd one out\n", "utf-8")
    with pytest.raises(LexiconError, match="two columns"):
        lexicon.pairs("odd")


def test_an_empty_lexicon_is_empty_not_an_error(package_root: Path) -> None:
    (package_root / "lexicons" / "empty.txt").write_text("# nothing yet\n\n", encoding="utf-8")
    assert lexicon.entries("empty") == ()
    assert lexicon.words("empty") == frozenset()


def test_pairs_are_read_only() -> None:
    spellings = lexicon.pairs("british_spellings")
    assert spellings["defence"] == "defense"
    with pytest.raises(TypeError):
        spellings["colour"] = "color"  # type: ignore[index]


@pytest.mark.parametrize("name", ["no_such_lexicon", "", "../pyproject", "lexicons/titles", ".x"])
def test_unknown_lexicon_names_raise_a_quotetrace_error(name: str) -> None:
    with pytest.raises(UnknownLexicon) as caught:
        lexicon.words(name)
    assert isinstance(caught.value, QuotetraceError) and isinstance(caught.value, LookupError)


def test_names_may_carry_the_file_suffix() -> None:
    assert lexicon.entries("titles.txt") == lexicon.entries("titles")


def test_lexicon_files_ship_as_package_data() -> None:
    pyproject = (SRC.parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert '"lexicons/*.txt"' in pyproject
