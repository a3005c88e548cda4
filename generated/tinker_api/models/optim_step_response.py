"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from ._base import BaseModel

__all__ = ["OptimStepResponse"]


class OptimStepResponse(BaseModel):
    """Result of an optimizer step; ``metrics`` may be ``None`` or empty."""

    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "optim_step"}

    metrics: dict[str, float] | None = None
    type: Literal["optim_step"] = "optim_step"
