"""Every generated model, loaded lazily on first access (PEP 562)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_MODULES: dict[str, str] = {
    "AccessibleSearchOwner": "search_owner",
    "ActiveSessionStatusQuery": "session_status_query",
    "AdamOptimizerConfig": "optimizer",
    "AdamParams": "optimizer",
    "ApiKeyInfoResponse": "api_key_info_response",
    "AssignProjectRequest": "assign_project_request",
    "AuditLogEntry": "audit_log_entry",
    "AuditLogResponse": "audit_log_response",
    "AuthTokenRequest": "auth_token_request",
    "AuthTokenResponse": "auth_token_response",
    "BillingEventInfo": "billing_usage_response",
    "BillingUsageEvent": "billing_usage_response",
    "BillingUsageResponse": "billing_usage_response",
    "BillingUsageSession": "billing_usage_response",
    "CancelFutureRequest": "cancel_future_request",
    "CancelFutureResponse": "cancel_future_response",
    "CancelledSessionStatusQuery": "session_status_query",
    "Checkpoint": "checkpoint",
    "CheckpointArchiveUrlResponse": "checkpoint_archive_url_response",
    "CheckpointBillingEvent": "billing_usage_response",
    "CheckpointKind": "checkpoint_kind",
    "CheckpointName": "checkpoint_name",
    "CheckpointType": "checkpoint",
    "CheckpointsListResponse": "checkpoints_list_response",
    "ClientConfigRequest": "client_config_request",
    "ClientConfigResponse": "client_config_response",
    "ClientDynamicConfigResponse": "client_dynamic_config_response",
    "ClientFinishedSessionStatusQuery": "session_status_query",
    "ClientSessionFinishErrored": "session_status",
    "ClientSessionFinishInterrupted": "session_status",
    "ClientSessionFinishReason": "session_status",
    "ClientSessionFinishReasonType": "session_status_query",
    "ClientSessionFinishSuccess": "session_status",
    "ClientSessionFinished": "session_status",
    "CopyWeightsRequest": "copy_weights_request",
    "CopyWeightsResponse": "copy_weights_response",
    "CreateCustomLossRequest": "create_custom_loss_request",
    "CreateCustomLossResponse": "create_custom_loss_response",
    "CreateModelRequest": "create_model_request",
    "CreateModelResponse": "create_model_response",
    "CreateSamplingSessionRequest": "create_sampling_session_request",
    "CreateSamplingSessionResponse": "create_sampling_session_response",
    "CreateSessionRequest": "create_session_request",
    "CreateSessionResponse": "create_session_response",
    "CurrentCheckpointStorageUsageItem": "current_checkpoint_storage_usage_response",
    "CurrentCheckpointStorageUsageResponse": "current_checkpoint_storage_usage_response",
    "Cursor": "cursor",
    "CustomLossGraph": "custom_loss_graph",
    "CustomLossInput": "custom_loss_input",
    "CustomLossInputRank": "custom_loss_input",
    "CustomLossNode": "custom_loss_graph",
    "CustomLossNodeOp": "custom_loss_graph",
    "DimuonOptimizerConfig": "optimizer",
    "DmelChunk": "dmel_chunk",
    "EmptyResponse": "empty_response",
    "EncodedTextChunk": "encoded_text_chunk",
    "ErrorResponse": "error_response",
    "EventType": "event_type",
    "ExternalWeightsUrlsResponse": "external_weights_urls_response",
    "FailedSessionStatusQuery": "session_status_query",
    "FinishSessionRequest": "finish_session_request",
    "FinishSessionResponse": "finish_session_response",
    "FutureCompleteMetadata": "future_complete_metadata",
    "FutureCompletion": "future_completion",
    "FutureFailed": "future_completion",
    "FutureFinished": "future_completion",
    "FuturePendingResponse": "future_pending_response",
    "FutureRetrieveRequest": "future_retrieve_request",
    "FuturesRetrieveRequest": "futures_retrieve_request",
    "FuturesRetrieveResponse": "futures_retrieve_response",
    "GenericEvent": "generic_event",
    "GetInfoRequest": "get_info_request",
    "GetInfoResponse": "get_info_response",
    "GetSamplerResponse": "get_sampler_response",
    "GetServerCapabilitiesResponse": "get_server_capabilities_response",
    "GetSessionResponse": "get_session_response",
    "HealthResponse": "health_response",
    "ImageAssetPointerChunk": "image_asset_pointer_chunk",
    "ImageChunk": "image_chunk",
    "JoinSamplingSessionRequest": "join_sampling_session_request",
    "JoinSamplingSessionResponse": "join_sampling_session_response",
    "ListSessionsResponse": "list_sessions_response",
    "LoadWeightsRequest": "load_weights_request",
    "LoadWeightsResponse": "load_weights_response",
    "LoraConfig": "lora_config",
    "LossFnConfig": "loss_fn_config",
    "LossFnType": "loss_fn_type",
    "ModelData": "get_info_response",
    "ModelID": "model_id",
    "ModelInput": "model_input",
    "ModelInputChunk": "model_input_chunk",
    "OptimParamsBase": "optimizer",
    "OptimStepResponse": "optim_step_response",
    "OptimizerConfig": "optimizer",
    "OptimizerConfigBase": "optimizer",
    "OwnSearchOwner": "search_owner",
    "ParsedCheckpointTinkerPath": "checkpoint",
    "QueueState": "queue_state",
    "RequestErrorCategory": "request_error_category",
    "RequestFailedResponse": "request_failed_response",
    "RequestID": "request_id",
    "SampleRequest": "sample_request",
    "SampleStreamDone": "sample_stream_done",
    "SampleStreamError": "sample_stream_error",
    "SampleStreamEvent": "sample_stream_event",
    "SampleStreamPrompt": "sample_stream_prompt",
    "SampleStreamToken": "sample_stream_token",
    "SamplingClientKind": "sampling_client_kind",
    "SamplingParams": "sampling_params",
    "SamplingPrefillBillingEvent": "billing_usage_response",
    "SamplingSampleBillingEvent": "billing_usage_response",
    "SamplingSessionFuturesTarget": "futures_retrieve_request",
    "SaveWeightsExternalRequest": "save_weights_external_request",
    "SaveWeightsExternalResponse": "save_weights_external_response",
    "SaveWeightsExternalResponseInternal": "save_weights_external_response",
    "SaveWeightsForSamplerRequest": "save_weights_for_sampler_request",
    "SaveWeightsForSamplerResponse": "save_weights_for_sampler_response",
    "SaveWeightsForSamplerResponseInternal": "save_weights_for_sampler_response",
    "SaveWeightsRequest": "save_weights_request",
    "SaveWeightsResponse": "save_weights_response",
    "SearchOwner": "search_owner",
    "SeqId": "seq_id",
    "SessionActive": "session_status",
    "SessionCancelled": "session_status",
    "SessionEndEvent": "session_end_event",
    "SessionFailed": "session_status",
    "SessionFailedReason": "session_status",
    "SessionFailedRequestReason": "session_status",
    "SessionFailedSamplingSessionReason": "session_status",
    "SessionFailedTrainingRunReason": "session_status",
    "SessionHeartbeatRequest": "session_heartbeat_request",
    "SessionHeartbeatResponse": "session_heartbeat_response",
    "SessionSearchCursor": "session_search_cursor",
    "SessionSearchRequest": "session_search_request",
    "SessionSearchResponse": "session_search_response",
    "SessionStartEvent": "session_start_event",
    "SessionStatus": "session_status",
    "SessionStatusQuery": "session_status_query",
    "SessionSummary": "session_summary",
    "SessionTraceExportPollResponse": "session_trace_export_poll_response",
    "Severity": "severity",
    "StopReason": "stop_reason",
    "StorageBillingEvent": "billing_usage_response",
    "SupportedModel": "get_server_capabilities_response",
    "TelemetryEvent": "telemetry_event",
    "TelemetryEventCommon": "telemetry_event_common",
    "TelemetryResponse": "telemetry_response",
    "TelemetrySendRequest": "telemetry_send_request",
    "TinkerPath": "tinker_path",
    "TokenizerResponse": "tokenizer_response",
    "TopkLogprobRow": "topk_logprob_row",
    "TrainingBillingEvent": "billing_usage_response",
    "TrainingRun": "training_run",
    "TrainingRunsResponse": "training_runs_response",
    "TryAgainResponse": "try_again_response",
    "TtlSeconds": "ttl_seconds",
    "TtlUpdateRequest": "ttl_update_request",
    "UnhandledExceptionEvent": "unhandled_exception_event",
    "UnloadModelRequest": "unload_model_request",
    "UnloadModelResponse": "unload_model_response",
    "UntypedAPIFuture": "untyped_api_future",
    "UserMetadata": "user_metadata",
    "UserSearchOwner": "search_owner",
    "ValidationErrorItem": "validation_error_item",
    "WeightsInfoRequest": "weights_info_request",
    "WeightsInfoResponse": "weights_info_response",
}

__all__ = [
    "AccessibleSearchOwner",
    "ActiveSessionStatusQuery",
    "AdamOptimizerConfig",
    "AdamParams",
    "ApiKeyInfoResponse",
    "AssignProjectRequest",
    "AuditLogEntry",
    "AuditLogResponse",
    "AuthTokenRequest",
    "AuthTokenResponse",
    "BillingEventInfo",
    "BillingUsageEvent",
    "BillingUsageResponse",
    "BillingUsageSession",
    "CancelFutureRequest",
    "CancelFutureResponse",
    "CancelledSessionStatusQuery",
    "Checkpoint",
    "CheckpointArchiveUrlResponse",
    "CheckpointBillingEvent",
    "CheckpointKind",
    "CheckpointName",
    "CheckpointType",
    "CheckpointsListResponse",
    "ClientConfigRequest",
    "ClientConfigResponse",
    "ClientDynamicConfigResponse",
    "ClientFinishedSessionStatusQuery",
    "ClientSessionFinishErrored",
    "ClientSessionFinishInterrupted",
    "ClientSessionFinishReason",
    "ClientSessionFinishReasonType",
    "ClientSessionFinishSuccess",
    "ClientSessionFinished",
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
    "CurrentCheckpointStorageUsageItem",
    "CurrentCheckpointStorageUsageResponse",
    "Cursor",
    "CustomLossGraph",
    "CustomLossInput",
    "CustomLossInputRank",
    "CustomLossNode",
    "CustomLossNodeOp",
    "DimuonOptimizerConfig",
    "DmelChunk",
    "EmptyResponse",
    "EncodedTextChunk",
    "ErrorResponse",
    "EventType",
    "ExternalWeightsUrlsResponse",
    "FailedSessionStatusQuery",
    "FinishSessionRequest",
    "FinishSessionResponse",
    "FutureCompleteMetadata",
    "FutureCompletion",
    "FutureFailed",
    "FutureFinished",
    "FuturePendingResponse",
    "FutureRetrieveRequest",
    "FuturesRetrieveRequest",
    "FuturesRetrieveResponse",
    "GenericEvent",
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
    "LossFnConfig",
    "LossFnType",
    "ModelData",
    "ModelID",
    "ModelInput",
    "ModelInputChunk",
    "OptimParamsBase",
    "OptimStepResponse",
    "OptimizerConfig",
    "OptimizerConfigBase",
    "OwnSearchOwner",
    "ParsedCheckpointTinkerPath",
    "QueueState",
    "RequestErrorCategory",
    "RequestFailedResponse",
    "RequestID",
    "SampleRequest",
    "SampleStreamDone",
    "SampleStreamError",
    "SampleStreamEvent",
    "SampleStreamPrompt",
    "SampleStreamToken",
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
    "SearchOwner",
    "SeqId",
    "SessionActive",
    "SessionCancelled",
    "SessionEndEvent",
    "SessionFailed",
    "SessionFailedReason",
    "SessionFailedRequestReason",
    "SessionFailedSamplingSessionReason",
    "SessionFailedTrainingRunReason",
    "SessionHeartbeatRequest",
    "SessionHeartbeatResponse",
    "SessionSearchCursor",
    "SessionSearchRequest",
    "SessionSearchResponse",
    "SessionStartEvent",
    "SessionStatus",
    "SessionStatusQuery",
    "SessionSummary",
    "SessionTraceExportPollResponse",
    "Severity",
    "StopReason",
    "StorageBillingEvent",
    "SupportedModel",
    "TelemetryEvent",
    "TelemetryEventCommon",
    "TelemetryResponse",
    "TelemetrySendRequest",
    "TinkerPath",
    "TokenizerResponse",
    "TopkLogprobRow",
    "TrainingBillingEvent",
    "TrainingRun",
    "TrainingRunsResponse",
    "TryAgainResponse",
    "TtlSeconds",
    "TtlUpdateRequest",
    "UnhandledExceptionEvent",
    "UnloadModelRequest",
    "UnloadModelResponse",
    "UntypedAPIFuture",
    "UserMetadata",
    "UserSearchOwner",
    "ValidationErrorItem",
    "WeightsInfoRequest",
    "WeightsInfoResponse",
]


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:
    from .api_key_info_response import ApiKeyInfoResponse as ApiKeyInfoResponse
    from .assign_project_request import AssignProjectRequest as AssignProjectRequest
    from .audit_log_entry import AuditLogEntry as AuditLogEntry
    from .audit_log_response import AuditLogResponse as AuditLogResponse
    from .auth_token_request import AuthTokenRequest as AuthTokenRequest
    from .auth_token_response import AuthTokenResponse as AuthTokenResponse
    from .billing_usage_response import BillingEventInfo as BillingEventInfo
    from .billing_usage_response import BillingUsageEvent as BillingUsageEvent
    from .billing_usage_response import BillingUsageResponse as BillingUsageResponse
    from .billing_usage_response import BillingUsageSession as BillingUsageSession
    from .billing_usage_response import CheckpointBillingEvent as CheckpointBillingEvent
    from .billing_usage_response import (
        SamplingPrefillBillingEvent as SamplingPrefillBillingEvent,
    )
    from .billing_usage_response import (
        SamplingSampleBillingEvent as SamplingSampleBillingEvent,
    )
    from .billing_usage_response import StorageBillingEvent as StorageBillingEvent
    from .billing_usage_response import TrainingBillingEvent as TrainingBillingEvent
    from .cancel_future_request import CancelFutureRequest as CancelFutureRequest
    from .cancel_future_response import CancelFutureResponse as CancelFutureResponse
    from .checkpoint import Checkpoint as Checkpoint
    from .checkpoint import CheckpointType as CheckpointType
    from .checkpoint import ParsedCheckpointTinkerPath as ParsedCheckpointTinkerPath
    from .checkpoint_archive_url_response import (
        CheckpointArchiveUrlResponse as CheckpointArchiveUrlResponse,
    )
    from .checkpoint_kind import CheckpointKind as CheckpointKind
    from .checkpoint_name import CheckpointName as CheckpointName
    from .checkpoints_list_response import (
        CheckpointsListResponse as CheckpointsListResponse,
    )
    from .client_config_request import ClientConfigRequest as ClientConfigRequest
    from .client_config_response import ClientConfigResponse as ClientConfigResponse
    from .client_dynamic_config_response import (
        ClientDynamicConfigResponse as ClientDynamicConfigResponse,
    )
    from .copy_weights_request import CopyWeightsRequest as CopyWeightsRequest
    from .copy_weights_response import CopyWeightsResponse as CopyWeightsResponse
    from .create_custom_loss_request import (
        CreateCustomLossRequest as CreateCustomLossRequest,
    )
    from .create_custom_loss_response import (
        CreateCustomLossResponse as CreateCustomLossResponse,
    )
    from .create_model_request import CreateModelRequest as CreateModelRequest
    from .create_model_response import CreateModelResponse as CreateModelResponse
    from .create_sampling_session_request import (
        CreateSamplingSessionRequest as CreateSamplingSessionRequest,
    )
    from .create_sampling_session_response import (
        CreateSamplingSessionResponse as CreateSamplingSessionResponse,
    )
    from .create_session_request import CreateSessionRequest as CreateSessionRequest
    from .create_session_response import CreateSessionResponse as CreateSessionResponse
    from .current_checkpoint_storage_usage_response import (
        CurrentCheckpointStorageUsageItem as CurrentCheckpointStorageUsageItem,
    )
    from .current_checkpoint_storage_usage_response import (
        CurrentCheckpointStorageUsageResponse as CurrentCheckpointStorageUsageResponse,
    )
    from .cursor import Cursor as Cursor
    from .custom_loss_graph import CustomLossGraph as CustomLossGraph
    from .custom_loss_graph import CustomLossNode as CustomLossNode
    from .custom_loss_graph import CustomLossNodeOp as CustomLossNodeOp
    from .custom_loss_input import CustomLossInput as CustomLossInput
    from .custom_loss_input import CustomLossInputRank as CustomLossInputRank
    from .dmel_chunk import DmelChunk as DmelChunk
    from .empty_response import EmptyResponse as EmptyResponse
    from .encoded_text_chunk import EncodedTextChunk as EncodedTextChunk
    from .error_response import ErrorResponse as ErrorResponse
    from .event_type import EventType as EventType
    from .external_weights_urls_response import (
        ExternalWeightsUrlsResponse as ExternalWeightsUrlsResponse,
    )
    from .finish_session_request import FinishSessionRequest as FinishSessionRequest
    from .finish_session_response import FinishSessionResponse as FinishSessionResponse
    from .future_complete_metadata import (
        FutureCompleteMetadata as FutureCompleteMetadata,
    )
    from .future_completion import FutureCompletion as FutureCompletion
    from .future_completion import FutureFailed as FutureFailed
    from .future_completion import FutureFinished as FutureFinished
    from .future_pending_response import FuturePendingResponse as FuturePendingResponse
    from .future_retrieve_request import FutureRetrieveRequest as FutureRetrieveRequest
    from .futures_retrieve_request import (
        FuturesRetrieveRequest as FuturesRetrieveRequest,
    )
    from .futures_retrieve_request import (
        SamplingSessionFuturesTarget as SamplingSessionFuturesTarget,
    )
    from .futures_retrieve_response import (
        FuturesRetrieveResponse as FuturesRetrieveResponse,
    )
    from .generic_event import GenericEvent as GenericEvent
    from .get_info_request import GetInfoRequest as GetInfoRequest
    from .get_info_response import GetInfoResponse as GetInfoResponse
    from .get_info_response import ModelData as ModelData
    from .get_sampler_response import GetSamplerResponse as GetSamplerResponse
    from .get_server_capabilities_response import (
        GetServerCapabilitiesResponse as GetServerCapabilitiesResponse,
    )
    from .get_server_capabilities_response import SupportedModel as SupportedModel
    from .get_session_response import GetSessionResponse as GetSessionResponse
    from .health_response import HealthResponse as HealthResponse
    from .image_asset_pointer_chunk import (
        ImageAssetPointerChunk as ImageAssetPointerChunk,
    )
    from .image_chunk import ImageChunk as ImageChunk
    from .join_sampling_session_request import (
        JoinSamplingSessionRequest as JoinSamplingSessionRequest,
    )
    from .join_sampling_session_response import (
        JoinSamplingSessionResponse as JoinSamplingSessionResponse,
    )
    from .list_sessions_response import ListSessionsResponse as ListSessionsResponse
    from .load_weights_request import LoadWeightsRequest as LoadWeightsRequest
    from .load_weights_response import LoadWeightsResponse as LoadWeightsResponse
    from .lora_config import LoraConfig as LoraConfig
    from .loss_fn_config import LossFnConfig as LossFnConfig
    from .loss_fn_type import LossFnType as LossFnType
    from .model_id import ModelID as ModelID
    from .model_input import ModelInput as ModelInput
    from .model_input_chunk import ModelInputChunk as ModelInputChunk
    from .optim_step_response import OptimStepResponse as OptimStepResponse
    from .optimizer import AdamOptimizerConfig as AdamOptimizerConfig
    from .optimizer import AdamParams as AdamParams
    from .optimizer import DimuonOptimizerConfig as DimuonOptimizerConfig
    from .optimizer import OptimizerConfig as OptimizerConfig
    from .optimizer import OptimizerConfigBase as OptimizerConfigBase
    from .optimizer import OptimParamsBase as OptimParamsBase
    from .queue_state import QueueState as QueueState
    from .request_error_category import RequestErrorCategory as RequestErrorCategory
    from .request_failed_response import RequestFailedResponse as RequestFailedResponse
    from .request_id import RequestID as RequestID
    from .sample_request import SampleRequest as SampleRequest
    from .sample_stream_done import SampleStreamDone as SampleStreamDone
    from .sample_stream_error import SampleStreamError as SampleStreamError
    from .sample_stream_event import SampleStreamEvent as SampleStreamEvent
    from .sample_stream_prompt import SampleStreamPrompt as SampleStreamPrompt
    from .sample_stream_token import SampleStreamToken as SampleStreamToken
    from .sampling_client_kind import SamplingClientKind as SamplingClientKind
    from .sampling_params import SamplingParams as SamplingParams
    from .save_weights_external_request import (
        SaveWeightsExternalRequest as SaveWeightsExternalRequest,
    )
    from .save_weights_external_response import (
        SaveWeightsExternalResponse as SaveWeightsExternalResponse,
    )
    from .save_weights_external_response import (
        SaveWeightsExternalResponseInternal as SaveWeightsExternalResponseInternal,
    )
    from .save_weights_for_sampler_request import (
        SaveWeightsForSamplerRequest as SaveWeightsForSamplerRequest,
    )
    from .save_weights_for_sampler_response import (
        SaveWeightsForSamplerResponse as SaveWeightsForSamplerResponse,
    )
    from .save_weights_for_sampler_response import (
        SaveWeightsForSamplerResponseInternal as SaveWeightsForSamplerResponseInternal,
    )
    from .save_weights_request import SaveWeightsRequest as SaveWeightsRequest
    from .save_weights_response import SaveWeightsResponse as SaveWeightsResponse
    from .search_owner import AccessibleSearchOwner as AccessibleSearchOwner
    from .search_owner import OwnSearchOwner as OwnSearchOwner
    from .search_owner import SearchOwner as SearchOwner
    from .search_owner import UserSearchOwner as UserSearchOwner
    from .seq_id import SeqId as SeqId
    from .session_end_event import SessionEndEvent as SessionEndEvent
    from .session_heartbeat_request import (
        SessionHeartbeatRequest as SessionHeartbeatRequest,
    )
    from .session_heartbeat_response import (
        SessionHeartbeatResponse as SessionHeartbeatResponse,
    )
    from .session_search_cursor import SessionSearchCursor as SessionSearchCursor
    from .session_search_request import SessionSearchRequest as SessionSearchRequest
    from .session_search_response import SessionSearchResponse as SessionSearchResponse
    from .session_start_event import SessionStartEvent as SessionStartEvent
    from .session_status import ClientSessionFinished as ClientSessionFinished
    from .session_status import ClientSessionFinishErrored as ClientSessionFinishErrored
    from .session_status import (
        ClientSessionFinishInterrupted as ClientSessionFinishInterrupted,
    )
    from .session_status import ClientSessionFinishReason as ClientSessionFinishReason
    from .session_status import ClientSessionFinishSuccess as ClientSessionFinishSuccess
    from .session_status import SessionActive as SessionActive
    from .session_status import SessionCancelled as SessionCancelled
    from .session_status import SessionFailed as SessionFailed
    from .session_status import SessionFailedReason as SessionFailedReason
    from .session_status import SessionFailedRequestReason as SessionFailedRequestReason
    from .session_status import (
        SessionFailedSamplingSessionReason as SessionFailedSamplingSessionReason,
    )
    from .session_status import (
        SessionFailedTrainingRunReason as SessionFailedTrainingRunReason,
    )
    from .session_status import SessionStatus as SessionStatus
    from .session_status_query import (
        ActiveSessionStatusQuery as ActiveSessionStatusQuery,
    )
    from .session_status_query import (
        CancelledSessionStatusQuery as CancelledSessionStatusQuery,
    )
    from .session_status_query import (
        ClientFinishedSessionStatusQuery as ClientFinishedSessionStatusQuery,
    )
    from .session_status_query import (
        ClientSessionFinishReasonType as ClientSessionFinishReasonType,
    )
    from .session_status_query import (
        FailedSessionStatusQuery as FailedSessionStatusQuery,
    )
    from .session_status_query import SessionStatusQuery as SessionStatusQuery
    from .session_summary import SessionSummary as SessionSummary
    from .session_trace_export_poll_response import (
        SessionTraceExportPollResponse as SessionTraceExportPollResponse,
    )
    from .severity import Severity as Severity
    from .stop_reason import StopReason as StopReason
    from .telemetry_event import TelemetryEvent as TelemetryEvent
    from .telemetry_event_common import TelemetryEventCommon as TelemetryEventCommon
    from .telemetry_response import TelemetryResponse as TelemetryResponse
    from .telemetry_send_request import TelemetrySendRequest as TelemetrySendRequest
    from .tinker_path import TinkerPath as TinkerPath
    from .tokenizer_response import TokenizerResponse as TokenizerResponse
    from .topk_logprob_row import TopkLogprobRow as TopkLogprobRow
    from .training_run import TrainingRun as TrainingRun
    from .training_runs_response import TrainingRunsResponse as TrainingRunsResponse
    from .try_again_response import TryAgainResponse as TryAgainResponse
    from .ttl_seconds import TtlSeconds as TtlSeconds
    from .ttl_update_request import TtlUpdateRequest as TtlUpdateRequest
    from .unhandled_exception_event import (
        UnhandledExceptionEvent as UnhandledExceptionEvent,
    )
    from .unload_model_request import UnloadModelRequest as UnloadModelRequest
    from .unload_model_response import UnloadModelResponse as UnloadModelResponse
    from .untyped_api_future import UntypedAPIFuture as UntypedAPIFuture
    from .user_metadata import UserMetadata as UserMetadata
    from .validation_error_item import ValidationErrorItem as ValidationErrorItem
    from .weights_info_request import WeightsInfoRequest as WeightsInfoRequest
    from .weights_info_response import WeightsInfoResponse as WeightsInfoResponse
