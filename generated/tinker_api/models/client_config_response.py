"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Literal

from ._base import BaseModel

__all__ = ["ClientConfigResponse"]


class ClientConfigResponse(BaseModel):
    """Feature flags; clients use their defaults for absent fields."""

    pjwt_auth_enabled: bool = False
    credential_default_source: Literal["api_key", "credential_cmd"] = "api_key"
    sample_dispatch_bytes_semaphore_size: int = 10485760
    inflight_response_bytes_semaphore_size: int = 52428800
    parallel_fwdbwd_chunks: bool = True
    proto_compress_fwdbwd: bool = False
    fwdbwd_max_chunk_len: int = 1024
    fwdbwd_max_chunk_bytes_count: int = 5000000
    fwdbwd_dispatch_bytes_semaphore_size: int = 50000000
    billing_exception_max_pause_duration_sec: int = 3600
    sample_no_retries: bool = False
    sample_enable_stuck_detection: bool = True
    sample_max_concurrent_requests: int = 2000
    use_pyqwest_transport: bool = True
    create_model_via_load_weights: bool = False
    sample_use_retrieve_futures: bool = False
    custom_loss_server_side: bool = False
    sample_join_sampling_session: bool = False
