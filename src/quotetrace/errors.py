"""The exception tree. Library code raises these; only the CLI turns them into exit codes.

QuotetraceError
├── InputError          a user's input cannot be read (missing file, bad JSON line, ...)
│   └── UnreadableArticle   one article is empty, binary, too large or undecodable
│       └── LimitExceeded       one article is over a cap of ``Limits``
├── EvaluationError     a gold or prediction file is malformed
├── StoreError          the database cannot be opened or written
├── LexiconError        a lexicon file is malformed (quotetrace.lexicon)
│   └── UnknownLexicon      no lexicon file has that name
├── FetchError          a page or feed cannot be fetched (quotetrace.fetch)
│   ├── BlockedAddress      the address is refused: private, loopback, link-local, ...
│   └── RobotsDisallowed    robots.txt asks us not to fetch it
├── ModelNotInstalled   the spaCy model package is missing
├── BadModel            a cue-model file is missing, unreadable or not a cue model
├── BadRanker           a speaker-ranker file is missing, unreadable or not a ranker
├── TrainingError       the gold cannot train a cue model
├── RankerTrainingError the gold cannot train a speaker ranker
├── SparkUnavailable    PySpark or Java is missing, or Spark did not start
└── ApiError            an HTTP API request fails; carries its status (quotetrace.web)

The modules that raise them re-export them under their old names (``quotetrace.cue_model.BadModel``
is ``quotetrace.errors.BadModel``).
"""

from __future__ import annotations

from typing import Any


class QuotetraceError(Exception):
    """Base of every error quotetrace raises on purpose."""


class InputError(QuotetraceError):
    """An input path or stream cannot be read."""


class UnreadableArticle(InputError):
    """One article cannot be processed; the batch records it and goes on."""


class LimitExceeded(UnreadableArticle):
    """An article is over one of the ``Limits``."""


class EvaluationError(QuotetraceError):
    """A gold or prediction file does not follow FORMAT.md."""


class StoreError(QuotetraceError):
    """The store cannot be opened, migrated or written."""


class LexiconError(QuotetraceError):
    """A lexicon file (``quotetrace/lexicons/*.txt``) is malformed."""


class UnknownLexicon(LexiconError, LookupError):
    """No lexicon file has the name asked for."""


class FetchError(QuotetraceError):
    """A URL cannot be fetched: network, HTTP status, size, robots.txt, redirects.
    ``transient``: worth retrying later (timeouts, connection errors, 5xx, 429)."""

    def __init__(
        self, message: str, *, transient: bool = False, status_code: int | None = None
    ) -> None:
        super().__init__(message)
        self.transient = transient
        self.status_code = status_code


class BlockedAddress(FetchError):
    """The URL's host resolves to an address that fetching must not reach (SSRF guard)."""


class RobotsDisallowed(FetchError):
    """The site's robots.txt disallows the URL for our user agent."""


class ModelNotInstalled(QuotetraceError):
    """The spaCy model package is missing: reinstall with `make setup`."""


class BadModel(QuotetraceError):
    """The cue-model file is missing, unreadable or not a quotetrace cue model."""


class BadRanker(QuotetraceError):
    """The speaker-ranker file is missing, unreadable or not a quotetrace speaker ranker."""


class TrainingError(QuotetraceError):
    """The gold cannot train a model (no documents, or no positive or no negative clause)."""


class RankerTrainingError(QuotetraceError):
    """The gold cannot train a speaker ranker (no documents or no usable groups)."""


class SparkUnavailable(QuotetraceError):
    """PySpark (the quotetrace[spark] extra) or a Java runtime is missing, or Spark did not
    start."""


class ApiError(QuotetraceError):
    """An HTTP API request that fails with ``status``; the web app turns it into its one error
    shape (``{"error": {"status", "message", "detail"}}``)."""

    def __init__(self, status: int, message: str, detail: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.detail = detail
