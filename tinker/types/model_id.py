"""Public path of the generated `tinker_api.models.model_id` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.model_id import ModelID

__all__ = ["ModelID"]
