"""Public path of the generated `tinker_api.models.weights_info_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.weights_info_response import WeightsInfoResponse

__all__ = ["WeightsInfoResponse"]
