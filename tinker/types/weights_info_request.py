"""Public path of the generated `tinker_api.models.weights_info_request` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.weights_info_request import WeightsInfoRequest

__all__ = ["WeightsInfoRequest"]
