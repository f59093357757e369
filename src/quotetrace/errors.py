"""The exception tree. Library code raises these; only the CLI turns them into exit codes.

QuotetraceError
├── InputError          a user's input cannot be read (missing file, bad JSON line, ...)
│   └── UnreadableArticle   one article is empty, binary, too large or undecodable
├── EvaluationError     a gold or prediction file is malformed
└── StoreError          the database cannot be opened or written
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
