"""Public path of the generated `tinker_api.models.billing_usage_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.billing_usage_response import BillingEventInfo as BillingEventInfo
from tinker_api.models.billing_usage_response import BillingUsageEvent as BillingUsageEvent
from tinker_api.models.billing_usage_response import BillingUsageResponse as BillingUsageResponse
from tinker_api.models.billing_usage_response import BillingUsageSession as BillingUsageSession
from tinker_api.models.billing_usage_response import CheckpointBillingEvent as CheckpointBillingEvent
from tinker_api.models.billing_usage_response import SamplingPrefillBillingEvent as SamplingPrefillBillingEvent
from tinker_api.models.billing_usage_response import SamplingSampleBillingEvent as SamplingSampleBillingEvent
from tinker_api.models.billing_usage_response import StorageBillingEvent as StorageBillingEvent
from tinker_api.models.billing_usage_response import TrainingBillingEvent as TrainingBillingEvent

__all__ = ['BillingEventInfo', 'BillingUsageEvent', 'BillingUsageResponse', 'BillingUsageSession', 'CheckpointBillingEvent', 'SamplingPrefillBillingEvent', 'SamplingSampleBillingEvent', 'StorageBillingEvent', 'TrainingBillingEvent']
