"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import TypeAlias

__all__ = ["LossFnConfig"]


LossFnConfig: TypeAlias = dict[str, float | str]
"""Loss hyper-parameters; numbers, and strings since SDK 0.30."""
