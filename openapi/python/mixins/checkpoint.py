"""Behaviour of `ParsedCheckpointTinkerPath`."""

from __future__ import annotations

from typing import Any

from ._console import KIND_TO_TYPE, split_tinker_path


class ParsedCheckpointTinkerPathMixin:
    @classmethod
    def from_tinker_path(cls, tinker_path: str) -> Any:
        """Parse a checkpoint path; raises ``ValueError`` (naming the problem) if it is malformed."""
        run_id, kind, name = split_tinker_path(tinker_path)
        return cls(
            tinker_path=tinker_path,
            training_run_id=run_id,
            checkpoint_type=KIND_TO_TYPE[kind],
            checkpoint_id=f"{kind}/{name}",
        )
