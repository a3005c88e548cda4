"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import TypeAlias

__all__ = ["TinkerPath"]


TinkerPath: TypeAlias = str
"""A checkpoint path `tinker://<run>/<weights|sampler_weights|external_weights>/<name>`."""
