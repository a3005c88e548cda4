"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import Literal, TypeAlias

__all__ = ["CheckpointKind"]


CheckpointKind: TypeAlias = Literal["weights", "sampler_weights", "external_weights"]
