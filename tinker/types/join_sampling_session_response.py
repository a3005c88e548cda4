"""Public path of the generated `tinker_api.models.join_sampling_session_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.join_sampling_session_response import JoinSamplingSessionResponse

__all__ = ["JoinSamplingSessionResponse"]
