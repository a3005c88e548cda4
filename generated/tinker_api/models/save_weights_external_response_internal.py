"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import Literal

from ._base import BaseModel

__all__ = ["SaveWeightsExternalResponseInternal"]


class SaveWeightsExternalResponseInternal(BaseModel):
    path: str | None = None
    size_bytes: int | None = None
    type: Literal["save_weights_external"] = "save_weights_external"
