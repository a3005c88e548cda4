"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import Annotated, Literal, TypeAlias

from pydantic import ConfigDict, Discriminator, Tag

from ._base import StrictBase, discriminate

__all__ = [
    "AdamOptimizerConfig",
    "AdamParams",
    "DimuonOptimizerConfig",
    "OptimParamsBase",
    "OptimizerConfig",
    "OptimizerConfigBase",
]


class OptimizerConfigBase(StrictBase):
    """An optimizer family chosen when a model is created: `{"type": <family>, ...options}`. Unknown families and options are kept and sent back unchanged."""

    model_config = ConfigDict(extra="allow")

    type: str


class AdamOptimizerConfig(OptimizerConfigBase):
    """AdamW, the default family: `{"type": "adamw"}`."""

    type: Literal["adamw"] = "adamw"


class DimuonOptimizerConfig(OptimizerConfigBase):
    """Dimuon: `{"type": "dimuon", "version": 1}`."""

    type: Literal["dimuon"] = "dimuon"
    version: int = 1


OptimizerConfig: TypeAlias = Annotated[
    Annotated[AdamOptimizerConfig, Tag("adamw")]
    | Annotated[DimuonOptimizerConfig, Tag("dimuon")]
    | Annotated[OptimizerConfigBase, Tag("OptimizerConfigBase")],
    Discriminator(
        discriminate(
            "type",
            (
                ("adamw", ()),
                ("dimuon", ()),
            ),
            other="OptimizerConfigBase",
        )
    ),
]
"""The optimizer family, fixed at model creation; a family this contract does not name is kept as OptimizerConfigBase."""


class AdamParams(StrictBase):
    learning_rate: float = 0.0001
    beta1: float = 0.9
    beta2: float = 0.95
    eps: float = 1e-12
    weight_decay: float = 0.0
    grad_clip_norm: float = 0.0


class OptimParamsBase(StrictBase):
    """Step parameters of a non-Adam optimizer family, e.g. `{"type": "dimuon", "learning_rate": 0.02}`. Keys this contract does not name are kept and sent unchanged."""

    model_config = ConfigDict(extra="allow")

    type: str
    learning_rate: float | None = None
    grad_clip_norm: float | None = None
    beta1: float | None = None
