"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from ._base import BaseModel

__all__ = ["GetSamplerResponse"]


class GetSamplerResponse(BaseModel):
    """Result of ``GET /api/v1/samplers/{id}``."""

    sampler_id: str
    base_model: str
    model_path: str | None = None
