"""Public path of the generated `tinker_api.models.client_dynamic_config_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.client_dynamic_config_response import ClientDynamicConfigResponse

__all__ = ["ClientDynamicConfigResponse"]
