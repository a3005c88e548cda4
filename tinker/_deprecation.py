"""Deprecation helpers shared by the clients."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["deprecated_async", "warn_deprecated"]


def warn_deprecated(message: str, *, stacklevel: int = 3) -> None:
    warnings.warn(message, FutureWarning, stacklevel=stacklevel)


def deprecated_async(sync_name: str) -> Callable[[F], F]:
    """Mark an ``*_async`` method as deprecated in favour of awaiting the sync method's future."""

    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        async def inner(*args: Any, **kwargs: Any) -> Any:
            warn_deprecated(f"{fn.__name__} is deprecated; use `await client.{sync_name}(...)` instead")
            return await fn(*args, **kwargs)

        return inner  # type: ignore[return-value]

    return wrap
