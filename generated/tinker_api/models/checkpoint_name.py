"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import TypeAlias

__all__ = ["CheckpointName"]


CheckpointName: TypeAlias = str
"""A checkpoint name; no slashes."""
