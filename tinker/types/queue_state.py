"""Public path of the generated `tinker_api.models.queue_state` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.queue_state import QueueState

__all__ = ["QueueState"]
