"""Public path of the generated `tinker_api.models.tokenizer_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.tokenizer_response import TokenizerResponse

__all__ = ["TokenizerResponse"]
