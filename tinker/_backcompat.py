"""Client-creation futures that also behave as the client (official 0.38 ``Backcompat*ClientFuture``).

``create_lora_training_client`` & co. return a future of the client. Code written for older SDKs uses
the return value as the client directly; every client method is therefore forwarded (with a
``FutureWarning``) after waiting for the client.

This module holds the client-independent part. Each client module declares its own future
(``class BackcompatXFuture(BackcompatClientFuture[X], X)`` plus :func:`install_forwarders`), so creating a client
of one kind never needs a module that imports every client.
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from ._futures import APIFuture, _await_concurrent, _TaskFuture

C = TypeVar("C")

__all__ = ["BackcompatClientFuture", "install_forwarders"]

_MESSAGE = "using the future returned by {name} as the client is deprecated; call .result() or await it first"


def _warn(name: str) -> None:
    warnings.warn(_MESSAGE.format(name=name), FutureWarning, stacklevel=3)


class BackcompatClientFuture(APIFuture[C], Generic[C]):
    """A future of a client that forwards the client's methods (each client module binds it to its client)."""

    _inner: _TaskFuture[C]

    def __init__(self, future: _TaskFuture[C]) -> None:
        object.__setattr__(self, "_inner", future)

    def result(self, timeout: float | None = None) -> C:
        return self._inner.result(timeout)

    async def result_async(self, timeout: float | None = None) -> C:
        return await _await_concurrent(self._inner, timeout)

    def future(self) -> Any:
        return self._inner

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        _warn(f".{name}")
        return getattr(self._inner.result(), name)

    def __repr__(self) -> str:
        inner = self._inner
        if inner.cancelled():
            return f"<{type(self).__name__} cancelled>"
        if not inner.done():
            return f"<{type(self).__name__} pending>"
        exc = inner.exception()
        return f"<{type(self).__name__} failed: {exc!r}>" if exc else repr(inner.result())

    def __reduce__(self) -> Any:
        return self._inner.result().__reduce__()


def _forwarder(name: str, member: Callable[..., Any]) -> Callable[..., Any]:
    if inspect.iscoroutinefunction(member):

        @functools.wraps(member)
        async def async_forward(self: BackcompatClientFuture[Any], *args: Any, **kwargs: Any) -> Any:
            _warn(name)
            client = await self.result_async()
            return await getattr(client, name)(*args, **kwargs)

        return async_forward

    @functools.wraps(member)
    def forward(self: BackcompatClientFuture[Any], *args: Any, **kwargs: Any) -> Any:
        _warn(name)
        return getattr(self._inner.result(), name)(*args, **kwargs)

    return forward


def install_forwarders(cls: type, client_cls: type) -> None:
    """Forward every public method of ``client_cls`` on the future class ``cls`` to the awaited client."""
    for name, member in vars(client_cls).items():
        if name.startswith("_") or not callable(member) or isinstance(member, (staticmethod, classmethod, type)):
            continue
        setattr(cls, name, _forwarder(name, member))
