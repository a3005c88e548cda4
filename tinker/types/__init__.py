"""Public data types of the Tinker SDK (``tinker.types``).

The models are generated from the contract (``tinker_api.models``, see README "Regenerating"): a name not
listed in ``_EXPORTS`` below is the generated class itself, and ``tinker.types.<module>`` is the generated
module ``tinker_api.models.<module>`` unless a hand-written ``tinker/types/<module>.py`` exists. Hand-written
modules hold only what the generator cannot express: numpy-backed tensor types and SDK-side helpers.

Every name is imported lazily on first access (PEP 562), so ``import tinker.types`` stays cheap.

JSON wire helpers: pydantic-backed types have ``to_json_dict()`` / ``from_json_dict()`` (equivalent to
``model_dump(mode="json", exclude_none=True)`` / ``model_validate``); the numpy-backed dataclasses
(``TensorData``, ``Datum``, ``ForwardBackwardOutput``, ``SampleResponse``, ...) have the same pair.
"""

from __future__ import annotations

import functools
import importlib
import importlib.abc
import importlib.machinery
import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

# name -> defining submodule
_EXPORTS: dict[str, str] = {
    "GetBillingUsageRequest": "billing_usage_request",
    "GetCurrentCheckpointStorageUsageRequest": "current_checkpoint_storage_usage_request",
    # checkpoint_type
    "CheckpointType": "checkpoint_type",
    # checkpoints
    "Checkpoint": "checkpoints",
    "CheckpointArchiveUrlResponse": "checkpoints",
    "CheckpointsListResponse": "checkpoints",
    "CopyWeightsRequest": "checkpoints",
    "CopyWeightsResponse": "checkpoints",
    "Cursor": "checkpoints",
    "ExternalWeightsUrlsResponse": "checkpoints",
    "LoadWeightsRequest": "checkpoints",
    "LoadWeightsResponse": "checkpoints",
    "ParsedCheckpointTinkerPath": "checkpoints",
    "SaveWeightsExternalRequest": "checkpoints",
    "SaveWeightsExternalResponse": "checkpoints",
    "SaveWeightsExternalResponseInternal": "checkpoints",
    "SaveWeightsForSamplerRequest": "checkpoints",
    "SaveWeightsForSamplerResponse": "checkpoints",
    "SaveWeightsForSamplerResponseInternal": "checkpoints",
    "SaveWeightsRequest": "checkpoints",
    "SaveWeightsResponse": "checkpoints",
    "WeightsInfoRequest": "checkpoints",
    "WeightsInfoResponse": "checkpoints",
    # datum
    "Datum": "datum",
    "LossFnInputs": "datum",
    # dmel_chunk
    "DmelChunk": "dmel_chunk",
    # encoded_text_chunk
    "EncodedTextChunk": "encoded_text_chunk",
    # forward_backward_input
    "ForwardBackwardInput": "forward_backward_input",
    "ForwardBackwardRequest": "forward_backward_input",
    "ForwardRequest": "forward_backward_input",
    # forward_backward_output
    "ForwardBackwardOutput": "forward_backward_output",
    "LossFnOutput": "forward_backward_output",
    "FutureRetrieveResponse": "future_retrieve_response",
    # image_asset_pointer_chunk
    "ImageAssetPointerChunk": "image_asset_pointer_chunk",
    # image_chunk
    "ImageChunk": "image_chunk",
    # loss_fn_type
    "LossFnType": "loss_fn_type",
    # model_id
    "ModelID": "model_id",
    "RequestID": "model_id",
    # model_input
    "ModelInput": "model_input",
    # model_input_chunk
    "ModelInputChunk": "model_input_chunk",
    # optimizer
    "AdamOptimizerConfig": "optimizer",
    "AdamParams": "optimizer",
    "DimuonOptimizerConfig": "optimizer",
    "DimuonParams": "optimizer",
    "OptimParams": "optimizer",
    "OptimParamsBase": "optimizer",
    "OptimStepRequest": "optimizer",
    "OptimizerConfig": "optimizer",
    "OptimizerConfigBase": "optimizer",
    # provenance_spans
    "PromptProvenanceSpan": "provenance_spans",
    "ProvenanceSpan": "provenance_spans",
    "ProvenanceSpans": "provenance_spans",
    "SampledProvenanceSpan": "provenance_spans",
    # request_error_category
    "RequestErrorCategory": "request_error_category",
    # sample_request
    "SampleRequest": "sample_request",
    # sample_response
    "PromptAltTokens": "sample_response",
    "SampleResponse": "sample_response",
    # sampled_sequence
    "SampledSequence": "sampled_sequence",
    # sampling_client_kind
    "SamplingClientKind": "sampling_client_kind",
    # sampling_params
    "SamplingParams": "sampling_params",
    "WhoamiResponse": "whoami_response",
    # stop_reason
    "StopReason": "stop_reason",
    # telemetry
    "EventType": "telemetry",
    "GenericEvent": "telemetry",
    "SessionEndEvent": "telemetry",
    "SessionStartEvent": "telemetry",
    "Severity": "telemetry",
    "TelemetryBatch": "telemetry",
    "TelemetryEvent": "telemetry",
    "TelemetryResponse": "telemetry",
    "TelemetrySendRequest": "telemetry",
    "UnhandledExceptionEvent": "telemetry",
    # tensor_data
    "TensorData": "tensor_data",
    # tensor_dtype
    "TensorDtype": "tensor_dtype",
    # topk_logprobs
    "TopkLogprobs": "topk_logprobs",
    "TopkPromptLogprobs": "topk_logprobs",
}

def _public_names() -> list[str]:
    from tinker_api.models import _MODULES

    return sorted(set(_EXPORTS) | {name for name in _MODULES if name[:1].isupper()})


__all__ = _public_names()

if TYPE_CHECKING:
    from tinker_api.models import AuditLogEntry as AuditLogEntry
    from tinker_api.models import AuditLogResponse as AuditLogResponse
    from tinker_api.models import BillingEventInfo as BillingEventInfo
    from tinker_api.models import BillingUsageEvent as BillingUsageEvent
    from tinker_api.models import BillingUsageResponse as BillingUsageResponse
    from tinker_api.models import BillingUsageSession as BillingUsageSession
    from tinker_api.models import CheckpointBillingEvent as CheckpointBillingEvent
    from tinker_api.models import CurrentCheckpointStorageUsageResponse as CurrentCheckpointStorageUsageResponse
    from .billing_usage_request import GetBillingUsageRequest as GetBillingUsageRequest
    from .current_checkpoint_storage_usage_request import GetCurrentCheckpointStorageUsageRequest as GetCurrentCheckpointStorageUsageRequest
    from tinker_api.models import SamplingPrefillBillingEvent as SamplingPrefillBillingEvent
    from tinker_api.models import SamplingSampleBillingEvent as SamplingSampleBillingEvent
    from tinker_api.models import StorageBillingEvent as StorageBillingEvent
    from tinker_api.models import TrainingBillingEvent as TrainingBillingEvent
    from .checkpoint_type import (
        CheckpointType,
    )
    from .checkpoints import (
        Checkpoint,
        CheckpointArchiveUrlResponse,
        CheckpointsListResponse,
        CopyWeightsRequest,
        CopyWeightsResponse,
        Cursor,
        ExternalWeightsUrlsResponse,
        LoadWeightsRequest,
        LoadWeightsResponse,
        ParsedCheckpointTinkerPath,
        SaveWeightsExternalRequest,
        SaveWeightsExternalResponse,
        SaveWeightsExternalResponseInternal,
        SaveWeightsForSamplerRequest,
        SaveWeightsForSamplerResponse,
        SaveWeightsForSamplerResponseInternal,
        SaveWeightsRequest,
        SaveWeightsResponse,
        WeightsInfoRequest,
        WeightsInfoResponse,
    )
    from tinker_api.models import CreateCustomLossRequest as CreateCustomLossRequest
    from tinker_api.models import CreateCustomLossResponse as CreateCustomLossResponse
    from tinker_api.models import CustomLossGraph as CustomLossGraph
    from tinker_api.models import CustomLossInput as CustomLossInput
    from tinker_api.models import CustomLossNode as CustomLossNode
    from tinker_api.models import CustomLossNodeOp as CustomLossNodeOp
    from .datum import (
        Datum,
        LossFnInputs,
    )
    from .dmel_chunk import (
        DmelChunk,
    )
    from .encoded_text_chunk import (
        EncodedTextChunk,
    )
    from .forward_backward_input import (
        ForwardBackwardInput,
        ForwardBackwardRequest,
        ForwardRequest,
    )
    from .forward_backward_output import (
        ForwardBackwardOutput,
        LossFnOutput,
    )
    from tinker_api.models import CancelFutureRequest as CancelFutureRequest
    from tinker_api.models import FutureCompleteMetadata as FutureCompleteMetadata
    from tinker_api.models import FutureCompletion as FutureCompletion
    from tinker_api.models import FutureFailed as FutureFailed
    from tinker_api.models import FutureFinished as FutureFinished
    from tinker_api.models import FutureRetrieveRequest as FutureRetrieveRequest
    from .future_retrieve_response import FutureRetrieveResponse as FutureRetrieveResponse
    from tinker_api.models import FuturesRetrieveRequest as FuturesRetrieveRequest
    from tinker_api.models import FuturesRetrieveResponse as FuturesRetrieveResponse
    from tinker_api.models import QueueState as QueueState
    from tinker_api.models import RequestFailedResponse as RequestFailedResponse
    from tinker_api.models import SamplingSessionFuturesTarget as SamplingSessionFuturesTarget
    from tinker_api.models import TryAgainResponse as TryAgainResponse
    from tinker_api.models import UntypedAPIFuture as UntypedAPIFuture
    from .image_asset_pointer_chunk import (
        ImageAssetPointerChunk,
    )
    from .image_chunk import (
        ImageChunk,
    )
    from .loss_fn_type import (
        LossFnType,
    )
    from .model_id import (
        ModelID,
        RequestID,
    )
    from .model_input import (
        ModelInput,
    )
    from .model_input_chunk import (
        ModelInputChunk,
    )
    from tinker_api.models import OptimStepResponse as OptimStepResponse
    from .optimizer import (
        AdamOptimizerConfig,
        AdamParams,
        DimuonOptimizerConfig,
        DimuonParams,
        OptimizerConfig,
        OptimizerConfigBase,
        OptimParams,
        OptimParamsBase,
        OptimStepRequest,
    )
    from .provenance_spans import (
        PromptProvenanceSpan,
        ProvenanceSpan,
        ProvenanceSpans,
        SampledProvenanceSpan,
    )
    from .request_error_category import (
        RequestErrorCategory,
    )
    from .sample_request import (
        SampleRequest,
    )
    from .sample_response import (
        PromptAltTokens,
        SampleResponse,
    )
    from .sampled_sequence import (
        SampledSequence,
    )
    from .sampling_client_kind import (
        SamplingClientKind,
    )
    from .sampling_params import (
        SamplingParams,
    )
    from tinker_api.models import AuthTokenResponse as AuthTokenResponse
    from tinker_api.models import ClientConfigRequest as ClientConfigRequest
    from tinker_api.models import ClientConfigResponse as ClientConfigResponse
    from tinker_api.models import ClientDynamicConfigResponse as ClientDynamicConfigResponse
    from tinker_api.models import GetServerCapabilitiesResponse as GetServerCapabilitiesResponse
    from tinker_api.models import HealthResponse as HealthResponse
    from tinker_api.models import SupportedModel as SupportedModel
    from .whoami_response import WhoamiResponse as WhoamiResponse
    from tinker_api.models import SessionSearchCursor as SessionSearchCursor
    from tinker_api.models import SessionSearchRequest as SessionSearchRequest
    from tinker_api.models import SessionSearchResponse as SessionSearchResponse
    from tinker_api.models import SessionStatus as SessionStatus
    from tinker_api.models import SessionStatusQuery as SessionStatusQuery
    from tinker_api.models import SessionSummary as SessionSummary
    from tinker_api.models import CreateSamplingSessionRequest as CreateSamplingSessionRequest
    from tinker_api.models import CreateSamplingSessionResponse as CreateSamplingSessionResponse
    from tinker_api.models import CreateSessionRequest as CreateSessionRequest
    from tinker_api.models import CreateSessionResponse as CreateSessionResponse
    from tinker_api.models import FinishSessionRequest as FinishSessionRequest
    from tinker_api.models import GetSamplerResponse as GetSamplerResponse
    from tinker_api.models import GetSessionResponse as GetSessionResponse
    from tinker_api.models import JoinSamplingSessionRequest as JoinSamplingSessionRequest
    from tinker_api.models import JoinSamplingSessionResponse as JoinSamplingSessionResponse
    from tinker_api.models import ListSessionsResponse as ListSessionsResponse
    from tinker_api.models import SessionHeartbeatRequest as SessionHeartbeatRequest
    from tinker_api.models import SessionHeartbeatResponse as SessionHeartbeatResponse
    from tinker_api.models import SessionTraceExportPollResponse as SessionTraceExportPollResponse
    from .stop_reason import (
        StopReason,
    )
    from .telemetry import (
        EventType,
        GenericEvent,
        SessionEndEvent,
        SessionStartEvent,
        Severity,
        TelemetryBatch,
        TelemetryEvent,
        TelemetryResponse,
        TelemetrySendRequest,
        UnhandledExceptionEvent,
    )
    from .tensor_data import (
        TensorData,
    )
    from .tensor_dtype import (
        TensorDtype,
    )
    from .topk_logprobs import (
        TopkLogprobs,
        TopkPromptLogprobs,
    )
    from tinker_api.models import CreateModelRequest as CreateModelRequest
    from tinker_api.models import CreateModelResponse as CreateModelResponse
    from tinker_api.models import GetInfoRequest as GetInfoRequest
    from tinker_api.models import GetInfoResponse as GetInfoResponse
    from tinker_api.models import LoraConfig as LoraConfig
    from tinker_api.models import ModelData as ModelData
    from tinker_api.models import UnloadModelRequest as UnloadModelRequest
    from tinker_api.models import UnloadModelResponse as UnloadModelResponse
    from tinker_api.models import TrainingRun as TrainingRun
    from tinker_api.models import TrainingRunsResponse as TrainingRunsResponse


class _GeneratedModuleAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """``tinker.types.<module>`` is ``tinker_api.models.<module>`` when no hand-written module exists.

    One module object under two names, so ``from tinker.types.<module> import X`` and ``tinker.types.X``
    give the same class.
    """

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        prefix, _, leaf = fullname.rpartition(".")
        if prefix != __name__ or leaf.startswith("_") or leaf not in _generated_modules():
            return None
        if (Path(__file__).parent / f"{leaf}.py").exists():
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return importlib.import_module(f"tinker_api.models.{spec.name.rpartition('.')[2]}")

    def exec_module(self, module: ModuleType) -> None:
        """Already executed under its generated name."""


@functools.cache
def _generated_modules() -> frozenset[str]:
    import tinker_api.models

    return frozenset(tinker_api.models._MODULES.values())


sys.meta_path.append(_GeneratedModuleAlias())


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is not None:
        value = getattr(importlib.import_module(f".{module_name}", __name__), name)
        globals()[name] = value
        return value
    if not name.startswith("_") and name[:1].isupper():
        import tinker_api.models

        if name in tinker_api.models._MODULES:
            value = getattr(tinker_api.models, name)
            globals()[name] = value
            return value
    if not name.startswith("_"):
        # `tinker.types.<submodule>` as an attribute, without a prior explicit import.
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
