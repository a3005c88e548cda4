"""Contains all the data models used in inputs/outputs"""

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
from .asample_x_tinker_sampling_backpressure import AsampleXTinkerSamplingBackpressure
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
from .save_weights_external_response_internal import SaveWeightsExternalResponseInternal
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

__all__ = (
    "AccessibleSessionsFilter",
    "ActiveSessionStatus",
    "AdamParams",
    "ApiKeyInfoResponse",
    "ApiKeyInfoResponseDetails",
    "ApiKeyInfoResponseDetailsOrgDetails",
    "ApiKeyInfoResponseDetailsUserDetails",
    "AsampleXTinkerSamplingBackpressure",
    "AssignProjectRequest",
    "AuditLogEntry",
    "AuditLogEntryEventDetails",
    "AuditLogResponse",
    "AuthTokenRequest",
    "AuthTokenResponse",
    "BillingUsageEvent",
    "BillingUsageResponse",
    "BillingUsageResponseSessions",
    "BillingUsageSession",
    "CancelFutureRequest",
    "CancelFutureResponse",
    "CancelledSessionStatus",
    "Checkpoint",
    "CheckpointArchiveUrlResponse",
    "CheckpointBillingEvent",
    "CheckpointKind",
    "CheckpointStorageUsageRow",
    "CheckpointType",
    "CheckpointsListResponse",
    "ClientConfigRequest",
    "ClientConfigResponse",
    "ClientConfigResponseCredentialDefaultSource",
    "ClientDynamicConfigResponse",
    "ClientFinishedSessionStatus",
    "ClientFinishedStatusQuery",
    "ClientFinishedStatusQueryReasonsItem",
    "CopyWeightsRequest",
    "CopyWeightsResponse",
    "CreateCustomLossRequest",
    "CreateCustomLossResponse",
    "CreateModelRequest",
    "CreateModelRequestUserMetadataType0",
    "CreateModelResponse",
    "CreateSamplingSessionRequest",
    "CreateSamplingSessionResponse",
    "CreateSessionRequest",
    "CreateSessionRequestUserMetadataType0",
    "CreateSessionResponse",
    "CurrentCheckpointStorageUsageResponse",
    "Cursor",
    "CustomLossGraph",
    "CustomLossInput",
    "CustomLossInputRank",
    "CustomLossNode",
    "CustomLossNodeKwargs",
    "CustomLossNodeOp",
    "Datum",
    "DmelChunk",
    "EmptyResponse",
    "EncodedTextChunk",
    "ErrorResponse",
    "ExternalWeightsUrlsResponse",
    "ExternalWeightsUrlsResponseUrls",
    "FailedSessionStatus",
    "FailedSessionStatusCategory",
    "FailedSessionStatusReason",
    "FailedSessionStatusReasonType",
    "FinishSessionRequest",
    "FinishSessionResponse",
    "ForwardBackwardInput",
    "ForwardBackwardOutput",
    "ForwardBackwardOutputLossFnOutputsItem",
    "ForwardBackwardOutputMetrics",
    "ForwardBackwardRequest",
    "ForwardRequest",
    "FutureCompleteMetadata",
    "FutureFailed",
    "FutureFinished",
    "FuturePendingResponse",
    "FutureRetrieveRequest",
    "FuturesRetrieveRequest",
    "FuturesRetrieveResponse",
    "GenericEvent",
    "GenericEventEventData",
    "GetAuditLogEventType",
    "GetInfoRequest",
    "GetInfoResponse",
    "GetSamplerResponse",
    "GetServerCapabilitiesResponse",
    "GetSessionAccessScope",
    "GetSessionResponse",
    "GetTrainingRunAccessScope",
    "HealthResponse",
    "ImageAssetPointerChunk",
    "ImageAssetPointerChunkFormat",
    "ImageChunk",
    "ImageChunkFormat",
    "JoinSamplingSessionRequest",
    "JoinSamplingSessionResponse",
    "ListSessionsAccessScope",
    "ListSessionsResponse",
    "ListTrainingRunsAccessScope",
    "LoadWeightsRequest",
    "LoadWeightsRequestUserMetadataType0",
    "LoadWeightsResponse",
    "LoraConfig",
    "LossFnConfig",
    "LossFnInputs",
    "LossFnType",
    "ModelData",
    "ModelInput",
    "OptimStepRequest",
    "OptimStepResponse",
    "OptimStepResponseMetricsType0",
    "OptimizerConfig",
    "OptimizerParams",
    "OwnSessionsFilter",
    "PromptAltTokens",
    "QueueState",
    "RequestErrorCategory",
    "RequestFailedResponse",
    "SampleRequest",
    "SampleResponse",
    "SampleStreamDone",
    "SampleStreamError",
    "SampleStreamEvent",
    "SampleStreamEventEvent",
    "SampleStreamToken",
    "SampledSequence",
    "SamplingParams",
    "SamplingPrefillBillingEvent",
    "SamplingSampleBillingEvent",
    "SamplingSessionFuturesTarget",
    "SaveWeightsExternalRequest",
    "SaveWeightsExternalResponseInternal",
    "SaveWeightsForSamplerRequest",
    "SaveWeightsForSamplerRequestKind",
    "SaveWeightsForSamplerResponseInternal",
    "SaveWeightsRequest",
    "SaveWeightsResponse",
    "SessionEndEvent",
    "SessionFinishReason",
    "SessionFinishReasonType",
    "SessionHeartbeatRequest",
    "SessionHeartbeatResponse",
    "SessionSearchCursor",
    "SessionSearchRequest",
    "SessionSearchResponse",
    "SessionStartEvent",
    "SessionSummary",
    "SessionTraceExportPollResponse",
    "SessionTraceExportPollResponseStatus",
    "SimpleSessionStatusQuery",
    "SimpleSessionStatusQueryType",
    "StopReason",
    "StorageBillingEvent",
    "SupportedModel",
    "TelemetryEventCommon",
    "TelemetryEventCommonSeverity",
    "TelemetryResponse",
    "TelemetrySendRequest",
    "TensorData",
    "TensorDtype",
    "TokenizerResponse",
    "TokenizerResponseTokenizer",
    "TrainingBillingEvent",
    "TrainingRun",
    "TrainingRunsResponse",
    "TryAgainResponse",
    "TtlUpdateRequest",
    "UnhandledExceptionEvent",
    "UnloadModelRequest",
    "UnloadModelResponse",
    "UntypedAPIFuture",
    "UserMetadata",
    "UserSessionsFilter",
    "WeightsInfoRequest",
    "WeightsInfoResponse",
)
