"""Behaviour of `SampleRequest`."""

from __future__ import annotations

from typing import Any

from pydantic import field_validator


class SampleRequestMixin:
    @field_validator("target_prompt_logprobs")
    @classmethod
    def _check_targets(cls, value: Any) -> Any:
        """Checked when built: an int64 matrix ``[len(prompt) - 1, K]`` of token ids (-1 = none)."""
        if value is not None:
            if value.dtype != "int64":
                raise ValueError("target_prompt_logprobs must have dtype int64")
            shape = value.shape
            if shape is None or len(shape) != 2:
                raise ValueError(f"target_prompt_logprobs must be 2-D, got shape {shape}")
        return value
