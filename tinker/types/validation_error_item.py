"""Public path of the generated `tinker_api.models.validation_error_item` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.validation_error_item import ValidationErrorItem

__all__ = ["ValidationErrorItem"]
