"""What a handler receives (``Call``) and may return besides a JSON-able value, with no HTTP in it.

Handlers are methods marked ``@handles("<operationId>")``; the HTTP layer routes every operation of the
contract to the handler of the same id (a contract operation without one stops the server from starting).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

__all__ = ["SMALL_BODY_BYTES", "Call", "EventStream", "Payload", "Pending", "Redirect", "handlers_of", "handles"]

#: Requests with a smaller body are decoded, and training requests checked and queued, on the event loop: cheaper
#: than a hop to a worker thread and back (which, while a model computes, waits for the GIL twice). Bigger bodies
#: take milliseconds to a second to convert, which would stall every other request: those go to a thread.
SMALL_BODY_BYTES = 64 * 1024

F = TypeVar("F", bound=Callable[..., Any])


def handles(operation_id: str) -> Callable[[F], F]:
    """Mark a method as the handler of a contract operation (blocking methods run on a worker thread)."""

    def mark(fn: F) -> F:
        fn._operation_id = operation_id  # type: ignore[attr-defined]
        return fn

    return mark


def handlers_of(*owners: object) -> dict[str, Callable[[Call], Any]]:
    """operationId -> bound handler, collected from the ``@handles`` methods of ``owners``."""
    found: dict[str, Callable[[Call], Any]] = {}
    for owner in owners:
        for name in dir(type(owner)):
            op = getattr(getattr(type(owner), name), "_operation_id", None)
            if op is None:
                continue
            if op in found:
                raise RuntimeError(f"operation {op!r} has two handlers: {found[op]!r} and {name}")
            found[op] = getattr(owner, name)
    return found


@dataclass
class Call:
    """One request, decoded and validated against the contract."""

    operation_id: str
    #: the JSON document (long number arrays as numpy arrays), a protobuf request from the wire codec, or None
    body: Any
    #: path, query and header parameters, coerced to the contract's types
    params: dict[str, Any]
    #: the API key's owner id
    owner: str
    #: this server's URL for links it hands out (computed on demand: it can fail without --public-url)
    base_url_of: Callable[[], str]
    #: the raw body (protobuf requests are identified by their bytes)
    raw: bytes = b""
    accepts_protobuf: bool = False

    @property
    def base_url(self) -> str:
        return self.base_url_of()

    def param(self, name: str, default: Any = None) -> Any:
        return self.params.get(name, default)


@dataclass
class Payload:
    """A stored result in its encoded form (JSON or protobuf)."""

    content: bytes
    media_type: str
    headers: dict[str, str] | None = None


@dataclass
class Pending:
    """A long-poll that timed out: answered 408 with ``body`` so the client polls again."""

    body: dict[str, Any]


@dataclass
class Redirect:
    url: str
    expires_at: float


@dataclass
class EventStream:
    """Server-sent events: ``events(cancel, tag)`` yields ``(event, data)`` pairs on a worker thread."""

    events: Callable[[Any, str], Iterator[tuple[str, dict[str, Any]]]]
