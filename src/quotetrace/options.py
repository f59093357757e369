"""The extraction options every extracting command shares, as one value.

``PipelineOptions`` holds what changes extraction (the ``Pipeline`` arguments and the kinds kept in
the output). ``extract``, ``eval``, ``ingest``, ``watch``, ``train``, ``serve``, the worker pool
(``runner.run_pipeline``) and Spark all take one; ``quotetrace.cli.args.add_pipeline_arguments``
puts the matching flags on a command's parser and ``pipeline_options(args)`` reads them back. It is
a plain frozen dataclass, so it pickles: worker processes and Spark executors build their own
``Pipeline`` from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from quotetrace.cue_model import CueModel
from quotetrace.kinds import DEFAULT_KINDS
from quotetrace.limits import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from quotetrace.attribute.ranker import SpeakerRanker
    from quotetrace.pipeline import Pipeline


@dataclass(frozen=True)
class PipelineOptions:
    """``topics``, ``kinds`` and ``join_turns`` as for ``Pipeline``; ``cue_model`` is the path of a
    trained cue model (``quotetrace train``) or None; ``speaker_ranker`` the path of a speaker
    ranker (``quotetrace train-speakers``), "none" for the rules alone, or None for the packaged
    one."""

    topics: bool = False
    kinds: tuple[str, ...] = DEFAULT_KINDS
    join_turns: bool = False
    cue_model: str | None = None
    speaker_ranker: str | None = None

    def load_cue_model(self) -> CueModel | None:
        """The cue model, read and checked (BadModel if the file is not one), or None."""
        return CueModel.load(self.cue_model) if self.cue_model else None

    def load_speaker_ranker(self) -> SpeakerRanker | str | None:
        """The speaker ranker as ``Pipeline`` takes it (BadRanker if the file is not one)."""
        from quotetrace.attribute.ranker import load_ranker_option

        return load_ranker_option(self.speaker_ranker)

    def check(self) -> None:
        """Read both model files, so that a bad one stops a command before any work starts."""
        self.load_cue_model()
        self.load_speaker_ranker()

    def pipeline(
        self, cue_model: CueModel | None = None, *, limits: Limits = DEFAULT_LIMITS
    ) -> Pipeline:
        """A Pipeline with these options; ``cue_model`` given here saves reading the file again
        (an executor gets the model, not the path)."""
        from quotetrace.pipeline import Pipeline

        model = cue_model if cue_model is not None else self.load_cue_model()
        return Pipeline(
            topics=self.topics,
            kinds=self.kinds,
            join_turns=self.join_turns,
            cue_model=model,
            speaker_ranker=self.load_speaker_ranker(),
            limits=limits,
        )
