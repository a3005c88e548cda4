"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any

from tinker_wire.tensor import TensorData

from ._base import BaseModel
from .topk_logprob_row import TopkLogprobRow

__all__ = ["SampleStreamPrompt"]


class SampleStreamPrompt(BaseModel):
    """Sent once, before the first token, when the request asked for prompt scores: the same fields, in the same
    forms, as in a `sample` result.
    """

    prompt_logprobs: list[float | None] | None = None
    topk_prompt_logprobs: list[TopkLogprobRow] | None = None
    target_prompt_logprobs: TensorData | None = None
    prompt_alt_tokens: Any | None = None
