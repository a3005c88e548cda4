"""Public path of the generated `tinker_api.models.create_custom_loss_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.create_custom_loss_response import CreateCustomLossResponse

__all__ = ["CreateCustomLossResponse"]
