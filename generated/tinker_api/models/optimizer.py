"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Annotated, Any, ClassVar, Literal, TypeAlias

from pydantic import ConfigDict, Discriminator, Field, Tag

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
    """An optimizer family chosen when a model is created: `{"type": <family>, ...options}`. Unknown families and
    options are kept and sent back unchanged.
    """

    model_config = ConfigDict(extra="allow")

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["type"])

    type: str = Field(min_length=1, max_length=64)


class AdamOptimizerConfig(OptimizerConfigBase):
    """AdamW, the default family: `{"type": "adamw"}`."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["type"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "adamw"}

    type: Literal["adamw"] = "adamw"


class DimuonOptimizerConfig(OptimizerConfigBase):
    """Dimuon: `{"type": "dimuon", "version": 1}`."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["type"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "dimuon"}

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
"""The optimizer family, fixed at model creation; a family this contract does not name is kept as
OptimizerConfigBase.
"""


class AdamParams(StrictBase):
    """Adam(W) step parameters; weight decay is decoupled and ``grad_clip_norm=0`` disables clipping."""

    learning_rate: float = Field(default=0.0001, ge=0)
    beta1: float = Field(default=0.9, ge=0, lt=1)
    beta2: float = Field(default=0.95, ge=0, lt=1)
    eps: float = Field(default=1e-12, gt=0)
    weight_decay: float = Field(default=0.0, ge=0)
    """Decoupled weight decay."""
    grad_clip_norm: float = Field(default=0.0, ge=0)
    """Clip the global gradient norm to this value (0: no clipping)."""


class OptimParamsBase(StrictBase):
    """Step parameters of a non-Adam optimizer family, e.g. `{"type": "dimuon", "learning_rate": 0.02}`. Keys this
    contract does not name are kept and sent unchanged.
    """

    model_config = ConfigDict(extra="allow")

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["type"])

    type: str = Field(min_length=1, max_length=64)
    learning_rate: float | None = Field(default=None, ge=0)
    grad_clip_norm: float | None = None
    beta1: float | None = Field(default=None, ge=0, lt=1)
