"""Public path of the generated `tinker_api.models.model_input` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.model_input import ModelInput

__all__ = ["ModelInput"]
