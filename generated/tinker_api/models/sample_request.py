"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from pydantic import Field
from tinker_wire.tensor import TensorData

from ._base import StrictBase
from ._mixins.sample_request import SampleRequestMixin
from .model_input import ModelInput
from .sampling_params import SamplingParams
from .tinker_path import TinkerPath

__all__ = ["SampleRequest"]


class SampleRequest(SampleRequestMixin, StrictBase):
    """Addressed by `sampling_session_id` (+ `seq_id`), or directly by `base_model` / `model_path`."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(
        ["prompt", "sampling_params"]
    )
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "sample"}

    num_samples: int = Field(default=1, ge=1, le=1024)
    prompt: ModelInput
    sampling_params: SamplingParams
    base_model: str | None = Field(default=None, min_length=1, max_length=256)
    model_path: TinkerPath | None = None
    sampling_session_id: str | None = Field(default=None, min_length=1)
    seq_id: int | None = Field(default=None, ge=0, le=9223372036854775807)
    """Per-sampling-client counter; restored (unpickled or joined) clients start at 1e9 x k."""
    prompt_logprobs: bool | None = None
    """Also return the log-probability of every prompt token."""
    topk_prompt_logprobs: int = Field(default=0, ge=0, le=1024)
    """Return the top-k tokens at each prompt position (0: off)."""
    topk_sample_logprobs: int = Field(default=0, ge=0, le=1024)
    """Return the top-k tokens at each generated position (0: off)."""
    target_prompt_logprobs: TensorData | None = None
    """int64 ``[len(prompt) - 1, K]``: ids whose logprobs to report at prompt position ``i + 1``; -1 = none."""
    prompt_alt_tokens_k: int = Field(default=0, ge=0, le=1024)
    """Draw this many alternative tokens at every prompt position after the first (0: off)."""
    prompt_logprobs_last_n: int | None = Field(default=None, ge=1)
    """Score only the last N prompt tokens (needs ``prompt_logprobs``)."""
    record_stability_info: bool | None = None
    """Record per-sequence stability data (used by the ``stable_reinforce`` loss)."""
    type: Literal["sample"] = "sample"
