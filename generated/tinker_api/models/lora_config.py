"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from pydantic import Field

from ._base import StrictBase

__all__ = ["LoraConfig"]


class LoraConfig(StrictBase):
    """LoRA adapter settings. At least one ``train_*`` flag should be true; ``seed=None`` is random."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["rank"])

    rank: int = Field(ge=1, le=1024)
    seed: int | None = Field(default=None, ge=0, le=9223372036854775807)
    train_unembed: bool = True
    train_mlp: bool = True
    """Adapt the MLP layers (MoE experts included)."""
    train_attn: bool = True
