"""atheris harness: a WARC file's bytes (plain or gzipped records), read as `ingest` reads one."""

from __future__ import annotations

import os
import tempfile

import atheris
from common import check_document, main, pipeline

with atheris.instrument_imports(include=["quotetrace"]):
    from quotetrace.model import Failure
    from quotetrace.store.warc import iter_warc

SCRATCH = tempfile.mkdtemp(prefix="quotetrace-fuzz-warc-")
PATH = os.path.join(SCRATCH, "fuzz.warc")


def test_one_input(data: bytes) -> None:
    with open(PATH, "wb") as handle:
        handle.write(data)
    for item in iter_warc(PATH, max_record_bytes=1 << 20, max_total_bytes=1 << 22):
        if isinstance(item, Failure):
            assert item.reason, item
        else:
            check_document(pipeline().process(item))


if __name__ == "__main__":
    main(test_one_input)
