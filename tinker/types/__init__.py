"""Public data types of the Tinker SDK (``tinker.types``).

Every name is imported lazily on first access (PEP 562), so ``import tinker.types`` stays cheap: it
loads neither pydantic nor torch. Each type lives in a small module named after its concern
(``tinker.types.tensor_data``, ``tinker.types.model_input``, ...); those deep import paths work too.

JSON wire helpers: pydantic-backed types have ``to_json_dict()`` / ``from_json_dict()`` (equivalent to
``model_dump(mode="json", exclude_none=True)`` / ``model_validate``); the numpy-backed dataclasses
(``TensorData``, ``Datum``, ``ForwardBackwardOutput``, ``SampleResponse``, ...) have the same pair.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# name -> defining submodule
_EXPORTS: dict[str, str] = {
    # audit
    "AuditLogEntry": "audit",
    "AuditLogEventType": "audit",
    "AuditLogResponse": "audit",
    # billing
    "BillingEventInfo": "billing",
    "BillingUsageEvent": "billing",
    "BillingUsageResponse": "billing",
    "BillingUsageSession": "billing",
    "CheckpointBillingEvent": "billing",
    "CurrentCheckpointStorageUsageEntry": "billing",
    "CurrentCheckpointStorageUsageResponse": "billing",
    "GetBillingUsageRequest": "billing",
    "GetCurrentCheckpointStorageUsageRequest": "billing",
    "SamplingPrefillBillingEvent": "billing",
    "SamplingSampleBillingEvent": "billing",
    "StorageBillingEvent": "billing",
    "TrainingBillingEvent": "billing",
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
    # custom_loss
    "CreateCustomLossRequest": "custom_loss",
    "CreateCustomLossResponse": "custom_loss",
    "CustomLossGraph": "custom_loss",
    "CustomLossInput": "custom_loss",
    "CustomLossNode": "custom_loss",
    "CustomLossNodeOp": "custom_loss",
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
    # futures
    "CancelFutureRequest": "futures",
    "FutureCompleteMetadata": "futures",
    "FutureCompletion": "futures",
    "FutureFailed": "futures",
    "FutureFinished": "futures",
    "FutureRetrieveRequest": "futures",
    "FutureRetrieveResponse": "futures",
    "FuturesRetrieveRequest": "futures",
    "FuturesRetrieveResponse": "futures",
    "QueueState": "futures",
    "RequestFailedResponse": "futures",
    "SamplingSessionFuturesTarget": "futures",
    "TryAgainResponse": "futures",
    "UntypedAPIFuture": "futures",
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
    "OptimStepResponse": "optimizer",
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
    # service
    "AuthTokenResponse": "service",
    "ClientConfigRequest": "service",
    "ClientConfigResponse": "service",
    "ClientDynamicConfigResponse": "service",
    "GetServerCapabilitiesResponse": "service",
    "HealthResponse": "service",
    "SupportedModel": "service",
    "WhoamiResponse": "service",
    # session_search
    "SessionFailureReason": "session_search",
    "SessionFailureReasonRequest": "session_search",
    "SessionFailureReasonSamplingSession": "session_search",
    "SessionFailureReasonTrainingRun": "session_search",
    "SessionSearchCursor": "session_search",
    "SessionSearchOwner": "session_search",
    "SessionSearchOwnerAccessible": "session_search",
    "SessionSearchOwnerOwn": "session_search",
    "SessionSearchOwnerUser": "session_search",
    "SessionSearchRequest": "session_search",
    "SessionSearchResponse": "session_search",
    "SessionStatus": "session_search",
    "SessionStatusActive": "session_search",
    "SessionStatusCancelled": "session_search",
    "SessionStatusClientFinished": "session_search",
    "SessionStatusFailed": "session_search",
    "SessionStatusQuery": "session_search",
    "SessionStatusQueryActive": "session_search",
    "SessionStatusQueryCancelled": "session_search",
    "SessionStatusQueryClientFinished": "session_search",
    "SessionStatusQueryFailed": "session_search",
    "SessionSummary": "session_search",
    # sessions
    "CreateSamplingSessionRequest": "sessions",
    "CreateSamplingSessionResponse": "sessions",
    "CreateSessionRequest": "sessions",
    "CreateSessionResponse": "sessions",
    "FinishSessionRequest": "sessions",
    "GetSamplerResponse": "sessions",
    "GetSessionResponse": "sessions",
    "JoinSamplingSessionRequest": "sessions",
    "JoinSamplingSessionResponse": "sessions",
    "ListSessionsResponse": "sessions",
    "SessionFinishReason": "sessions",
    "SessionFinishReasonType": "sessions",
    "SessionHeartbeatRequest": "sessions",
    "SessionHeartbeatResponse": "sessions",
    "SessionTraceExportPollResponse": "sessions",
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
    # training
    "CreateModelRequest": "training",
    "CreateModelResponse": "training",
    "GetInfoRequest": "training",
    "GetInfoResponse": "training",
    "LoraConfig": "training",
    "ModelData": "training",
    "UnloadModelRequest": "training",
    "UnloadModelResponse": "training",
    # training_runs
    "TrainingRun": "training_runs",
    "TrainingRunsResponse": "training_runs",
}

__all__ = [
    "AdamOptimizerConfig",
    "AdamParams",
    "AuditLogEntry",
    "AuditLogEventType",
    "AuditLogResponse",
    "AuthTokenResponse",
    "BillingEventInfo",
    "BillingUsageEvent",
    "BillingUsageResponse",
    "BillingUsageSession",
    "CancelFutureRequest",
    "Checkpoint",
    "CheckpointArchiveUrlResponse",
    "CheckpointBillingEvent",
    "CheckpointType",
    "CheckpointsListResponse",
    "ClientConfigRequest",
    "ClientConfigResponse",
    "ClientDynamicConfigResponse",
    "CopyWeightsRequest",
    "CopyWeightsResponse",
    "CreateCustomLossRequest",
    "CreateCustomLossResponse",
    "CreateModelRequest",
    "CreateModelResponse",
    "CreateSamplingSessionRequest",
    "CreateSamplingSessionResponse",
    "CreateSessionRequest",
    "CreateSessionResponse",
    "CurrentCheckpointStorageUsageEntry",
    "CurrentCheckpointStorageUsageResponse",
    "Cursor",
    "CustomLossGraph",
    "CustomLossInput",
    "CustomLossNode",
    "CustomLossNodeOp",
    "Datum",
    "DimuonOptimizerConfig",
    "DimuonParams",
    "DmelChunk",
    "EncodedTextChunk",
    "EventType",
    "ExternalWeightsUrlsResponse",
    "FinishSessionRequest",
    "ForwardBackwardInput",
    "ForwardBackwardOutput",
    "ForwardBackwardRequest",
    "ForwardRequest",
    "FutureCompleteMetadata",
    "FutureCompletion",
    "FutureFailed",
    "FutureFinished",
    "FutureRetrieveRequest",
    "FutureRetrieveResponse",
    "FuturesRetrieveRequest",
    "FuturesRetrieveResponse",
    "GenericEvent",
    "GetBillingUsageRequest",
    "GetCurrentCheckpointStorageUsageRequest",
    "GetInfoRequest",
    "GetInfoResponse",
    "GetSamplerResponse",
    "GetServerCapabilitiesResponse",
    "GetSessionResponse",
    "HealthResponse",
    "ImageAssetPointerChunk",
    "ImageChunk",
    "JoinSamplingSessionRequest",
    "JoinSamplingSessionResponse",
    "ListSessionsResponse",
    "LoadWeightsRequest",
    "LoadWeightsResponse",
    "LoraConfig",
    "LossFnInputs",
    "LossFnOutput",
    "LossFnType",
    "ModelData",
    "ModelID",
    "ModelInput",
    "ModelInputChunk",
    "OptimParams",
    "OptimParamsBase",
    "OptimStepRequest",
    "OptimStepResponse",
    "OptimizerConfig",
    "OptimizerConfigBase",
    "ParsedCheckpointTinkerPath",
    "PromptAltTokens",
    "PromptProvenanceSpan",
    "ProvenanceSpan",
    "ProvenanceSpans",
    "QueueState",
    "RequestErrorCategory",
    "RequestFailedResponse",
    "RequestID",
    "SampleRequest",
    "SampleResponse",
    "SampledProvenanceSpan",
    "SampledSequence",
    "SamplingClientKind",
    "SamplingParams",
    "SamplingPrefillBillingEvent",
    "SamplingSampleBillingEvent",
    "SamplingSessionFuturesTarget",
    "SaveWeightsExternalRequest",
    "SaveWeightsExternalResponse",
    "SaveWeightsExternalResponseInternal",
    "SaveWeightsForSamplerRequest",
    "SaveWeightsForSamplerResponse",
    "SaveWeightsForSamplerResponseInternal",
    "SaveWeightsRequest",
    "SaveWeightsResponse",
    "SessionEndEvent",
    "SessionFailureReason",
    "SessionFailureReasonRequest",
    "SessionFailureReasonSamplingSession",
    "SessionFailureReasonTrainingRun",
    "SessionFinishReason",
    "SessionFinishReasonType",
    "SessionHeartbeatRequest",
    "SessionHeartbeatResponse",
    "SessionSearchCursor",
    "SessionSearchOwner",
    "SessionSearchOwnerAccessible",
    "SessionSearchOwnerOwn",
    "SessionSearchOwnerUser",
    "SessionSearchRequest",
    "SessionSearchResponse",
    "SessionStartEvent",
    "SessionStatus",
    "SessionStatusActive",
    "SessionStatusCancelled",
    "SessionStatusClientFinished",
    "SessionStatusFailed",
    "SessionStatusQuery",
    "SessionStatusQueryActive",
    "SessionStatusQueryCancelled",
    "SessionStatusQueryClientFinished",
    "SessionStatusQueryFailed",
    "SessionSummary",
    "SessionTraceExportPollResponse",
    "Severity",
    "StopReason",
    "StorageBillingEvent",
    "SupportedModel",
    "TelemetryBatch",
    "TelemetryEvent",
    "TelemetryResponse",
    "TelemetrySendRequest",
    "TensorData",
    "TensorDtype",
    "TopkLogprobs",
    "TopkPromptLogprobs",
    "TrainingBillingEvent",
    "TrainingRun",
    "TrainingRunsResponse",
    "TryAgainResponse",
    "UnhandledExceptionEvent",
    "UnloadModelRequest",
    "UnloadModelResponse",
    "UntypedAPIFuture",
    "WeightsInfoRequest",
    "WeightsInfoResponse",
    "WhoamiResponse",
]

if TYPE_CHECKING:
    from .audit import (
        AuditLogEntry,
        AuditLogEventType,
        AuditLogResponse,
    )
    from .billing import (
        BillingEventInfo,
        BillingUsageEvent,
        BillingUsageResponse,
        BillingUsageSession,
        CheckpointBillingEvent,
        CurrentCheckpointStorageUsageEntry,
        CurrentCheckpointStorageUsageResponse,
        GetBillingUsageRequest,
        GetCurrentCheckpointStorageUsageRequest,
        SamplingPrefillBillingEvent,
        SamplingSampleBillingEvent,
        StorageBillingEvent,
        TrainingBillingEvent,
    )
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
    from .custom_loss import (
        CreateCustomLossRequest,
        CreateCustomLossResponse,
        CustomLossGraph,
        CustomLossInput,
        CustomLossNode,
        CustomLossNodeOp,
    )
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
    from .futures import (
        CancelFutureRequest,
        FutureCompleteMetadata,
        FutureCompletion,
        FutureFailed,
        FutureFinished,
        FutureRetrieveRequest,
        FutureRetrieveResponse,
        FuturesRetrieveRequest,
        FuturesRetrieveResponse,
        QueueState,
        RequestFailedResponse,
        SamplingSessionFuturesTarget,
        TryAgainResponse,
        UntypedAPIFuture,
    )
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
        OptimStepResponse,
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
    from .service import (
        AuthTokenResponse,
        ClientConfigRequest,
        ClientConfigResponse,
        ClientDynamicConfigResponse,
        GetServerCapabilitiesResponse,
        HealthResponse,
        SupportedModel,
        WhoamiResponse,
    )
    from .session_search import (
        SessionFailureReason,
        SessionFailureReasonRequest,
        SessionFailureReasonSamplingSession,
        SessionFailureReasonTrainingRun,
        SessionSearchCursor,
        SessionSearchOwner,
        SessionSearchOwnerAccessible,
        SessionSearchOwnerOwn,
        SessionSearchOwnerUser,
        SessionSearchRequest,
        SessionSearchResponse,
        SessionStatus,
        SessionStatusActive,
        SessionStatusCancelled,
        SessionStatusClientFinished,
        SessionStatusFailed,
        SessionStatusQuery,
        SessionStatusQueryActive,
        SessionStatusQueryCancelled,
        SessionStatusQueryClientFinished,
        SessionStatusQueryFailed,
        SessionSummary,
    )
    from .sessions import (
        CreateSamplingSessionRequest,
        CreateSamplingSessionResponse,
        CreateSessionRequest,
        CreateSessionResponse,
        FinishSessionRequest,
        GetSamplerResponse,
        GetSessionResponse,
        JoinSamplingSessionRequest,
        JoinSamplingSessionResponse,
        ListSessionsResponse,
        SessionFinishReason,
        SessionFinishReasonType,
        SessionHeartbeatRequest,
        SessionHeartbeatResponse,
        SessionTraceExportPollResponse,
    )
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
    from .training import (
        CreateModelRequest,
        CreateModelResponse,
        GetInfoRequest,
        GetInfoResponse,
        LoraConfig,
        ModelData,
        UnloadModelRequest,
        UnloadModelResponse,
    )
    from .training_runs import (
        TrainingRun,
        TrainingRunsResponse,
    )


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is not None:
        value = getattr(importlib.import_module(f".{module_name}", __name__), name)
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
