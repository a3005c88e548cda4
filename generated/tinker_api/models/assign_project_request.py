"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from ._base import BaseModel

__all__ = ["AssignProjectRequest"]


class AssignProjectRequest(BaseModel):
    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["project_id"])

    project_id: str
