"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from ._base import BaseModel

__all__ = ["ClientDynamicConfigResponse"]


class ClientDynamicConfigResponse(BaseModel):
    """Flags the client re-fetches periodically."""

    refresh_interval_sec: int = 300
    sample_cancel_enabled: bool = False
    sample_cancel_max_batch_size: int = 64
