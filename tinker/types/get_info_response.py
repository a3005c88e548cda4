"""`GetInfoResponse`: hand-written because its ``optimizer_config`` is the SDK's optimizer-config union.

The contract describes ``optimizer_config`` as ``{"type": ..., "version": ...}``; the SDK parses it into
:class:`~tinker.types.AdamOptimizerConfig` / :class:`~tinker.types.DimuonOptimizerConfig` (see ``optimizer``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from tinker_api.models.model_data import ModelData

from ._base import ResponseModel
from .optimizer import AdamOptimizerConfig, OptimizerConfig

__all__ = ["GetInfoResponse", "ModelData"]


class GetInfoResponse(ResponseModel):
    """Information about a training model."""

    type: Literal["get_info"] | None = None
    model_data: ModelData
    model_id: str
    is_lora: bool | None = None
    lora_rank: int | None = None
    model_name: str | None = None
    optimizer_config: OptimizerConfig = Field(default_factory=AdamOptimizerConfig)
