"""Public path of the generated `tinker_api.models.custom_loss_graph` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.custom_loss_graph import CustomLossGraph as CustomLossGraph
from tinker_api.models.custom_loss_graph import CustomLossNode as CustomLossNode
from tinker_api.models.custom_loss_graph import CustomLossNodeOp as CustomLossNodeOp

__all__ = ['CustomLossGraph', 'CustomLossNode', 'CustomLossNodeOp']
