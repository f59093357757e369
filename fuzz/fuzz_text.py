"""atheris harness: plain text, as bytes from a file (decoding included) and as any str."""

from __future__ import annotations

import atheris
from common import check_document, expected, main, pipeline

with atheris.instrument_imports(include=["quotetrace"]):
    from quotetrace.ingest import article_from_text, decode_bytes


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    if fdp.ConsumeBool():  # a file's bytes: BOMs, encodings, binary refusals
        text = expected(lambda: decode_bytes(fdp.ConsumeBytes(fdp.remaining_bytes())))
    else:  # any str, lone surrogates included (the Python API and JSON can give those)
        text = fdp.ConsumeUnicode(fdp.remaining_bytes())
    if text is None:
        return
    article = expected(lambda: article_from_text(text, id="fuzz"))
    if article is not None:
        check_document(pipeline().process(article))


if __name__ == "__main__":
    main(test_one_input)
