"""Which files a list of command-line paths names: files, folders, glob patterns and ``-``.

Every walk is bounded: a link back into a folder already seen is not followed again (a recursive
glob over a folder holding a link to its parent used to run forever), a sub-folder that cannot be
read is reported, and special files (named pipes, devices, sockets; also behind a link, like a
link to ``/dev/zero``) are refused with a reason instead of being read (a named pipe blocked
forever). ``-`` is the one way to read a stream.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from quotetrace.safety import path_name

GLOB_CHARS = frozenset("*?[")
STDIN = "-"


@dataclass(frozen=True)
class PathProblem:
    """A named path that gives no file to read: missing, special, unreadable, empty glob."""

    name: str  # the id its error line carries
    reason: str
    source: str


@dataclass(frozen=True)
class InputFile:
    """A file to read and the id its article takes: the path relative to the folder named on
    the command line, without the extension ("a/story" and "b/story" never collide), or the
    file's own name without the extension when the file itself was named."""

    path: Path
    name: str


def id_base(relative: Path) -> str:
    """``a/page.html.gz`` -> ``a/page``: the path without its input extension(s)."""
    text = relative.as_posix()
    for _ in range(2 if text.lower().endswith(".gz") else 1):
        dot = text.rfind(".")
        if dot > text.rfind("/") + 1:
            text = text[:dot]
    return path_name(text)


def special_file(path: str | os.PathLike[str]) -> str | None:
    """Why ``path`` (after links) is not a regular file or folder, or None when it is one."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # reading it will say what is wrong
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    kind = (
        "a named pipe"
        if stat.S_ISFIFO(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "not a regular file"
    )
    return f"{kind}, not a file: give - to read a stream from stdin"


def walk(folder: Path, suffixes: tuple[str, ...]) -> Iterator[Path | PathProblem]:
    """Files under ``folder`` with one of ``suffixes``, sorted, hidden entries skipped; links to
    folders are followed once (never into a folder already seen); unreadable folders reported
    (first). An explicit stack, not recursion: a deep tree cannot exhaust Python's stack."""
    seen: set[tuple[int, int]] = set()
    found: list[Path | PathProblem] = []
    visit = _Visitor(seen, found, suffixes)
    stack = [folder]
    while stack:
        stack.extend(reversed(visit(stack.pop())))
    yield from (f for f in found if isinstance(f, PathProblem))
    yield from sorted(f for f in found if isinstance(f, Path))


class _Visitor:
    """One folder of a walk: its input files go to ``found``; its sub-folders are returned."""

    def __init__(
        self,
        seen: set[tuple[int, int]],
        found: list[Path | PathProblem],
        suffixes: tuple[str, ...] | None,
    ) -> None:
        self.seen, self.found, self.suffixes = seen, found, suffixes

    def __call__(self, directory: Path) -> list[Path]:
        try:
            info = directory.stat()
        except OSError as err:
            self.found.append(_problem(directory, err))
            return []
        key = (info.st_dev, info.st_ino)
        if key in self.seen:
            return []  # a link back into a folder already walked
        self.seen.add(key)
        try:
            with os.scandir(directory) as entries:
                names = sorted(entries, key=lambda e: e.name)
        except OSError as err:
            self.found.append(_problem(directory, err))
            return []
        folders = []
        for entry in names:
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()  # follows links
            except OSError:
                is_dir = False
            if is_dir:
                folders.append(Path(entry.path))
            elif self.suffixes is None or entry.name.lower().endswith(self.suffixes):
                self.found.append(Path(entry.path))
        return folders


def _problem(path: Path, err: OSError) -> PathProblem:
    reason = (err.strerror or str(err)).lower()
    return PathProblem(
        path_name(path.name or path), f"cannot read folder: {reason}", path_name(path)
    )


def _all_under(root: Path) -> list[tuple[Path, bool]]:
    """(path, is folder) for everything under ``root`` (hidden skipped, links once), sorted."""
    seen: set[tuple[int, int]] = set()
    out: list[tuple[Path, bool]] = []
    stack = [root]
    while stack:
        directory = stack.pop()
        found: list[Path | PathProblem] = []
        folders = _Visitor(seen, found, None)(directory)
        out += [(p, False) for p in found if isinstance(p, Path)]
        out += [(p, True) for p in folders]
        stack.extend(reversed(folders))
    return sorted(out)


def _component(pattern: str) -> str:
    """A regular expression for one path component of a glob (hidden names need a dot)."""
    body = fnmatch.translate(pattern)
    body = body[4:-3] if body.startswith("(?s:") and body.endswith(")\\Z") else body
    return body if pattern.startswith(".") else f"(?!\\.){body}"


def expand_glob(pattern: str) -> list[str]:
    """Matches of a glob pattern, sorted. ``**`` matches any number of folders and is walked
    without following a link into a folder already seen; other patterns go to ``glob``."""
    parts = pattern.split(os.sep)
    if "**" not in parts:
        return sorted(glob.glob(pattern))
    fixed = []
    for part in parts:
        if GLOB_CHARS & set(part):
            break
        fixed.append(part)
    root = Path(os.sep.join(fixed) or ".")
    rest = parts[len(fixed) :]
    regex = ""
    for i, part in enumerate(rest):
        last = i == len(rest) - 1
        if part == "**":
            regex += "(?:[^/]*/)*" if not last else "(?:.*)"
        else:
            regex += _component(part) + ("" if last else "/")
    compiled = re.compile(regex + r"\Z", re.DOTALL)
    if not root.is_dir():
        return []
    matches = []
    for path, _is_dir in _all_under(root):
        relative = path.relative_to(root).as_posix()
        if compiled.match(relative):
            matches.append(str(path) if fixed else str(path.relative_to(".")))
    return sorted(matches)


def expand(
    paths: Sequence[str], suffixes: tuple[str, ...]
) -> Iterator[InputFile | PathProblem | str]:
    """Each named path in order: ``"-"`` as is, a file as an InputFile, a folder as its input
    files, a glob as its matches (a matched folder as its files), or a PathProblem."""
    for raw in paths:
        if raw == STDIN:
            yield STDIN
            continue
        path = Path(raw)
        if os.path.lexists(path):
            yield from _one(path, suffixes, raw)
        elif GLOB_CHARS & set(raw):
            matches = expand_glob(raw)
            if not matches:
                yield PathProblem(path_name(raw), "glob matched nothing", path_name(raw))
            root = _glob_root(raw)
            for match in matches:
                yield from _one(Path(match), suffixes, match, root)
        else:
            name = path_name(path.stem or raw)
            yield PathProblem(name, "no such file or directory", path_name(raw))


def _glob_root(pattern: str) -> Path | None:
    """The folder a ``**`` pattern walks (its ids are relative to it), else None."""
    parts = pattern.split(os.sep)
    if "**" not in parts:
        return None
    fixed = []
    for part in parts:
        if GLOB_CHARS & set(part):
            break
        fixed.append(part)
    return Path(os.sep.join(fixed) or ".")


def _one(
    path: Path, suffixes: tuple[str, ...], raw: str, root: Path | None = None
) -> Iterator[InputFile | PathProblem]:
    if path.is_dir():
        found = list(walk(path, suffixes))
        if not found:
            yield PathProblem(
                path_name(path.name or raw),
                f"folder holds no {'/'.join(suffixes)} files",
                path_name(path),
            )
        for item in found:
            if isinstance(item, Path):
                yield from _one(item, suffixes, str(item), path)
            else:
                yield item
        return
    name = id_base(path.relative_to(root) if root is not None else Path(path.name))
    reason = special_file(path)
    if reason is not None:
        yield PathProblem(name, reason, path_name(path))
        return
    yield InputFile(path, name)
