"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, TypeAlias

__all__ = ["TopkLogprobRow"]


TopkLogprobRow: TypeAlias = list[list[Any]] | None
"""Up to k `[token_id, logprob]` pairs of one position, or null."""
