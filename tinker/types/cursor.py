"""Public path of the generated `tinker_api.models.cursor` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.cursor import Cursor

__all__ = ["Cursor"]
