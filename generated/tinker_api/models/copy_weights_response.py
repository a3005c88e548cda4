"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from ._base import BaseModel

__all__ = ["CopyWeightsResponse"]


class CopyWeightsResponse(BaseModel):
    """Result of ``copy_weights``: the new checkpoint's path."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["tinker_path"])

    tinker_path: str
