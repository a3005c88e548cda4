"""Why a sampled sequence ended."""

from __future__ import annotations

from typing import Literal

__all__ = ["StopReason"]

StopReason = Literal["length", "stop"]
"""``"length"``: ``max_tokens`` was reached; ``"stop"``: a stop string/token (or EOS) was produced."""
