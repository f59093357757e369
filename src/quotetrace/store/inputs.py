"""The inputs of ``quotetrace ingest``: what ``extract`` reads, plus WARC crawls."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from quotetrace.model import Article, Failure


def iter_inputs(
    paths: Sequence[str], *, report: Any = None, stdin: Any = None, limits: Any = None
) -> Iterator[Article | Failure]:
    """Everything ``quotetrace extract`` reads, plus .warc and .warc.gz files (also in folders
    and globs), in order."""
    from quotetrace.ingest import INPUT_SUFFIXES, iter_articles, read_file, unique_ids
    from quotetrace.ingest.paths import InputFile, PathProblem, expand
    from quotetrace.limits import DEFAULT_LIMITS
    from quotetrace.store.warc import WARC_SUFFIXES, is_warc, iter_warc

    limits = limits or DEFAULT_LIMITS

    # folders and globs walked as for extract (links followed once, special files refused);
    # files read with the id extract gives them; an id given twice (outside WARC crawls, where a
    # later capture of a page replaces it) is an error line
    def items() -> Iterator[Article | Failure | Crawled]:
        for item in expand(paths, INPUT_SUFFIXES + WARC_SUFFIXES):
            if isinstance(item, PathProblem):
                yield Failure(item.name, item.reason, item.source)
            elif isinstance(item, InputFile) and is_warc(item.path):
                for record in iter_warc(item.path, report=report):
                    yield Crawled(record) if isinstance(record, Article) else record
            elif isinstance(item, InputFile):
                yield from read_file(item.path, limits, item.name)
            else:
                yield from iter_articles(["-"], stdin=stdin, limits=limits)

    for item in unique_ids(items()):
        yield item.article if isinstance(item, Crawled) else item


class Crawled:
    """A WARC article, exempt from the duplicate-id check (a later capture replaces a page)."""

    def __init__(self, article: Article) -> None:
        self.article = article
