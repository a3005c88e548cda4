"""Public path of the generated `tinker_api.models.assign_project_request` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.assign_project_request import AssignProjectRequest

__all__ = ["AssignProjectRequest"]
