"""Public path of the generated `tinker_api.models.get_server_capabilities_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.get_server_capabilities_response import GetServerCapabilitiesResponse, SupportedModel

__all__ = ["GetServerCapabilitiesResponse", "SupportedModel"]
