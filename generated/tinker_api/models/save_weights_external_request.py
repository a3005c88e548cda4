"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import Literal

from ._base import StrictBase
from .checkpoint_name import CheckpointName
from .seq_id import SeqId
from .ttl_seconds import TtlSeconds

__all__ = ["SaveWeightsExternalRequest"]


class SaveWeightsExternalRequest(StrictBase):
    model_id: str
    path: CheckpointName
    seq_id: SeqId | None = None
    ttl_seconds: TtlSeconds | None = None
    age_encryption_recipients: list[str] | None = None
    type: Literal["save_weights_external"] = "save_weights_external"
