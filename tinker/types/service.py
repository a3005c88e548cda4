"""Service-level types: capabilities, health, client configuration flags, auth."""

from __future__ import annotations

from ._base import RequestModel, ResponseModel

__all__ = [
    "AuthTokenResponse",
    "ClientConfigRequest",
    "ClientConfigResponse",
    "ClientDynamicConfigResponse",
    "GetServerCapabilitiesResponse",
    "HealthResponse",
    "SupportedModel",
    "WhoamiResponse",
]


class SupportedModel(ResponseModel):
    """A base model the service offers."""

    model_name: str | None = None
    max_context_length: int | None = None
    trainable: bool | None = None
    sampleable: bool | None = None


class GetServerCapabilitiesResponse(ResponseModel):
    """Result of ``GET /api/v1/get_server_capabilities``."""

    supported_models: list[SupportedModel]


class HealthResponse(ResponseModel):
    """Result of ``GET /api/v1/healthz``."""

    status: str | None = None


class ClientConfigRequest(RequestModel):
    """Body of ``POST /api/v1/client/config`` and ``/client/dynamic_config``."""

    sdk_version: str


class ClientConfigResponse(ResponseModel):
    """Feature flags the server hands to the client at start-up (each optional, with a default)."""

    pjwt_auth_enabled: bool = False
    credential_default_source: str = "api_key"
    sample_dispatch_bytes_semaphore_size: int = 10 * 1024 * 1024
    inflight_response_bytes_semaphore_size: int = 50 * 1024 * 1024
    parallel_fwdbwd_chunks: bool = True
    proto_compress_fwdbwd: bool = False
    fwdbwd_max_chunk_len: int = 1024
    fwdbwd_max_chunk_bytes_count: int = 5_000_000
    fwdbwd_dispatch_bytes_semaphore_size: int = 50_000_000
    billing_exception_max_pause_duration_sec: int = 3600
    sample_no_retries: bool = False
    sample_enable_stuck_detection: bool = True
    sample_max_concurrent_requests: int = 2000
    use_pyqwest_transport: bool = True
    sample_use_retrieve_futures: bool = False
    custom_loss_server_side: bool = False
    sample_join_sampling_session: bool = False


class ClientDynamicConfigResponse(ResponseModel):
    """Flags the client re-fetches periodically."""

    refresh_interval_sec: int = 300
    sample_cancel_enabled: bool = False
    sample_cancel_max_batch_size: int = 64


class AuthTokenResponse(ResponseModel):
    """Result of ``POST /api/v1/auth/token``: a short-lived JWT."""

    jwt: str


class WhoamiResponse(ResponseModel):
    """Who the credential belongs to (built by the client from JWT claims)."""

    user_urn: str
    email: str | None = None
    org_urn: str
