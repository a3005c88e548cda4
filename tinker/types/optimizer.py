"""Optimizer configuration (fixed at model creation) and per-step optimizer parameters."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AliasChoices, ConfigDict, Discriminator, Field, Tag, field_validator, model_serializer
from tinker_api.models.optimizer import (
    AdamOptimizerConfig,
    AdamParams,
    DimuonOptimizerConfig,
    OptimizerConfig,
    OptimizerConfigBase,
    OptimParamsBase,
)

from ._base import RequestModel
from .model_id import ModelID

__all__ = [
    "AdamOptimizerConfig",
    "AdamParams",
    "DimuonOptimizerConfig",
    "DimuonParams",
    "OptimParams",
    "OptimParamsBase",
    "OptimStepRequest",
    "OptimizerConfig",
    "OptimizerConfigBase",
]


# The optimizer families (OptimizerConfig and its classes), AdamParams and OptimParamsBase are generated
# from the contract; this module adds what the generator cannot express: DimuonParams' checks, the OptimParams
# union (Adam has no `type` tag on the wire) and OptimStepRequest, whose one Python field `optim_params` is
# sent as `adam_params` or `optimizer_params`.


class DimuonParams(OptimParamsBase):
    """Dimuon step parameters. NaN and infinities are rejected."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    type: Literal["dimuon"] = "dimuon"
    learning_rate: float = Field(ge=0)
    grad_clip_norm: float = 0.0
    """Clip the global gradient norm to this value (<= 0: no clipping)."""
    beta1: float = Field(default=0.9, ge=0, lt=1)

    @field_validator("learning_rate", "grad_clip_norm", "beta1")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("must be finite")
        return value


def _params_tag(value: Any) -> str:
    if isinstance(value, AdamParams):
        return "adam"
    if isinstance(value, DimuonParams):
        return "dimuon"
    if isinstance(value, OptimParamsBase):
        return "other"
    if isinstance(value, Mapping):
        tag = value.get("type")
        if tag is None:
            return "adam"
        return "dimuon" if tag == "dimuon" else "other"
    return "adam"


OptimParams = Annotated[
    Annotated[AdamParams, Tag("adam")]
    | Annotated[DimuonParams, Tag("dimuon")]
    | Annotated[OptimParamsBase, Tag("other")],
    Discriminator(_params_tag),
]
""":class:`AdamParams` (no ``type`` key) or an :class:`OptimParamsBase` such as :class:`DimuonParams`."""


# --------------------------------------------------------------------------- optim_step


class OptimStepRequest(RequestModel):
    """Body of ``POST /api/v1/optim_step``.

    The parameters live in ``optim_params`` (also accepted as ``adam_params=`` or ``optimizer_params=``).
    On the wire they are sent as ``adam_params`` for :class:`AdamParams` and as ``optimizer_params``
    for every other family.
    """

    optim_params: OptimParams = Field(validation_alias=AliasChoices("optim_params", "adam_params", "optimizer_params"))
    model_id: ModelID
    seq_id: int | None = None
    type: Literal["optim_step"] = "optim_step"

    if TYPE_CHECKING:  # the three spellings of the parameters, as accepted at runtime

        def __init__(
            self,
            *,
            optim_params: OptimParams | None = None,
            adam_params: AdamParams | None = None,
            optimizer_params: OptimParamsBase | None = None,
            model_id: ModelID,
            seq_id: int | None = None,
            type: Literal["optim_step"] = "optim_step",
        ) -> None: ...

    @property
    def adam_params(self) -> AdamParams | None:
        """The parameters when they are Adam's, else ``None``."""
        return self.optim_params if isinstance(self.optim_params, AdamParams) else None

    @property
    def optimizer_params(self) -> OptimParamsBase | None:
        """The parameters when they are not Adam's, else ``None``."""
        return self.optim_params if isinstance(self.optim_params, OptimParamsBase) else None

    @model_serializer(mode="wrap")
    def _wire_key(self, handler: Any) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if "optim_params" in data:
            key = "adam_params" if isinstance(self.optim_params, AdamParams) else "optimizer_params"
            data[key] = data.pop("optim_params")
        return data
