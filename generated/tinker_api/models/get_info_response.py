"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar, Literal

from pydantic import Field

from ._base import BaseModel
from .optimizer import OptimizerConfig

__all__ = ["GetInfoResponse", "ModelData"]


class ModelData(BaseModel):
    """Architecture facts of a model."""

    arch: str | None = None
    model_name: str | None = None
    tokenizer_id: str | None = None


class GetInfoResponse(BaseModel):
    """Information about a training model."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["model_data", "model_id"])

    type: Literal["get_info"] | None = None
    model_data: ModelData
    model_id: str
    is_lora: bool | None = None
    lora_rank: int | None = None
    model_name: str | None = None
    optimizer_config: OptimizerConfig = Field(
        default={"type": "adamw"}, validate_default=True
    )
