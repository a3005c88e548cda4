"""Public path of the generated `tinker_api.models.create_model_request` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.create_model_request import CreateModelRequest

__all__ = ["CreateModelRequest"]
