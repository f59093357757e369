"""atheris harness: an HTML page's bytes (charset sniffing, extraction, then the pipeline)."""

from __future__ import annotations

import atheris
from common import check_document, expected, main, pipeline

with atheris.instrument_imports(include=["quotetrace"]):
    from quotetrace.ingest.html import article_from_html, decode_html


def test_one_input(data: bytes) -> None:
    page = decode_html(data)
    article = expected(lambda: article_from_html(page, id="fuzz"))
    if article is not None:
        assert article.from_html
        check_document(pipeline().process(article))


if __name__ == "__main__":
    main(test_one_input)
