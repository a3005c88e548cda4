"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import Literal

from tinker_wire.tensor import TensorData

from ._base import StrictBase
from .model_input import ModelInput
from .sampling_params import SamplingParams
from .tinker_path import TinkerPath

__all__ = ["SampleRequest"]


class SampleRequest(StrictBase):
    """Addressed by `sampling_session_id` (+ `seq_id`), or directly by `base_model` / `model_path`."""

    num_samples: int = 1
    prompt: ModelInput
    sampling_params: SamplingParams
    base_model: str | None = None
    model_path: TinkerPath | None = None
    sampling_session_id: str | None = None
    seq_id: int | None = None
    """Per-sampling-client counter; restored (unpickled or joined) clients start at 1e9 x k."""
    prompt_logprobs: bool | None = None
    topk_prompt_logprobs: int = 0
    topk_sample_logprobs: int = 0
    target_prompt_logprobs: TensorData | None = None
    prompt_alt_tokens_k: int = 0
    prompt_logprobs_last_n: int | None = None
    record_stability_info: bool | None = None
    type: Literal["sample"] = "sample"
