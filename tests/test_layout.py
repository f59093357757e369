"""The layout issue 9 asks for, checked on the source: only ``quotetrace.cli`` prints or reads
flags, no module imports another module's private name, and every exception class is in
``quotetrace/errors.py``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "quotetrace"
CLI = SRC / "cli"


TESTS = Path(__file__).resolve().parent


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def _test_modules() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if "files" not in p.relative_to(TESTS).parts)


def _name(path: Path) -> str:
    return str(path.relative_to(SRC.parent if SRC in path.parents else TESTS.parent))


def _outside_cli(path: Path) -> bool:
    return CLI not in path.parents


def print_calls(tree: ast.AST) -> list[int]:
    """Lines that call the builtin ``print``."""
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "print"
    ]


def argparse_imports(tree: ast.AST) -> list[int]:
    """Lines that import argparse (``import argparse``, ``from argparse import ...``)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module or ""]
        else:
            continue
        if any(m.split(".")[0] == "argparse" for m in modules):
            lines.append(node.lineno)
    return lines


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_imports(tree: ast.AST) -> list[str]:
    """``from x import _y`` and ``import x._y``: another module's private name. An alias to a
    private name of one's own (``import speaker_label as _label``) is fine."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if any(_private(part) for part in (node.module or "").split(".")):
                found.append(f"line {node.lineno}: from {node.module} import ...")
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"line {node.lineno}: from {node.module} import {alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if any(_private(part) for part in alias.name.split(".")):
                    found.append(f"line {node.lineno}: import {alias.name}")
    return found


def exception_classes(tree: ast.AST) -> list[str]:
    """Classes whose base is named like an exception (``Exception``, ``...Error``)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            bases = [
                b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases
            ]
            if any(b in ("Exception", "BaseException") or b.endswith("Error") for b in bases):
                found.append(f"line {node.lineno}: class {node.name}")
    return found


def _parse(path: Path) -> ast.AST:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_the_checks_find_what_they_look_for() -> None:
    tree = ast.parse(
        "import argparse\nfrom argparse import Namespace\nprint('x')\nfingerprint('x')\n"
        "from quotetrace.store import _text\nimport quotetrace._hidden\n"
        "from quotetrace.web.graph import speaker_label as _label\nfrom x import __version__\n"
    )
    assert argparse_imports(tree) == [1, 2]
    assert print_calls(tree) == [3]
    assert private_imports(tree) == [
        "line 5: from quotetrace.store import _text",
        "line 6: import quotetrace._hidden",
    ]
    classes = "class A(Exception): pass\nclass B(errors.StoreError): pass\nclass C(Base): pass\n"
    assert exception_classes(ast.parse(classes)) == ["line 1: class A", "line 2: class B"]


def test_the_cli_package_is_there() -> None:
    assert (CLI / "__init__.py").is_file()
    assert any(print_calls(_parse(p)) for p in CLI.glob("*.py"))


@pytest.mark.parametrize("path", [p for p in _modules() if _outside_cli(p)], ids=_name)
def test_only_the_cli_prints_and_reads_flags(path: Path) -> None:
    tree = _parse(path)
    assert print_calls(tree) == [], f"{_name(path)} prints: move it to quotetrace/cli/"
    assert argparse_imports(tree) == [], f"{_name(path)} imports argparse: move it to cli/"


@pytest.mark.parametrize("path", _modules() + _test_modules(), ids=_name)
def test_no_module_imports_a_private_name(path: Path) -> None:
    assert private_imports(_parse(path)) == [], f"{_name(path)}: make the name public"


@pytest.mark.parametrize("path", [p for p in _modules() if p != SRC / "errors.py"], ids=_name)
def test_every_exception_class_is_in_errors_py(path: Path) -> None:
    assert exception_classes(_parse(path)) == [], f"{_name(path)}: move it to quotetrace/errors.py"
