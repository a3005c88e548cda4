"""Public path of the generated `tinker_api.models.create_custom_loss_request` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.create_custom_loss_request import CreateCustomLossRequest

__all__ = ["CreateCustomLossRequest"]
