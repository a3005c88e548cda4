"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import TypeAlias

__all__ = ["TopkLogprobRow"]


TopkLogprobRow: TypeAlias = list[list[float]] | None
"""Up to k `[token_id, logprob]` pairs of one position, or null."""
