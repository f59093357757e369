"""The extraction options every extracting command shares, as one value.

``PipelineOptions`` holds what changes extraction (the ``Pipeline`` arguments and the kinds kept in
the output); ``add_pipeline_arguments`` puts the matching flags on a command's parser and
``PipelineOptions.from_args`` reads them back. It is a plain frozen dataclass, so it pickles: the
Spark job sends it to every executor, which builds its own ``Pipeline`` from it.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import TYPE_CHECKING

from quotetrace.cue_model import CueModel, add_cue_model_argument
from quotetrace.kinds import DEFAULT_KINDS, kinds_argument

if TYPE_CHECKING:
    from quotetrace.pipeline import Pipeline


@dataclass(frozen=True)
class PipelineOptions:
    """``topics``, ``kinds`` and ``join_turns`` as for ``Pipeline``; ``cue_model`` is the path of a
    trained cue model (``quotetrace train``) or None."""

    topics: bool = False
    kinds: tuple[str, ...] = DEFAULT_KINDS
    join_turns: bool = False
    cue_model: str | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> PipelineOptions:
        return cls(
            topics=bool(getattr(args, "topics", False)),
            kinds=tuple(getattr(args, "kinds", DEFAULT_KINDS)),
            join_turns=bool(getattr(args, "join_turns", False)),
            cue_model=getattr(args, "cue_model", None),
        )

    def load_cue_model(self) -> CueModel | None:
        """The cue model, read and checked (BadModel if the file is not one), or None."""
        return CueModel.load(self.cue_model) if self.cue_model else None

    def pipeline(self, cue_model: CueModel | None = None) -> Pipeline:
        """A Pipeline with these options; ``cue_model`` given here saves reading the file again
        (an executor gets the model, not the path)."""
        from quotetrace.pipeline import Pipeline

        model = cue_model if cue_model is not None else self.load_cue_model()
        return Pipeline(
            topics=self.topics, kinds=self.kinds, join_turns=self.join_turns, cue_model=model
        )


def add_pipeline_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of ``quotetrace extract`` that change what is extracted."""
    parser.add_argument(
        "--join-turns",
        action="store_true",
        help="one quote per speaker turn: “A,” said X. “B.” in one paragraph is one quote with two "
        "spans, as PolNeAR annotates it (default: two quotes)",
    )
    parser.add_argument(
        "--topics",
        action="store_true",
        help="also report speech acts whose content is a noun phrase or prepositional object "
        "('criticized the plan', 'warned against hackers'), as PolNeAR annotates them",
    )
    parser.add_argument(
        "--kinds",
        type=kinds_argument,
        default=DEFAULT_KINDS,
        help="kinds of attribution to keep: comma list of speech,writing,thought,perception,finding "
        "or 'all' (default: speech,writing)",
    )
    add_cue_model_argument(parser)
