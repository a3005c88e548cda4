"""Public path of the generated `tinker_api.models.custom_loss_input` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.custom_loss_input import CustomLossInput, CustomLossInputRank

__all__ = ["CustomLossInput", "CustomLossInputRank"]
