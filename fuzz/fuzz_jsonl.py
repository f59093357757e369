"""atheris harness: a JSONL file's bytes, read line by line as `extract` reads a .jsonl."""

from __future__ import annotations

import io

import atheris
from common import check_document, main, pipeline

with atheris.instrument_imports(include=["quotetrace"]):
    from quotetrace.ingest import unique_ids
    from quotetrace.ingest.jsonl import capped_lines, iter_json_lines
    from quotetrace.model import Failure


def test_one_input(data: bytes) -> None:
    lines = capped_lines(io.BytesIO(data), 1 << 16)
    for item in unique_ids(iter_json_lines(lines, stem="fuzz", source="fuzz.jsonl")):
        if isinstance(item, Failure):
            assert item.reason and "\n" not in item.reason, item
        else:
            check_document(pipeline().process(item))


if __name__ == "__main__":
    main(test_one_input)
