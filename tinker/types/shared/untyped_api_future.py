"""Public path of the generated `UntypedAPIFuture` (the official SDK's ``tinker.types.shared`` module)."""

from tinker_api.models.untyped_api_future import UntypedAPIFuture

__all__ = ["UntypedAPIFuture"]
