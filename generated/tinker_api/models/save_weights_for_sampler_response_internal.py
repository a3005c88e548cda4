"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import Literal

from ._base import BaseModel

__all__ = ["SaveWeightsForSamplerResponseInternal"]


class SaveWeightsForSamplerResponseInternal(BaseModel):
    path: str | None = None
    sampling_session_id: str | None = None
    type: Literal["save_weights_for_sampler"] = "save_weights_for_sampler"
