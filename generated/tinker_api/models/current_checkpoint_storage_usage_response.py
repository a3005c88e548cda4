"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from ._base import BaseModel

__all__ = ["CurrentCheckpointStorageUsageItem", "CurrentCheckpointStorageUsageResponse"]


class CurrentCheckpointStorageUsageItem(BaseModel):
    _required_on_wire: ClassVar[frozenset[str]] = frozenset(
        ["checkpoint_count", "size_bytes", "size_gigabytes"]
    )

    project_id: str | None = None
    org_user_urn: str | None = None
    user_email: str | None = None
    user_name: str | None = None
    checkpoint_count: int
    size_bytes: int
    size_gigabytes: float
    estimated_monthly_cost_usd: float | None = None


class CurrentCheckpointStorageUsageResponse(BaseModel):
    """Current checkpoint storage, grouped by project and owner (may lag 1-2 h)."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["data"])

    effective_rate_usd_per_gigabyte_month: float | None = None
    data: list[CurrentCheckpointStorageUsageItem]
