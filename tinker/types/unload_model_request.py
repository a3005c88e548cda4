"""Public path of the generated `tinker_api.models.unload_model_request` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.unload_model_request import UnloadModelRequest

__all__ = ["UnloadModelRequest"]
