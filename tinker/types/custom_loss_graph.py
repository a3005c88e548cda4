"""Public path of the generated `tinker_api.models.custom_loss_graph` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.custom_loss_graph import CustomLossGraph, CustomLossNode, CustomLossNodeOp

__all__ = ["CustomLossGraph", "CustomLossNode", "CustomLossNodeOp"]
