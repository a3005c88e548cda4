"""Public path of the generated `tinker_api.models.sample_stream_prompt` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.sample_stream_prompt import SampleStreamPrompt

__all__ = ["SampleStreamPrompt"]
