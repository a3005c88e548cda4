"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Literal, TypeAlias

__all__ = ["CheckpointKind"]


CheckpointKind: TypeAlias = Literal["weights", "sampler_weights", "external_weights"]
