"""Public path of the generated `tinker_api.models.sample_request` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.sample_request import SampleRequest

__all__ = ["SampleRequest"]
