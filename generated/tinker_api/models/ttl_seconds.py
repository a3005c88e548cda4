"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import TypeAlias

__all__ = ["TtlSeconds"]


TtlSeconds: TypeAlias = int
"""Seconds until the checkpoint expires (at least one hour, at most ten years)."""
