"""Public path of the generated `tinker_api.models.copy_weights_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.copy_weights_response import CopyWeightsResponse

__all__ = ["CopyWeightsResponse"]
