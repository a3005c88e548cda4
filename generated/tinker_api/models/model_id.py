"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import TypeAlias

__all__ = ["ModelID"]


ModelID: TypeAlias = str
"""Identifier of a training run (a.k.a. model id), e.g. `<session_id>:train:0`; treat it as opaque."""
