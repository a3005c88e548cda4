"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from pydantic import Field

from ._base import StrictBase
from .checkpoint_name import CheckpointName
from .seq_id import SeqId
from .ttl_seconds import TtlSeconds
from .user_metadata import UserMetadata

__all__ = ["SaveWeightsRequest"]


class SaveWeightsRequest(StrictBase):
    """Body of ``POST /api/v1/save_weights`` (a full training checkpoint; ``path`` is the name)."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["model_id"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "save_weights"}

    model_id: str = Field(min_length=1)
    path: CheckpointName | None = None
    """The checkpoint name (not a URI); generated when absent."""
    seq_id: SeqId | None = None
    ttl_seconds: TtlSeconds | None = None
    """Lifetime in seconds (3600 s ... 10 years); ``None``: never expires."""
    overwrite: bool = False
    user_metadata: UserMetadata | None = None
    type: Literal["save_weights"] = "save_weights"
