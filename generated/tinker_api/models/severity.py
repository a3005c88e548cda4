"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Literal, TypeAlias

__all__ = ["Severity"]


Severity: TypeAlias = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
