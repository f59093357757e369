"""schemathesis against the app's own OpenAPI schema (issue 12): positive and negative requests
generated for every operation, through the ASGI app in process. Every answer must match its
documented status and response schema (the typed models of web/schemas.py), no answer may be a
5xx, and every error must have the one JSON error shape. Examples per operation are bounded so
the run stays well under a minute."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.generation import GenerationMode

from quotetrace.ingest import article_from_text
from quotetrace.store import Store
from quotetrace.web.app import create_app

HERE = Path(__file__).resolve().parent
# Examples per operation and phase (the coverage phase adds its own bounded cases); a longer,
# random run: QUOTETRACE_SCHEMATHESIS_EXAMPLES=500 pytest tests/test_web_schemathesis.py
LONG_RUN = os.environ.get("QUOTETRACE_SCHEMATHESIS_EXAMPLES")
MAX_EXAMPLES = int(LONG_RUN or 12)


# The schema is loaded when the module is imported (schemathesis's lazy ``from_fixture`` reads
# ``request.node._nodeid``, which pytest 9 no longer has); the app builds its pipeline on first
# use, and the store it reads is filled by the fixture below before the first request.
_SCRATCH = tempfile.TemporaryDirectory(prefix="quotetrace-schemathesis-")
DB = Path(_SCRATCH.name) / "quotes.db"
APP = create_app(str(DB))
# A request the schema allows may still be refused as content with 422 (an empty or whitespace
# text, a lone surrogate, an article over a limit): accepted here, but only with the message of
# a content refusal, never the one of a request that failed validation (checked below).
CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]
            }
        }
    }
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP, config=CONFIG)


@pytest.fixture(scope="module", autouse=True)
def _store() -> Iterator[None]:
    lines = (HERE / "data" / "web-articles.jsonl").read_text(encoding="utf-8").splitlines()
    with Store.open(DB) as store:
        for obj in map(json.loads, filter(None, lines)):
            article = article_from_text(obj["text"], id=obj["id"], published=obj.get("published"))
            store.ingest_document(APP.state.extractor.process(article))
    yield
    _SCRATCH.cleanup()


def _assert_error_shape(response: Any) -> None:
    if response.status_code < 400:
        return
    assert response.headers.get("content-type", [""])[0].startswith("application/json"), response
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"status", "message", "detail"}, body
    assert body["error"]["status"] == response.status_code, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"], body


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=LONG_RUN is None,
)
def test_api_matches_its_schema(case: Any) -> None:
    response = case.call()
    assert response.status_code < 500, (case.method, case.path, response.text[:500])
    _assert_error_shape(response)
    if case.meta is not None and case.meta.generation.mode == GenerationMode.POSITIVE:
        if response.status_code == 422:
            assert response.json()["error"]["message"] != "the request is not valid", response.text
    case.validate_response(response)
