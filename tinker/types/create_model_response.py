"""Public path of the generated `tinker_api.models.create_model_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.create_model_response import CreateModelResponse

__all__ = ["CreateModelResponse"]
