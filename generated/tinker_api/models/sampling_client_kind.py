"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Literal, TypeAlias

__all__ = ["SamplingClientKind"]


SamplingClientKind: TypeAlias = Literal["snapshot", "inflight"]
"""How a sampler obtained from a training client follows later weight saves. `snapshot`: it keeps the weights it was
created with. `inflight`: every sampler of the same training model shares one mutable weights target that each
later inflight save updates (asynchronously; a generation may span several weight versions).
"""
