"""`GetBillingUsageRequest`: the query of the billing-usage endpoint (query parameters, not a body schema)."""

from __future__ import annotations

from datetime import datetime

from ._base import RequestModel

__all__ = ["GetBillingUsageRequest"]


class GetBillingUsageRequest(RequestModel):
    """Query of ``GET /api/v1/billing/usage/events``: an hour-aligned window of at most 14 days."""

    starting_on: datetime
    """Inclusive start, on a UTC hour boundary."""
    ending_before: datetime
    """Exclusive end, on a UTC hour boundary."""
