"""Types shared by several endpoints (the official SDK's ``tinker.types.shared``)."""

from tinker_api.models.untyped_api_future import UntypedAPIFuture

__all__ = ["UntypedAPIFuture"]
