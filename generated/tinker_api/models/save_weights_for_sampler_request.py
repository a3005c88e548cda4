"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from pydantic import Field

from ._base import StrictBase
from .checkpoint_name import CheckpointName
from .sampling_client_kind import SamplingClientKind
from .seq_id import SeqId
from .ttl_seconds import TtlSeconds
from .user_metadata import UserMetadata

__all__ = ["SaveWeightsForSamplerRequest"]


class SaveWeightsForSamplerRequest(StrictBase):
    """Named (`path`) saves are persistent; ephemeral saves send `sampling_session_seq_id` instead."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["model_id"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "save_weights_for_sampler"}

    model_id: str = Field(min_length=1)
    path: CheckpointName | None = None
    sampling_session_seq_id: int | None = Field(default=None, ge=0, le=2147483647)
    seq_id: SeqId | None = None
    ttl_seconds: TtlSeconds | None = None
    kind: SamplingClientKind = "snapshot"
    user_metadata: UserMetadata | None = None
    type: Literal["save_weights_for_sampler"] = "save_weights_for_sampler"
