"""quotetrace: who said what, to whom, in news articles.

The public surface is pinned by ``tests/test_api.py``::

    >>> import quotetrace
    >>> doc = quotetrace.extract("“We will win,” she said.")
"""

from importlib.metadata import PackageNotFoundError, version

from quotetrace.errors import (
    EvaluationError,
    InputError,
    LimitExceeded,
    QuotetraceError,
    StoreError,
    UnreadableArticle,
)
from quotetrace.limits import Limits
from quotetrace.model import (
    Article,
    Document,
    Entity,
    Failure,
    Finding,
    Occasion,
    Party,
    Quote,
    SaidOn,
)
from quotetrace.pipeline import Pipeline, extract

try:  # the one version is pyproject.toml's, as installed
    __version__ = version("quotetrace")
except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "Article",
    "Document",
    "Entity",
    "EvaluationError",
    "Failure",
    "Finding",
    "InputError",
    "LimitExceeded",
    "Limits",
    "Occasion",
    "Party",
    "Pipeline",
    "Quote",
    "QuotetraceError",
    "SaidOn",
    "StoreError",
    "UnreadableArticle",
    "__version__",
    "extract",
]
