"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from ._base import StrictBase
from .lora_config import LoraConfig
from .optimizer import OptimizerConfig

__all__ = ["CreateModelRequest"]


class CreateModelRequest(StrictBase):
    session_id: str
    model_seq_id: int
    base_model: str
    user_metadata: dict[str, Any] | None = None
    lora_config: LoraConfig | None = None
    optimizer_config: OptimizerConfig = Field(
        default={"type": "adamw"}, validate_default=True
    )
    type: Literal["create_model"] = "create_model"
