"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import Literal

from ._base import StrictBase
from .checkpoint_name import CheckpointName
from .seq_id import SeqId
from .ttl_seconds import TtlSeconds
from .user_metadata import UserMetadata

__all__ = ["SaveWeightsForSamplerRequest"]


class SaveWeightsForSamplerRequest(StrictBase):
    """Named (`path`) saves are persistent; ephemeral saves send `sampling_session_seq_id` instead."""

    model_id: str
    path: CheckpointName | None = None
    sampling_session_seq_id: int | None = None
    seq_id: SeqId | None = None
    ttl_seconds: TtlSeconds | None = None
    kind: Literal["snapshot", "inflight"] = "snapshot"
    user_metadata: UserMetadata | None = None
    type: Literal["save_weights_for_sampler"] = "save_weights_for_sampler"
