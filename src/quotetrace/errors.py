"""The exception tree. Library code raises these; only the CLI turns them into exit codes.

QuotetraceError
├── InputError          a user's input cannot be read (missing file, bad JSON line, ...)
│   └── UnreadableArticle   one article is empty, binary, too large or undecodable
├── EvaluationError     a gold or prediction file is malformed
├── StoreError          the database cannot be opened or written
├── LexiconError        a lexicon file is malformed (quotetrace.lexicon)
│   └── UnknownLexicon      no lexicon file has that name
└── FetchError          a page or feed cannot be fetched (quotetrace.fetch)
    ├── BlockedAddress      the address is refused: private, loopback, link-local, ...
    └── RobotsDisallowed    robots.txt asks us not to fetch it
"""


class QuotetraceError(Exception):
    """Base of every error quotetrace raises on purpose."""


class InputError(QuotetraceError):
    """An input path or stream cannot be read."""


class UnreadableArticle(InputError):
    """One article cannot be processed; the batch records it and goes on."""


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
