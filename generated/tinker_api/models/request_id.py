"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import TypeAlias

__all__ = ["RequestID"]


RequestID: TypeAlias = str
"""Opaque identifier of a server-side future."""
