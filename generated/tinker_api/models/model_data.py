"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from ._base import BaseModel

__all__ = ["ModelData"]


class ModelData(BaseModel):
    arch: str | None = None
    model_name: str | None = None
    tokenizer_id: str | None = None
