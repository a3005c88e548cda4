"""Public path of the generated `tinker_api.models.severity` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.severity import Severity

__all__ = ["Severity"]
