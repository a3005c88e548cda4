"""Public path of the generated `tinker_api.models.api_key_info_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.api_key_info_response import ApiKeyInfoResponse

__all__ = ["ApiKeyInfoResponse"]
