"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from ._base import BaseModel

__all__ = ["SamplingParams"]


class SamplingParams(BaseModel):
    """How to decode: length limit, stop conditions, randomness.

    ``stop`` is a string, a list of strings or a list of token ids. ``None`` keeps the model's implicit
    end-of-sequence stop; an empty list disables every stop token including EOS, so generation runs to
    ``max_tokens``. ``top_k=-1`` means no top-k limit.
    """

    max_tokens: int | None = None
    """Maximum number of tokens to generate."""
    seed: int | None = None
    """Random seed for reproducible sampling."""
    stop: str | list[str] | list[int] | None = None
    """Stop strings or stop token ids. Absent/null stops at EOS; an empty list disables every stop."""
    temperature: float = 1
    """Sampling temperature."""
    top_k: int = -1
    """Keep only the k most likely tokens (-1: no limit)."""
    top_p: float = 1
    """Nucleus sampling: keep the smallest set of tokens whose probability reaches ``top_p``."""
