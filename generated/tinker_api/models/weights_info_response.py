"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from pydantic import Field

from ._base import BaseModel
from .optimizer import OptimizerConfig

__all__ = ["WeightsInfoResponse"]


class WeightsInfoResponse(BaseModel):
    """What a checkpoint contains: base model, LoRA settings and optimizer family."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["base_model", "is_lora"])

    base_model: str
    is_lora: bool
    lora_rank: int | None = None
    train_unembed: bool | None = None
    train_mlp: bool | None = None
    train_attn: bool | None = None
    optimizer_config: OptimizerConfig = Field(
        default={"type": "adamw"}, validate_default=True
    )
