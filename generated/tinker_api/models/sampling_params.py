"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from ._base import BaseModel

__all__ = ["SamplingParams"]


class SamplingParams(BaseModel):
    max_tokens: int | None = None
    seed: int | None = None
    stop: str | list[str] | list[int] | None = None
    """Stop strings or stop token ids. Absent/null stops at EOS; an empty list disables every stop."""
    temperature: float = 1
    top_k: int = -1
    top_p: float = 1
