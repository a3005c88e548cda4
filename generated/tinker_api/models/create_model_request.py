"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from pydantic import Field

from ._base import StrictBase
from .lora_config import LoraConfig
from .optimizer import OptimizerConfig

__all__ = ["CreateModelRequest"]


class CreateModelRequest(StrictBase):
    """Body of ``POST /api/v1/create_model``."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(
        ["base_model", "model_seq_id", "session_id"]
    )
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "create_model"}

    session_id: str = Field(min_length=1)
    model_seq_id: int = Field(ge=0, le=2147483647)
    base_model: str = Field(min_length=1, max_length=256)
    user_metadata: dict[str, Any] | None = None
    lora_config: LoraConfig | None = None
    optimizer_config: OptimizerConfig = Field(
        default={"type": "adamw"}, validate_default=True
    )
    type: Literal["create_model"] = "create_model"
