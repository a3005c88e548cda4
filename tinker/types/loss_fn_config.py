"""Public path of the generated `tinker_api.models.loss_fn_config` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.loss_fn_config import LossFnConfig

__all__ = ["LossFnConfig"]
