"""Public path of the generated `tinker_api.models.external_weights_urls_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.external_weights_urls_response import ExternalWeightsUrlsResponse

__all__ = ["ExternalWeightsUrlsResponse"]
