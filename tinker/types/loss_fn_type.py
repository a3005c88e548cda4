"""Public path of the generated `tinker_api.models.loss_fn_type` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.loss_fn_type import LossFnType

__all__ = ["LossFnType"]
