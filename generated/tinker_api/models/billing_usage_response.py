"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, TypeAlias

from pydantic import Discriminator, Tag

from ._base import BaseModel, discriminate
from .user_metadata import UserMetadata

__all__ = [
    "BillingEventInfo",
    "BillingUsageEvent",
    "BillingUsageResponse",
    "BillingUsageSession",
    "CheckpointBillingEvent",
    "SamplingPrefillBillingEvent",
    "SamplingSampleBillingEvent",
    "StorageBillingEvent",
    "TrainingBillingEvent",
]


class TrainingBillingEvent(BaseModel):
    type: Literal["training"] = "training"
    token_count: int


class SamplingPrefillBillingEvent(BaseModel):
    type: Literal["sampling_prefill"] = "sampling_prefill"
    cached: bool
    token_count: int


class SamplingSampleBillingEvent(BaseModel):
    type: Literal["sampling_sample"] = "sampling_sample"
    token_count: int


class CheckpointBillingEvent(BaseModel):
    type: Literal["checkpoint"] = "checkpoint"
    count: int


class StorageBillingEvent(BaseModel):
    type: Literal["storage"] = "storage"
    gigabyte_hours: float
    free: bool = False


BillingEventInfo: TypeAlias = Annotated[
    Annotated[TrainingBillingEvent, Tag("training")]
    | Annotated[SamplingPrefillBillingEvent, Tag("sampling_prefill")]
    | Annotated[SamplingSampleBillingEvent, Tag("sampling_sample")]
    | Annotated[CheckpointBillingEvent, Tag("checkpoint")]
    | Annotated[StorageBillingEvent, Tag("storage")],
    Discriminator(
        discriminate(
            "type",
            (
                ("training", ("token_count",)),
                ("sampling_prefill", ("cached", "token_count")),
                ("sampling_sample", ("token_count",)),
                ("checkpoint", ("count",)),
                ("storage", ("gigabyte_hours",)),
            ),
        )
    ),
]


class BillingUsageEvent(BaseModel):
    bucket_start: datetime
    bucket_end: datetime
    base_model: str | None = None
    user_id: str | None = None
    user_name: str | None = None
    session_id: str | None = None
    project_id: str | None = None
    event_info: BillingEventInfo
    estimated_cost_usd: float | None = None
    effective_rate_usd_per_million_tokens: float | None = None
    effective_rate_usd_per_gigabyte_month: float | None = None


class BillingUsageSession(BaseModel):
    user_metadata: UserMetadata | None = None


class BillingUsageResponse(BaseModel):
    data: list[BillingUsageEvent]
    sessions: dict[str, BillingUsageSession] | None = None
    cost_data_through: datetime | None = None
