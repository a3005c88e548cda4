"""Public path of the generated `tinker_api.models.sample_stream_token` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.sample_stream_token import SampleStreamToken

__all__ = ["SampleStreamToken"]
