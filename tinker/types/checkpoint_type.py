"""Kinds of checkpoints."""

from __future__ import annotations

from typing import Literal

__all__ = ["CheckpointType"]

CheckpointType = Literal["training", "sampler", "external"]
"""``training`` (``weights/``: full state for resuming), ``sampler`` (``sampler_weights/``: weights for
sampling) and ``external`` (``external_weights/``: an export in an external format)."""
