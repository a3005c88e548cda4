"""Request body of ``POST /api/v1/asample``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from ._base import RequestModel
from .model_input import ModelInput
from .sampling_params import SamplingParams
from .tensor_data import TensorData

__all__ = ["SampleRequest"]


class SampleRequest(RequestModel):
    """Generate ``num_samples`` continuations of ``prompt``, optionally scoring the prompt too.

    Sampling normally goes through a sampling session (``sampling_session_id`` + ``seq_id``); the direct
    ``base_model`` / ``model_path`` addressing also exists.
    """

    num_samples: int = 1
    prompt: ModelInput
    sampling_params: SamplingParams
    base_model: str | None = None
    model_path: str | None = None
    sampling_session_id: str | None = None
    seq_id: int | None = None
    prompt_logprobs: bool | None = None
    """Also return the log-probability of every prompt token."""
    topk_prompt_logprobs: int = Field(default=0, ge=0)
    """Return the top-k tokens at each prompt position (0: off)."""
    topk_sample_logprobs: int = Field(default=0, ge=0)
    """Return the top-k tokens at each generated position (0: off)."""
    target_prompt_logprobs: TensorData | None = None
    """int64 ``[len(prompt) - 1, K]``: ids whose logprobs to report at prompt position ``i + 1``; -1 = none."""
    prompt_alt_tokens_k: int = Field(default=0, ge=0)
    """Draw this many alternative tokens at every prompt position after the first (0: off)."""
    prompt_logprobs_last_n: int | None = Field(default=None, ge=1)
    """Score only the last N prompt tokens (needs ``prompt_logprobs``)."""
    record_stability_info: bool | None = None
    """Record per-sequence stability data (used by the ``stable_reinforce`` loss)."""
    type: Literal["sample"] = "sample"

    @field_validator("target_prompt_logprobs")
    @classmethod
    def _check_targets(cls, value: TensorData | None) -> TensorData | None:
        if value is not None:
            if value.dtype != "int64":
                raise ValueError("target_prompt_logprobs must have dtype int64")
            shape = value.shape
            if shape is None or len(shape) != 2:
                raise ValueError(f"target_prompt_logprobs must be 2-D, got shape {shape}")
        return value
