"""Training runs as listed by the REST API."""

from __future__ import annotations

from datetime import datetime

from ._base import ResponseModel
from .checkpoints import Checkpoint, Cursor

__all__ = ["TrainingRun", "TrainingRunsResponse"]


class TrainingRun(ResponseModel):
    """A training run (one trained model) and its latest checkpoints."""

    training_run_id: str
    base_model: str
    model_owner: str
    is_lora: bool
    corrupted: bool = False
    lora_rank: int | None = None
    last_request_time: datetime
    last_checkpoint: Checkpoint | None = None
    last_sampler_checkpoint: Checkpoint | None = None
    user_metadata: dict[str, str] | None = None


class TrainingRunsResponse(ResponseModel):
    """A page of training runs."""

    training_runs: list[TrainingRun]
    cursor: Cursor
