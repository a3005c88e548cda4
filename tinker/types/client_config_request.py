"""Public path of the generated `tinker_api.models.client_config_request` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.client_config_request import ClientConfigRequest

__all__ = ["ClientConfigRequest"]
