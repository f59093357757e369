"""quotetrace: who said what, to whom, in news articles.

The public surface is pinned by ``tests/test_api.py``::

    >>> import quotetrace
    >>> doc = quotetrace.extract("“We will win,” she said.")
"""

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

__version__ = "0.1.0"

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
