"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from datetime import datetime
from typing import ClassVar

from ._base import BaseModel

__all__ = ["CheckpointArchiveUrlResponse"]


class CheckpointArchiveUrlResponse(BaseModel):
    """Signed download address of a checkpoint archive (pre-0.36 servers; not in 0.38's ``tinker.types``)."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["expires", "url"])

    url: str
    expires: datetime
