"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from ._base import BaseModel

__all__ = ["GetSamplerResponse"]


class GetSamplerResponse(BaseModel):
    """Result of ``GET /api/v1/samplers/{id}``."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(
        ["base_model", "sampler_id"]
    )

    sampler_id: str
    base_model: str
    model_path: str | None = None
