"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import TypeAlias

__all__ = ["UserMetadata"]


UserMetadata: TypeAlias = dict[str, str]
"""Free-form string metadata kept with a session, run or checkpoint."""
