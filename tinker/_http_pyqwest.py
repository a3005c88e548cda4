"""The default network backend: an httpx transport over pyqwest's native client (reqwest/hyper in Rust).

It sits behind the same seam as any ``httpx.AsyncBaseTransport`` (tests inject ``httpx.MockTransport``), but
sends each plain request with one buffered ``await`` into Rust: the connection pool, HTTP/1.1 framing, body
reading and decompression (gzip, brotli, zstd; the ``Content-Encoding`` header is then dropped) all happen
there. pyqwest's own httpx adapter streams every body through Python and wraps each read in
``asyncio.wait_for``; that costs more per call than the rest of the SDK's client path.

Bodies are streamed only when the caller marks the request with the ``STREAM_EXTENSION`` extension (server-sent
events). Timeouts: reqwest has one operation timeout, so a request's httpx ``read`` + ``write`` budget bounds
the whole exchange (no budget when either is ``None``); ``connect`` is the backend's connect timeout.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import AsyncIterator, Mapping

import httpx
import pyqwest

from ._config import STREAM_EXTENSION, redact_urls
from ._loop import close_at_exit

__all__ = ["PyqwestTransport"]

# Per-connection headers reqwest sets itself; sending them again would duplicate or contradict its framing.
_HOP_BY_HOP = frozenset({"host", "content-length", "connection", "transfer-encoding", "keep-alive", "upgrade"})


def _operation_timeout(timeout: Mapping[str, float | None] | None) -> float | None:
    if not timeout:
        return None
    read, write = timeout.get("read"), timeout.get("write")
    if read is None or write is None:
        return None
    return max(read, 0.0) + max(write, 0.0)


def _as_httpx_error(exc: BaseException, request: httpx.Request) -> httpx.TransportError:
    """pyqwest's (and the deadline's) exceptions as the httpx exceptions the retry loop classifies."""
    message = redact_urls(str(exc)) or type(exc).__name__
    if isinstance(exc, pyqwest.ConnectTimeout):
        return httpx.ConnectTimeout(message, request=request)
    if isinstance(exc, ConnectionError):
        return httpx.ConnectError(message, request=request)
    if isinstance(exc, TimeoutError):
        return httpx.ReadTimeout(message, request=request)
    if isinstance(exc, pyqwest.WriteError):
        return httpx.WriteError(message, request=request)
    if isinstance(exc, pyqwest.ReadError):
        return httpx.ReadError(message, request=request)
    if isinstance(exc, pyqwest.RemoteProtocolError):
        return httpx.RemoteProtocolError(message, request=request)
    return httpx.LocalProtocolError(message, request=request)  # ValueError: a request reqwest cannot build


_ERRORS = (
    ConnectionError,
    TimeoutError,
    ValueError,
    pyqwest.ReadError,
    pyqwest.WriteError,
    pyqwest.RemoteProtocolError,
)


class _Body(httpx.AsyncByteStream):
    """A streamed pyqwest response body, read within what is left of the request's deadline."""

    def __init__(self, response: pyqwest.Response, request: httpx.Request, deadline: float | None) -> None:
        self._response = response
        self._request = request
        self._deadline = deadline

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async with asyncio.timeout_at(self._deadline):
                async for chunk in self._response.content:
                    _responded()
                    yield bytes(chunk)
            _responded()
        except (asyncio.CancelledError, GeneratorExit):
            _abandon()
            raise
        except _ERRORS as exc:
            if isinstance(exc, TimeoutError):
                _abandon()
            raise _as_httpx_error(exc, self._request) from None

    async def aclose(self) -> None:
        await self._response.aclose()


_open: weakref.WeakSet[PyqwestTransport] = weakref.WeakSet()
# reqwest reports a response from its own thread: it queues the loop callback, then releases the GIL inside
# the loop's wake-up write. The loop may deliver the result, and the program finish, before that thread
# returns from the write; retaking the GIL during interpreter finalization then aborts the process (SIGABRT).
# So exit waits a moment after the last response, and after any request abandoned by a cancelled task
# (reqwest still finishes those and reports them).
_abandoned = 0
_last_response = float("-inf")
_SETTLE_SECONDS = 0.05


def _abandon() -> None:
    global _abandoned
    _abandoned += 1


def _responded() -> None:
    global _last_response
    _last_response = time.monotonic()


async def _close_open_transports() -> float:
    for transport in list(_open):
        await transport.aclose()
    if _abandoned:
        return _SETTLE_SECONDS
    return max(0.0, _last_response + _SETTLE_SECONDS - time.monotonic())


close_at_exit(_close_open_transports)


class PyqwestTransport(httpx.AsyncBaseTransport):
    """httpx transport backed by one ``pyqwest.HTTPTransport`` (one connection pool per SDK client)."""

    def __init__(self, *, connect_timeout: float | None, max_connections: int) -> None:
        self._backend = pyqwest.HTTPTransport(
            tls_include_system_certs=True,  # trust the OS store too (corporate proxies), as httpx does via certifi
            connect_timeout=connect_timeout,
            pool_max_idle_per_host=max_connections,
            max_connections_per_address=max_connections,
            follow_redirects=False,  # redirects are the caller's decision, as with httpx
            enable_otel=False,  # spans come from the SDK's own tracing, once
        )
        self._client = pyqwest.Client(self._backend)
        _open.add(self)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        headers = [(k, v) for k, v in request.headers.multi_items() if k.lower() not in _HOP_BY_HOP]
        try:
            content = request.content
        except httpx.RequestNotRead:  # a streamed upload (the SDK sends bytes; other callers may not)
            content = await request.aread()
        budget = _operation_timeout(request.extensions.get("timeout"))
        loop = asyncio.get_running_loop()
        deadline = None if budget is None else loop.time() + budget
        method, url = request.method, str(request.url)
        stream = bool(request.extensions.get(STREAM_EXTENSION))
        try:
            async with asyncio.timeout_at(deadline):
                if stream:
                    streamed = await self._backend.execute(
                        pyqwest.Request(method, url, headers=pyqwest.Headers(headers), content=content or None)
                    )
                else:
                    full = await self._client.execute(method, url, headers, content or None)
        except (asyncio.CancelledError, TimeoutError) as exc:
            _abandon()
            if isinstance(exc, asyncio.CancelledError):
                raise
            raise _as_httpx_error(exc, request) from None  # its text, redacted, is kept
        except _ERRORS as exc:
            raise _as_httpx_error(exc, request) from None  # its text, redacted, is kept
        _responded()
        if stream:
            return httpx.Response(
                streamed.status,
                headers=list(streamed.headers.items()),
                stream=_Body(streamed, request, deadline),
                request=request,
            )
        return httpx.Response(full.status, headers=list(full.headers.items()), content=full.content, request=request)

    async def aclose(self) -> None:
        await self._backend.aclose()

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"
