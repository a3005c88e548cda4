"""Public path of the generated `tinker_api.models.get_info_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.get_info_response import GetInfoResponse, ModelData

__all__ = ["GetInfoResponse", "ModelData"]
