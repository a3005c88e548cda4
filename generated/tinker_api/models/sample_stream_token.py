"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from ._base import BaseModel
from .topk_logprob_row import TopkLogprobRow

__all__ = ["SampleStreamToken"]


class SampleStreamToken(BaseModel):
    _required_on_wire: ClassVar[frozenset[str]] = frozenset(
        ["index", "logprob", "token_id"]
    )

    index: int
    """Which of the num_samples sequences."""
    token_id: int
    logprob: float
    text: str | None = None
    """The decoded text this token adds, when the server can decode."""
    topk_logprobs: TopkLogprobRow | None = None
    """The top entries of this position's distribution, when the request set `topk_sample_logprobs`."""
