"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import TypeAlias

__all__ = ["SeqId"]


SeqId: TypeAlias = int
"""Per-client ordering counter."""
