"""Training models: LoRA settings, model creation, model info and unloading."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from ._base import RequestModel, ResponseModel
from .model_id import ModelID
from .optimizer import AdamOptimizerConfig, OptimizerConfig

__all__ = [
    "CreateModelRequest",
    "CreateModelResponse",
    "GetInfoRequest",
    "GetInfoResponse",
    "LoraConfig",
    "ModelData",
    "UnloadModelRequest",
    "UnloadModelResponse",
]


class LoraConfig(RequestModel):
    """LoRA adapter settings. At least one ``train_*`` flag should be true; ``seed=None`` is random."""

    rank: int
    seed: int | None = None
    train_unembed: bool = True
    train_mlp: bool = True
    """Adapt the MLP layers (MoE experts included)."""
    train_attn: bool = True


class CreateModelRequest(RequestModel):
    """Body of ``POST /api/v1/create_model``."""

    session_id: str
    model_seq_id: int
    base_model: str
    user_metadata: dict[str, Any] | None = None
    lora_config: LoraConfig | None = None
    optimizer_config: OptimizerConfig = Field(default_factory=AdamOptimizerConfig)
    type: Literal["create_model"] = "create_model"


class CreateModelResponse(ResponseModel):
    """Result of ``create_model``."""

    model_id: ModelID
    type: Literal["create_model"] = "create_model"


class GetInfoRequest(RequestModel):
    """Body of ``POST /api/v1/get_info``."""

    model_id: ModelID
    type: Literal["get_info"] = "get_info"


class ModelData(ResponseModel):
    """Architecture facts of a model."""

    arch: str | None = None
    model_name: str | None = None
    tokenizer_id: str | None = None


class GetInfoResponse(ResponseModel):
    """Information about a training model."""

    type: Literal["get_info"] | None = None
    model_data: ModelData
    model_id: ModelID
    is_lora: bool | None = None
    lora_rank: int | None = None
    model_name: str | None = None
    optimizer_config: OptimizerConfig = Field(default_factory=AdamOptimizerConfig)


class UnloadModelRequest(RequestModel):
    """Body of ``POST /api/v1/unload_model``."""

    model_id: ModelID
    type: Literal["unload_model"] = "unload_model"


class UnloadModelResponse(ResponseModel):
    """Result of ``unload_model``."""

    model_id: ModelID
    type: Literal["unload_model"] | None = None
