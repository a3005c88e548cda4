"""Behaviour of `ParsedCheckpointTinkerPath`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from ._console import KIND_TO_TYPE, split_tinker_path
from ._typing import ModelBase


class ParsedCheckpointTinkerPathMixin(ModelBase):
    if TYPE_CHECKING:  # fields of the generated model this is mixed into
        tinker_path: str
        training_run_id: str
        checkpoint_type: str
        checkpoint_id: str

    @classmethod
    def from_tinker_path(cls, tinker_path: str) -> Self:
        """Parse a checkpoint path; raises ``ValueError`` (naming the problem) if it is malformed."""
        run_id, kind, name = split_tinker_path(tinker_path)
        return cls(
            tinker_path=tinker_path,
            training_run_id=run_id,
            checkpoint_type=KIND_TO_TYPE[kind],
            checkpoint_id=f"{kind}/{name}",
        )
