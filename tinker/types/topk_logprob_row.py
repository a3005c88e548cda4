"""Public path of the generated `tinker_api.models.topk_logprob_row` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.topk_logprob_row import TopkLogprobRow

__all__ = ["TopkLogprobRow"]
