"""Contains all the data models used in inputs/outputs (loaded lazily on first access)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_MODULES: dict[str, str] = {
    "AccessibleSessionsFilter": "accessible_sessions_filter",
    "ActiveSessionStatus": "active_session_status",
    "AdamParams": "adam_params",
    "ApiKeyInfoResponse": "api_key_info_response",
    "ApiKeyInfoResponseDetails": "api_key_info_response_details",
    "ApiKeyInfoResponseDetailsOrgDetails": "api_key_info_response_details_org_details",
    "ApiKeyInfoResponseDetailsUserDetails": "api_key_info_response_details_user_details",
    "AsampleXTinkerSamplingBackpressure": "asample_x_tinker_sampling_backpressure",
    "AssignProjectRequest": "assign_project_request",
    "AuditLogEntry": "audit_log_entry",
    "AuditLogEntryEventDetails": "audit_log_entry_event_details",
    "AuditLogResponse": "audit_log_response",
    "AuthTokenRequest": "auth_token_request",
    "AuthTokenResponse": "auth_token_response",
    "BillingUsageEvent": "billing_usage_event",
    "BillingUsageResponse": "billing_usage_response",
    "BillingUsageResponseSessions": "billing_usage_response_sessions",
    "BillingUsageSession": "billing_usage_session",
    "CancelFutureRequest": "cancel_future_request",
    "CancelFutureResponse": "cancel_future_response",
    "CancelledSessionStatus": "cancelled_session_status",
    "Checkpoint": "checkpoint",
    "CheckpointArchiveUrlResponse": "checkpoint_archive_url_response",
    "CheckpointBillingEvent": "checkpoint_billing_event",
    "CheckpointKind": "checkpoint_kind",
    "CheckpointStorageUsageRow": "checkpoint_storage_usage_row",
    "CheckpointType": "checkpoint_type",
    "CheckpointsListResponse": "checkpoints_list_response",
    "ClientConfigRequest": "client_config_request",
    "ClientConfigResponse": "client_config_response",
    "ClientConfigResponseCredentialDefaultSource": "client_config_response_credential_default_source",
    "ClientDynamicConfigResponse": "client_dynamic_config_response",
    "ClientFinishedSessionStatus": "client_finished_session_status",
    "ClientFinishedStatusQuery": "client_finished_status_query",
    "ClientFinishedStatusQueryReasonsItem": "client_finished_status_query_reasons_item",
    "CopyWeightsRequest": "copy_weights_request",
    "CopyWeightsResponse": "copy_weights_response",
    "CreateCustomLossRequest": "create_custom_loss_request",
    "CreateCustomLossResponse": "create_custom_loss_response",
    "CreateModelRequest": "create_model_request",
    "CreateModelRequestUserMetadataType0": "create_model_request_user_metadata_type_0",
    "CreateModelResponse": "create_model_response",
    "CreateSamplingSessionRequest": "create_sampling_session_request",
    "CreateSamplingSessionResponse": "create_sampling_session_response",
    "CreateSessionRequest": "create_session_request",
    "CreateSessionRequestUserMetadataType0": "create_session_request_user_metadata_type_0",
    "CreateSessionResponse": "create_session_response",
    "CurrentCheckpointStorageUsageResponse": "current_checkpoint_storage_usage_response",
    "Cursor": "cursor",
    "CustomLossGraph": "custom_loss_graph",
    "CustomLossInput": "custom_loss_input",
    "CustomLossInputRank": "custom_loss_input_rank",
    "CustomLossNode": "custom_loss_node",
    "CustomLossNodeKwargs": "custom_loss_node_kwargs",
    "CustomLossNodeOp": "custom_loss_node_op",
    "Datum": "datum",
    "DmelChunk": "dmel_chunk",
    "EmptyResponse": "empty_response",
    "EncodedTextChunk": "encoded_text_chunk",
    "ErrorResponse": "error_response",
    "ExternalWeightsUrlsResponse": "external_weights_urls_response",
    "ExternalWeightsUrlsResponseUrls": "external_weights_urls_response_urls",
    "FailedSessionStatus": "failed_session_status",
    "FailedSessionStatusCategory": "failed_session_status_category",
    "FailedSessionStatusReason": "failed_session_status_reason",
    "FailedSessionStatusReasonType": "failed_session_status_reason_type",
    "FinishSessionRequest": "finish_session_request",
    "FinishSessionResponse": "finish_session_response",
    "ForwardBackwardInput": "forward_backward_input",
    "ForwardBackwardOutput": "forward_backward_output",
    "ForwardBackwardOutputLossFnOutputsItem": "forward_backward_output_loss_fn_outputs_item",
    "ForwardBackwardOutputMetrics": "forward_backward_output_metrics",
    "ForwardBackwardRequest": "forward_backward_request",
    "ForwardRequest": "forward_request",
    "FutureCompleteMetadata": "future_complete_metadata",
    "FutureFailed": "future_failed",
    "FutureFinished": "future_finished",
    "FuturePendingResponse": "future_pending_response",
    "FutureRetrieveRequest": "future_retrieve_request",
    "FuturesRetrieveRequest": "futures_retrieve_request",
    "FuturesRetrieveResponse": "futures_retrieve_response",
    "GenericEvent": "generic_event",
    "GenericEventEventData": "generic_event_event_data",
    "GetAuditLogEventType": "get_audit_log_event_type",
    "GetInfoRequest": "get_info_request",
    "GetInfoResponse": "get_info_response",
    "GetSamplerResponse": "get_sampler_response",
    "GetServerCapabilitiesResponse": "get_server_capabilities_response",
    "GetSessionAccessScope": "get_session_access_scope",
    "GetSessionResponse": "get_session_response",
    "GetTrainingRunAccessScope": "get_training_run_access_scope",
    "HealthResponse": "health_response",
    "ImageAssetPointerChunk": "image_asset_pointer_chunk",
    "ImageAssetPointerChunkFormat": "image_asset_pointer_chunk_format",
    "ImageChunk": "image_chunk",
    "ImageChunkFormat": "image_chunk_format",
    "JoinSamplingSessionRequest": "join_sampling_session_request",
    "JoinSamplingSessionResponse": "join_sampling_session_response",
    "ListSessionsAccessScope": "list_sessions_access_scope",
    "ListSessionsResponse": "list_sessions_response",
    "ListTrainingRunsAccessScope": "list_training_runs_access_scope",
    "LoadWeightsRequest": "load_weights_request",
    "LoadWeightsRequestUserMetadataType0": "load_weights_request_user_metadata_type_0",
    "LoadWeightsResponse": "load_weights_response",
    "LoraConfig": "lora_config",
    "LossFnConfig": "loss_fn_config",
    "LossFnInputs": "loss_fn_inputs",
    "LossFnType": "loss_fn_type",
    "ModelData": "model_data",
    "ModelInput": "model_input",
    "OptimStepRequest": "optim_step_request",
    "OptimStepResponse": "optim_step_response",
    "OptimStepResponseMetricsType0": "optim_step_response_metrics_type_0",
    "OptimizerConfig": "optimizer_config",
    "OptimizerParams": "optimizer_params",
    "OwnSessionsFilter": "own_sessions_filter",
    "PromptAltTokens": "prompt_alt_tokens",
    "QueueState": "queue_state",
    "RequestErrorCategory": "request_error_category",
    "RequestFailedResponse": "request_failed_response",
    "SampleRequest": "sample_request",
    "SampleResponse": "sample_response",
    "SampleStreamDone": "sample_stream_done",
    "SampleStreamError": "sample_stream_error",
    "SampleStreamEvent": "sample_stream_event",
    "SampleStreamEventEvent": "sample_stream_event_event",
    "SampleStreamToken": "sample_stream_token",
    "SampledSequence": "sampled_sequence",
    "SamplingParams": "sampling_params",
    "SamplingPrefillBillingEvent": "sampling_prefill_billing_event",
    "SamplingSampleBillingEvent": "sampling_sample_billing_event",
    "SamplingSessionFuturesTarget": "sampling_session_futures_target",
    "SaveWeightsExternalRequest": "save_weights_external_request",
    "SaveWeightsExternalResponseInternal": "save_weights_external_response_internal",
    "SaveWeightsForSamplerRequest": "save_weights_for_sampler_request",
    "SaveWeightsForSamplerRequestKind": "save_weights_for_sampler_request_kind",
    "SaveWeightsForSamplerResponseInternal": "save_weights_for_sampler_response_internal",
    "SaveWeightsRequest": "save_weights_request",
    "SaveWeightsResponse": "save_weights_response",
    "SessionEndEvent": "session_end_event",
    "SessionFinishReason": "session_finish_reason",
    "SessionFinishReasonType": "session_finish_reason_type",
    "SessionHeartbeatRequest": "session_heartbeat_request",
    "SessionHeartbeatResponse": "session_heartbeat_response",
    "SessionSearchCursor": "session_search_cursor",
    "SessionSearchRequest": "session_search_request",
    "SessionSearchResponse": "session_search_response",
    "SessionStartEvent": "session_start_event",
    "SessionSummary": "session_summary",
    "SessionTraceExportPollResponse": "session_trace_export_poll_response",
    "SessionTraceExportPollResponseStatus": "session_trace_export_poll_response_status",
    "SimpleSessionStatusQuery": "simple_session_status_query",
    "SimpleSessionStatusQueryType": "simple_session_status_query_type",
    "StopReason": "stop_reason",
    "StorageBillingEvent": "storage_billing_event",
    "SupportedModel": "supported_model",
    "TelemetryEventCommon": "telemetry_event_common",
    "TelemetryEventCommonSeverity": "telemetry_event_common_severity",
    "TelemetryResponse": "telemetry_response",
    "TelemetrySendRequest": "telemetry_send_request",
    "TensorData": "tensor_data",
    "TensorDtype": "tensor_dtype",
    "TokenizerResponse": "tokenizer_response",
    "TokenizerResponseTokenizer": "tokenizer_response_tokenizer",
    "TrainingBillingEvent": "training_billing_event",
    "TrainingRun": "training_run",
    "TrainingRunsResponse": "training_runs_response",
    "TryAgainResponse": "try_again_response",
    "TtlUpdateRequest": "ttl_update_request",
    "UnhandledExceptionEvent": "unhandled_exception_event",
    "UnloadModelRequest": "unload_model_request",
    "UnloadModelResponse": "unload_model_response",
    "UntypedAPIFuture": "untyped_api_future",
    "UserMetadata": "user_metadata",
    "UserSessionsFilter": "user_sessions_filter",
    "WeightsInfoRequest": "weights_info_request",
    "WeightsInfoResponse": "weights_info_response",
}

__all__ = sorted(_MODULES)


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
    from .accessible_sessions_filter import AccessibleSessionsFilter
    from .active_session_status import ActiveSessionStatus
    from .adam_params import AdamParams
    from .api_key_info_response import ApiKeyInfoResponse
    from .api_key_info_response_details import ApiKeyInfoResponseDetails
    from .api_key_info_response_details_org_details import (
        ApiKeyInfoResponseDetailsOrgDetails,
    )
    from .api_key_info_response_details_user_details import (
        ApiKeyInfoResponseDetailsUserDetails,
    )
    from .asample_x_tinker_sampling_backpressure import (
        AsampleXTinkerSamplingBackpressure,
    )
    from .assign_project_request import AssignProjectRequest
    from .audit_log_entry import AuditLogEntry
    from .audit_log_entry_event_details import AuditLogEntryEventDetails
    from .audit_log_response import AuditLogResponse
    from .auth_token_request import AuthTokenRequest
    from .auth_token_response import AuthTokenResponse
    from .billing_usage_event import BillingUsageEvent
    from .billing_usage_response import BillingUsageResponse
    from .billing_usage_response_sessions import BillingUsageResponseSessions
    from .billing_usage_session import BillingUsageSession
    from .cancel_future_request import CancelFutureRequest
    from .cancel_future_response import CancelFutureResponse
    from .cancelled_session_status import CancelledSessionStatus
    from .checkpoint import Checkpoint
    from .checkpoint_archive_url_response import CheckpointArchiveUrlResponse
    from .checkpoint_billing_event import CheckpointBillingEvent
    from .checkpoint_kind import CheckpointKind
    from .checkpoint_storage_usage_row import CheckpointStorageUsageRow
    from .checkpoint_type import CheckpointType
    from .checkpoints_list_response import CheckpointsListResponse
    from .client_config_request import ClientConfigRequest
    from .client_config_response import ClientConfigResponse
    from .client_config_response_credential_default_source import (
        ClientConfigResponseCredentialDefaultSource,
    )
    from .client_dynamic_config_response import ClientDynamicConfigResponse
    from .client_finished_session_status import ClientFinishedSessionStatus
    from .client_finished_status_query import ClientFinishedStatusQuery
    from .client_finished_status_query_reasons_item import (
        ClientFinishedStatusQueryReasonsItem,
    )
    from .copy_weights_request import CopyWeightsRequest
    from .copy_weights_response import CopyWeightsResponse
    from .create_custom_loss_request import CreateCustomLossRequest
    from .create_custom_loss_response import CreateCustomLossResponse
    from .create_model_request import CreateModelRequest
    from .create_model_request_user_metadata_type_0 import (
        CreateModelRequestUserMetadataType0,
    )
    from .create_model_response import CreateModelResponse
    from .create_sampling_session_request import CreateSamplingSessionRequest
    from .create_sampling_session_response import CreateSamplingSessionResponse
    from .create_session_request import CreateSessionRequest
    from .create_session_request_user_metadata_type_0 import (
        CreateSessionRequestUserMetadataType0,
    )
    from .create_session_response import CreateSessionResponse
    from .current_checkpoint_storage_usage_response import (
        CurrentCheckpointStorageUsageResponse,
    )
    from .cursor import Cursor
    from .custom_loss_graph import CustomLossGraph
    from .custom_loss_input import CustomLossInput
    from .custom_loss_input_rank import CustomLossInputRank
    from .custom_loss_node import CustomLossNode
    from .custom_loss_node_kwargs import CustomLossNodeKwargs
    from .custom_loss_node_op import CustomLossNodeOp
    from .datum import Datum
    from .dmel_chunk import DmelChunk
    from .empty_response import EmptyResponse
    from .encoded_text_chunk import EncodedTextChunk
    from .error_response import ErrorResponse
    from .external_weights_urls_response import ExternalWeightsUrlsResponse
    from .external_weights_urls_response_urls import ExternalWeightsUrlsResponseUrls
    from .failed_session_status import FailedSessionStatus
    from .failed_session_status_category import FailedSessionStatusCategory
    from .failed_session_status_reason import FailedSessionStatusReason
    from .failed_session_status_reason_type import FailedSessionStatusReasonType
    from .finish_session_request import FinishSessionRequest
    from .finish_session_response import FinishSessionResponse
    from .forward_backward_input import ForwardBackwardInput
    from .forward_backward_output import ForwardBackwardOutput
    from .forward_backward_output_loss_fn_outputs_item import (
        ForwardBackwardOutputLossFnOutputsItem,
    )
    from .forward_backward_output_metrics import ForwardBackwardOutputMetrics
    from .forward_backward_request import ForwardBackwardRequest
    from .forward_request import ForwardRequest
    from .future_complete_metadata import FutureCompleteMetadata
    from .future_failed import FutureFailed
    from .future_finished import FutureFinished
    from .future_pending_response import FuturePendingResponse
    from .future_retrieve_request import FutureRetrieveRequest
    from .futures_retrieve_request import FuturesRetrieveRequest
    from .futures_retrieve_response import FuturesRetrieveResponse
    from .generic_event import GenericEvent
    from .generic_event_event_data import GenericEventEventData
    from .get_audit_log_event_type import GetAuditLogEventType
    from .get_info_request import GetInfoRequest
    from .get_info_response import GetInfoResponse
    from .get_sampler_response import GetSamplerResponse
    from .get_server_capabilities_response import GetServerCapabilitiesResponse
    from .get_session_access_scope import GetSessionAccessScope
    from .get_session_response import GetSessionResponse
    from .get_training_run_access_scope import GetTrainingRunAccessScope
    from .health_response import HealthResponse
    from .image_asset_pointer_chunk import ImageAssetPointerChunk
    from .image_asset_pointer_chunk_format import ImageAssetPointerChunkFormat
    from .image_chunk import ImageChunk
    from .image_chunk_format import ImageChunkFormat
    from .join_sampling_session_request import JoinSamplingSessionRequest
    from .join_sampling_session_response import JoinSamplingSessionResponse
    from .list_sessions_access_scope import ListSessionsAccessScope
    from .list_sessions_response import ListSessionsResponse
    from .list_training_runs_access_scope import ListTrainingRunsAccessScope
    from .load_weights_request import LoadWeightsRequest
    from .load_weights_request_user_metadata_type_0 import (
        LoadWeightsRequestUserMetadataType0,
    )
    from .load_weights_response import LoadWeightsResponse
    from .lora_config import LoraConfig
    from .loss_fn_config import LossFnConfig
    from .loss_fn_inputs import LossFnInputs
    from .loss_fn_type import LossFnType
    from .model_data import ModelData
    from .model_input import ModelInput
    from .optim_step_request import OptimStepRequest
    from .optim_step_response import OptimStepResponse
    from .optim_step_response_metrics_type_0 import OptimStepResponseMetricsType0
    from .optimizer_config import OptimizerConfig
    from .optimizer_params import OptimizerParams
    from .own_sessions_filter import OwnSessionsFilter
    from .prompt_alt_tokens import PromptAltTokens
    from .queue_state import QueueState
    from .request_error_category import RequestErrorCategory
    from .request_failed_response import RequestFailedResponse
    from .sample_request import SampleRequest
    from .sample_response import SampleResponse
    from .sample_stream_done import SampleStreamDone
    from .sample_stream_error import SampleStreamError
    from .sample_stream_event import SampleStreamEvent
    from .sample_stream_event_event import SampleStreamEventEvent
    from .sample_stream_token import SampleStreamToken
    from .sampled_sequence import SampledSequence
    from .sampling_params import SamplingParams
    from .sampling_prefill_billing_event import SamplingPrefillBillingEvent
    from .sampling_sample_billing_event import SamplingSampleBillingEvent
    from .sampling_session_futures_target import SamplingSessionFuturesTarget
    from .save_weights_external_request import SaveWeightsExternalRequest
    from .save_weights_external_response_internal import (
        SaveWeightsExternalResponseInternal,
    )
    from .save_weights_for_sampler_request import SaveWeightsForSamplerRequest
    from .save_weights_for_sampler_request_kind import SaveWeightsForSamplerRequestKind
    from .save_weights_for_sampler_response_internal import (
        SaveWeightsForSamplerResponseInternal,
    )
    from .save_weights_request import SaveWeightsRequest
    from .save_weights_response import SaveWeightsResponse
    from .session_end_event import SessionEndEvent
    from .session_finish_reason import SessionFinishReason
    from .session_finish_reason_type import SessionFinishReasonType
    from .session_heartbeat_request import SessionHeartbeatRequest
    from .session_heartbeat_response import SessionHeartbeatResponse
    from .session_search_cursor import SessionSearchCursor
    from .session_search_request import SessionSearchRequest
    from .session_search_response import SessionSearchResponse
    from .session_start_event import SessionStartEvent
    from .session_summary import SessionSummary
    from .session_trace_export_poll_response import SessionTraceExportPollResponse
    from .session_trace_export_poll_response_status import (
        SessionTraceExportPollResponseStatus,
    )
    from .simple_session_status_query import SimpleSessionStatusQuery
    from .simple_session_status_query_type import SimpleSessionStatusQueryType
    from .stop_reason import StopReason
    from .storage_billing_event import StorageBillingEvent
    from .supported_model import SupportedModel
    from .telemetry_event_common import TelemetryEventCommon
    from .telemetry_event_common_severity import TelemetryEventCommonSeverity
    from .telemetry_response import TelemetryResponse
    from .telemetry_send_request import TelemetrySendRequest
    from .tensor_data import TensorData
    from .tensor_dtype import TensorDtype
    from .tokenizer_response import TokenizerResponse
    from .tokenizer_response_tokenizer import TokenizerResponseTokenizer
    from .training_billing_event import TrainingBillingEvent
    from .training_run import TrainingRun
    from .training_runs_response import TrainingRunsResponse
    from .try_again_response import TryAgainResponse
    from .ttl_update_request import TtlUpdateRequest
    from .unhandled_exception_event import UnhandledExceptionEvent
    from .unload_model_request import UnloadModelRequest
    from .unload_model_response import UnloadModelResponse
    from .untyped_api_future import UntypedAPIFuture
    from .user_metadata import UserMetadata
    from .user_sessions_filter import UserSessionsFilter
    from .weights_info_request import WeightsInfoRequest
    from .weights_info_response import WeightsInfoResponse
