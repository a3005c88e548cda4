"""`GetCurrentCheckpointStorageUsageRequest`: the query of the checkpoint-storage endpoint (query parameters)."""

from __future__ import annotations

from ._base import RequestModel

__all__ = ["GetCurrentCheckpointStorageUsageRequest"]


class GetCurrentCheckpointStorageUsageRequest(RequestModel):
    """Query of ``GET /api/v1/billing/usage/checkpoints/current`` (no project: the whole organisation)."""

    project_id: str | None = None
