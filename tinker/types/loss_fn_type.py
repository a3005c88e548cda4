"""Names of the loss functions the service computes."""

from __future__ import annotations

from typing import Literal

__all__ = ["LossFnType"]

LossFnType = Literal[
    "cross_entropy",
    "importance_sampling",
    "ppo",
    "cispo",
    "dro",
    "gspo",
    "stable_reinforce",
    "custom",
]
"""A built-in loss (``cross_entropy`` ... ``stable_reinforce``) or ``custom`` for an uploaded loss graph."""
