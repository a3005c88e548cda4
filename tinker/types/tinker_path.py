"""Public path of the generated `tinker_api.models.tinker_path` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.tinker_path import TinkerPath

__all__ = ["TinkerPath"]
