"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from ._base import BaseModel
from .cursor import Cursor
from .training_run import TrainingRun

__all__ = ["TrainingRunsResponse"]


class TrainingRunsResponse(BaseModel):
    """A page of training runs."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["cursor", "training_runs"])

    training_runs: list[TrainingRun]
    cursor: Cursor
