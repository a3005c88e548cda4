"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from datetime import datetime
from typing import ClassVar, Literal, TypeAlias

from ._base import BaseModel
from ._mixins.checkpoint import ParsedCheckpointTinkerPathMixin
from .user_metadata import UserMetadata

__all__ = ["Checkpoint", "CheckpointType", "ParsedCheckpointTinkerPath"]


CheckpointType: TypeAlias = Literal["training", "sampler", "external"]


class ParsedCheckpointTinkerPath(ParsedCheckpointTinkerPathMixin, BaseModel):
    """The parts of a checkpoint path `tinker://<training_run_id>/<kind>/<name>` (an SDK helper, not an HTTP body);
    `checkpoint_id` is `<kind>/<name>`.
    """

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(
        ["checkpoint_id", "checkpoint_type", "tinker_path", "training_run_id"]
    )

    tinker_path: str
    training_run_id: str
    checkpoint_type: CheckpointType
    checkpoint_id: str


class Checkpoint(BaseModel):
    """A saved checkpoint of a training run."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(
        ["checkpoint_id", "checkpoint_type", "time", "tinker_path"]
    )

    checkpoint_id: str
    """`<kind>/<name>`, e.g. `weights/0001`."""
    checkpoint_type: CheckpointType
    time: datetime
    """Creation time."""
    tinker_path: str
    """``tinker://<training_run_id>/<kind>/<name>``."""
    size_bytes: int | None = None
    public: bool = False
    expires_at: datetime | None = None
    """When the checkpoint is deleted; ``None``: never."""
    training_run_id: str | None = None
    """Run the checkpoint belongs to (sent by some servers on cross-run listings)."""
    user_metadata: UserMetadata | None = None
