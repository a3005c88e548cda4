"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Literal, TypeAlias

__all__ = ["QueueState"]


QueueState: TypeAlias = Literal["active", "paused_capacity", "paused_rate_limit"]
