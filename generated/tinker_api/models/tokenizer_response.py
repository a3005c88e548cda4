"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar

from ._base import BaseModel

__all__ = ["TokenizerResponse"]


class TokenizerResponse(BaseModel):
    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["model_name", "tokenizer"])

    model_name: str
    tokenizer: dict[str, Any]
    """The `tokenizers` library's JSON serialisation."""
    bos_token_id: int | None = None
    eos_token_id: int | None = None
