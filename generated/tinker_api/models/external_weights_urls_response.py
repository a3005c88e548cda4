"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from datetime import datetime
from typing import ClassVar

from ._base import BaseModel

__all__ = ["ExternalWeightsUrlsResponse"]


class ExternalWeightsUrlsResponse(BaseModel):
    """Signed download addresses of an external export's files, keyed by path relative to its root."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["expires", "urls"])

    urls: dict[str, str]
    """Signed URL of each file, keyed by its path relative to the checkpoint root."""
    expires: datetime
