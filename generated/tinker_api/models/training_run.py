"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from datetime import datetime
from typing import ClassVar

from ._base import BaseModel
from .checkpoint import Checkpoint
from .user_metadata import UserMetadata

__all__ = ["TrainingRun"]


class TrainingRun(BaseModel):
    """A training run (one trained model) and its latest checkpoints."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(
        ["base_model", "is_lora", "last_request_time", "model_owner", "training_run_id"]
    )

    training_run_id: str
    base_model: str
    model_owner: str
    is_lora: bool
    corrupted: bool = False
    lora_rank: int | None = None
    last_request_time: datetime
    last_checkpoint: Checkpoint | None = None
    last_sampler_checkpoint: Checkpoint | None = None
    user_metadata: UserMetadata | None = None
