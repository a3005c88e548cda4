"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from pydantic import Field

from ._base import StrictBase
from .checkpoint_name import CheckpointName
from .seq_id import SeqId
from .ttl_seconds import TtlSeconds

__all__ = ["SaveWeightsExternalRequest"]


class SaveWeightsExternalRequest(StrictBase):
    """Body of ``POST /api/v1/save_weights_external`` (export in an external format, e.g. a PEFT adapter)."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["model_id", "path"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "save_weights_external"}

    model_id: str = Field(min_length=1)
    path: CheckpointName
    seq_id: SeqId | None = None
    ttl_seconds: TtlSeconds | None = None
    age_encryption_recipients: list[str] | None = Field(default=None, max_length=10)
    """``age1...`` or SSH public keys; when given every exported file is encrypted (``.age`` suffix)."""
    type: Literal["save_weights_external"] = "save_weights_external"
