"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from ._base import BaseModel

__all__ = ["GetServerCapabilitiesResponse", "SupportedModel"]


class SupportedModel(BaseModel):
    """A base model the service offers."""

    model_name: str | None = None
    max_context_length: int | None = None
    trainable: bool | None = None
    sampleable: bool | None = None


class GetServerCapabilitiesResponse(BaseModel):
    """Result of ``GET /api/v1/get_server_capabilities``."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["supported_models"])

    supported_models: list[SupportedModel]
