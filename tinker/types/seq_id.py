"""Public path of the generated `tinker_api.models.seq_id` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.seq_id import SeqId

__all__ = ["SeqId"]
