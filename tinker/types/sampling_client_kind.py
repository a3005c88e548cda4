"""Public path of the generated `tinker_api.models.sampling_client_kind` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.sampling_client_kind import SamplingClientKind

__all__ = ["SamplingClientKind"]
