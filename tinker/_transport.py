"""The one request executor.

Every request the SDK makes goes through :class:`Transport.request`: it builds the ``httpx.Request`` (base URL,
headers, timeouts) and hands it straight to the transport seam, an ``httpx.AsyncBaseTransport`` (by default
:func:`network_transport`: pyqwest, or httpx's own pool; tests inject ``httpx.MockTransport``); it sets the
credential header (renewing a rotatable key on 401 and on its interval), encodes JSON with orjson, applies the
one :class:`~tinker._retry.RetryPolicy` through the one retry loop (:func:`~tinker._retry.retry_call`), maps
failures onto the exception tree with actionable messages, and reports every attempt to the observability seam
(:func:`tinker._instrument.attempt`).
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import itertools
import logging
import time
import uuid
from collections.abc import AsyncIterator, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any

import tinker_wire as wire
from tinker_wire._lazy import deferred_import

from . import _instrument
from ._breaker import BreakerRegistry
from ._config import STREAM_EXTENSION, ClientSettings, http_backend_from_env, redact_headers, redact_urls
from ._exceptions import APIStatusError, APITimeoutError, status_error_for
from ._hints import status_message
from ._observability import configure_from_env
from ._retry import RetryPolicy, retry_call, to_api_error

if TYPE_CHECKING:
    import asyncio

    import httpx
    import orjson
else:
    httpx = deferred_import("httpx", globals())
    asyncio = deferred_import("asyncio", globals())
    orjson = deferred_import("orjson", globals())

__all__ = ["Transport", "decode_json", "endpoint_request", "network_transport", "operation_of"]

logger = logging.getLogger("tinker.transport")

# Enough connections for a thousand concurrent calls on one client; requests beyond the pool wait for a free
# connection instead of failing. Every connection may stay open between calls: closing the ones above a
# smaller keep-alive count makes a busy client reconnect (and the server accept) on most calls.
_MAX_CONNECTIONS = 1000


@functools.cache
def _default_headers() -> dict[str, str]:
    """What httpx.AsyncClient would have added to every request; the content codings are those httpx can
    decode here (brotli and zstd need optional packages). Looked up when the first client is made, not at import."""
    import importlib.util

    codings = ["gzip", "deflate"]
    if importlib.util.find_spec("brotli") or importlib.util.find_spec("brotlicffi"):
        codings.append("br")
    if importlib.util.find_spec("zstandard"):
        codings.append("zstd")
    return {"Accept": "*/*", "Accept-Encoding": ", ".join(codings)}


# Idempotency keys: unique within the process by the counter, across processes by the random prefix.
_KEY_PREFIX = uuid.uuid4().hex
_key_counter = itertools.count()


def network_transport(backend: str | None = None, connect_timeout: float | None = 5.0) -> httpx.AsyncBaseTransport:
    """The transport that reaches the network when no other is injected (``TINKER_HTTP_BACKEND``).

    ``pyqwest`` (the default; the official SDK uses it too): reqwest/hyper, see :mod:`tinker._http_pyqwest`.
    Its connection pool lives in Rust, where httpcore's pool re-checks every pooled connection on each request
    (a cost that grows with the square of the calls in flight). ``httpx``: httpx's own pool.
    """
    if (backend or http_backend_from_env()) == "pyqwest":
        try:
            from ._http_pyqwest import PyqwestTransport
        except ImportError as exc:  # a platform without its wheel: the pure-Python pool still works
            logger.warning("pyqwest is not importable (%s); using httpx's own connection pool", exc)
        else:
            return PyqwestTransport(connect_timeout=connect_timeout, max_connections=_MAX_CONNECTIONS)
    limits = httpx.Limits(max_connections=_MAX_CONNECTIONS, max_keepalive_connections=_MAX_CONNECTIONS)
    return httpx.AsyncHTTPTransport(limits=limits)


def decode_json(response: httpx.Response) -> Any:
    """The response body as JSON (orjson), or None when it is empty or not JSON."""
    if not response.content:
        return None
    try:
        return orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return None


def endpoint_request(endpoint: ModuleType, **kwargs: Any) -> dict[str, Any]:
    """Request arguments built by a generated endpoint module (``tinker_api.api.<tag>.<op>``).

    The generated layer knows each operation's method, path template, parameters and media type; we swap
    its stdlib-JSON body for orjson bytes (10-20x faster on tensors). NaN/Infinity raise ``ValueError``
    naming their place: plain orjson would write them as ``null`` and change the request's meaning.
    """
    req: dict[str, Any] = endpoint.build_request(**kwargs)
    if "json" in req:
        req["content"] = wire.dumps(req.pop("json"))
    return req


def operation_of(endpoint: ModuleType) -> str:
    """The operationId of a generated endpoint module (``tinker_api.api.<tag>.<operationId>``)."""
    return endpoint.__name__.rpartition(".")[2]


def _detail_text(detail: Any) -> str:
    """The server's ``detail`` as text; FastAPI-based servers send a 422's as a list of ``{loc, msg}`` items."""
    if isinstance(detail, list) and all(isinstance(d, dict) and "msg" in d for d in detail):
        return "; ".join(
            f"{'.'.join(str(p) for p in d.get('loc') or ())}: {d['msg']}" if d.get("loc") else str(d["msg"])
            for d in detail
        )
    return str(detail)


def _status_error(response: httpx.Response, op: str, key_source: str | None) -> APIStatusError:
    body = decode_json(response)
    if isinstance(body, dict) and "detail" in body:
        detail = _detail_text(body["detail"])
    else:
        detail = str(body) if body is not None else response.text[:500]
    message = status_message(
        response.status_code, op, detail, response.headers.get("x-request-id"), key_source=key_source
    )
    return status_error_for(
        response.status_code, message, response=response, body=body if body is not None else response.text
    )


class Transport:
    """Sends requests for one client holder. Create it anywhere; it binds to the SDK loop on first use."""

    def __init__(
        self,
        settings: ClientSettings,
        policy: RetryPolicy | None = None,
        *,
        http_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        configure_from_env()  # TINKER_OTEL, TINKER_METRICS, TINKER_AUDIT_LOG: read when a client is made
        self.settings = settings
        self.policy = policy or RetryPolicy()
        self.breakers = BreakerRegistry(self.policy.config.circuit_breaker, redact_urls(settings.base_url))
        if settings.cassette is not None:  # TINKER_RECORD / TINKER_REPLAY: the test toolkit's one seam
            from .testing._cassette import cassette_transport

            http_transport = cassette_transport(*settings.cassette, http_transport or self._network_transport())
        self._injected = http_transport is not None
        self._http_transport = http_transport
        # Requests go straight to the transport seam (no httpx.AsyncClient: its cookie jar, auth and redirect
        # machinery and URL merging cost more per call than the network backend itself).
        self._base_url = settings.base_url
        # Every request's headers but the credential, which can rotate (added per request).
        self._headers = {
            **_default_headers(),
            **{k: v for k, v in settings.request_headers().items() if k.lower() != "x-api-key"},
        }
        self._urls: dict[str, httpx.URL] = {}
        self.in_flight = 0
        # Identical GETs in flight share one request (they are idempotent reads).
        self._inflight: dict[tuple[str, tuple[tuple[str, str], ...]], asyncio.Future[httpx.Response]] = {}

    def _http(self) -> httpx.AsyncBaseTransport:
        if self._http_transport is None:  # made on first use: importing the backend is not free
            self._http_transport = self._network_transport()
        return self._http_transport

    def _network_transport(self) -> httpx.AsyncBaseTransport:
        return network_transport(self.settings.http_backend, self.settings.timeout.connect)

    def _url(self, url: str) -> httpx.URL:
        """``url`` (a path, or absolute) resolved against the base URL; parsed URLs are kept (a few paths)."""
        parsed = self._urls.get(url)
        if parsed is None:
            absolute = url if url.startswith(("http://", "https://")) else self._base_url + "/" + url.lstrip("/")
            parsed = httpx.URL(absolute)
            if len(self._urls) < 1024:  # path parameters make a few more; never unbounded
                self._urls[url] = parsed
        return parsed

    def build_request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
        params: Mapping[str, Any] | None = None,
        timeout: httpx.Timeout,
    ) -> httpx.Request:
        """An ``httpx.Request`` with the SDK's headers (credential included) and ``timeout`` attached."""
        target = self._url(url)
        if params:
            target = target.copy_merge_params({k: v for k, v in params.items() if v is not None})
        return httpx.Request(
            method,
            target,
            headers={**self._headers, **(headers or {}), "X-API-Key": self.settings.credential.value},
            content=content,
            extensions={"timeout": timeout.as_dict()},
        )

    async def aclose(self) -> None:
        if self._http_transport is not None:
            await self._http_transport.aclose()
            if not self._injected:  # a network transport of our own is made again if the client is reused
                self._http_transport = None

    async def send_once(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
        params: Mapping[str, Any] | None = None,
        timeout: httpx.Timeout | None = None,
        op: str | None = None,
        attempt: int = 0,
    ) -> httpx.Response:
        """One attempt (``attempt``: its number within the call) of operation ``op``. Raises
        APIConnectionError/APITimeoutError on transport failure and APIStatusError on a status >= 400 (after
        one re-send with a renewed key on 401, when the key can be renewed); returns the response otherwise."""
        credential = self.settings.credential
        if credential.due():
            await credential.renew(credential.value, "refresh interval")
        key = credential.value
        request = self.build_request(
            method,
            url,
            headers=headers,
            content=content,
            params=params,
            timeout=timeout if timeout is not None else self.settings.timeout,
        )
        name = op or f"{method} {request.url.path}"
        response = await self._send_guarded(request, name, attempt, stream=False)
        if response.status_code == 401 and await credential.renew(key, "HTTP 401"):
            request.headers["X-API-Key"] = credential.value
            response = await self._send_guarded(request, name, attempt, stream=False)
        note = response.headers.get("x-deprecation-note")
        if note:
            level = logging.ERROR if response.headers.get("x-deprecation-level") == "error" else logging.WARNING
            logger.log(level, "Server deprecation note: %s", note)
        if response.status_code >= 400:
            raise _status_error(response, name, credential.source)
        return response

    async def _send_guarded(self, request: httpx.Request, op: str, attempt: int, *, stream: bool) -> httpx.Response:
        """Send through the endpoint group's circuit breaker, recording the outcome there and with the
        observability seam. Unless ``stream``, the body is read and the connection released."""
        probe = _instrument.attempt(op, request, attempt, self)
        breaker = self.breakers.for_path(request.url.path)
        if not breaker.allow():
            probe.failed("circuit_open")
            raise breaker.open_error(request, self.breakers.base_url)
        if stream:
            request.extensions[STREAM_EXTENSION] = True
        self.in_flight += 1
        started = time.monotonic()
        try:
            response = await self._http().handle_async_request(request)
            response.request = request
            if not stream:
                try:
                    await response.aread()
                finally:
                    await response.aclose()
                    response.elapsed = datetime.timedelta(seconds=time.monotonic() - started)
        except asyncio.CancelledError:
            breaker.release()
            probe.failed("cancelled")
            raise
        except httpx.HTTPError as exc:
            breaker.record_failure(type(exc).__name__)
            logger.debug("%s %s failed: %s", request.method, request.url.path, type(exc).__name__)
            error = to_api_error(exc, request)
            probe.failed("timeout" if isinstance(error, APITimeoutError) else "connection_error")
            raise error from exc
        finally:
            self.in_flight -= 1
        if response.status_code >= 500:
            breaker.record_failure(f"HTTP {response.status_code}")
        else:
            breaker.record_success()
        probe.answered(response, streamed=stream)
        return response

    @contextlib.asynccontextmanager
    async def open_stream(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
        op: str | None = None,
    ) -> AsyncIterator[httpx.Response]:
        """Send one request and yield the response with its body unread (for server-sent events).

        Failures map like :meth:`send_once`; leaving the context closes the connection."""
        request = self.build_request(
            method,
            url,
            headers=headers,
            content=content,
            timeout=httpx.Timeout(self.settings.timeout.connect, read=None),
        )
        name = op or f"{method} {request.url.path}"
        started = time.monotonic()
        response = await self._send_guarded(request, name, 0, stream=True)
        try:
            if response.status_code >= 400:
                await response.aread()
                raise _status_error(response, name, self.settings.credential.source)
            yield response
        finally:
            await response.aclose()
            response.elapsed = datetime.timedelta(seconds=time.monotonic() - started)

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
        params: Mapping[str, Any] | None = None,
        timeout: httpx.Timeout | None = None,
        retry: bool = True,
        policy: RetryPolicy | None = None,
        op: str | None = None,
    ) -> httpx.Response:
        """Send with retries per the retry policy (``op``: the operationId, for logs, metrics and errors).
        Non-GET requests carry one ``X-Idempotency-Key`` reused across the attempts of this call, so the server
        can recognise a retried submission; identical concurrent GETs are coalesced into one request."""
        if method.upper() == "GET" and not headers:
            key = (url, tuple(sorted((k, str(v)) for k, v in (params or {}).items() if v is not None)))
            shared = self._inflight.get(key)
            if shared is not None:
                return await asyncio.shield(shared)
            future: asyncio.Future[httpx.Response] = asyncio.get_running_loop().create_future()
            future.add_done_callback(lambda f: f.cancelled() or f.exception())  # consumed even if unshared
            self._inflight[key] = future
            try:
                response = await self._request(
                    method,
                    url,
                    headers=headers,
                    content=content,
                    params=params,
                    timeout=timeout,
                    retry=retry,
                    policy=policy,
                    op=op,
                )
            except BaseException as exc:
                future.set_exception(exc)
                raise
            else:
                future.set_result(response)
                return response
            finally:
                del self._inflight[key]
        return await self._request(
            method,
            url,
            headers=headers,
            content=content,
            params=params,
            timeout=timeout,
            retry=retry,
            policy=policy,
            op=op,
        )

    async def _request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None,
        content: bytes | None,
        params: Mapping[str, Any] | None,
        timeout: httpx.Timeout | None,
        retry: bool,
        policy: RetryPolicy | None,
        op: str | None,
    ) -> httpx.Response:
        hdrs = dict(headers or {})
        if method.upper() != "GET" and not any(k.lower() == "x-idempotency-key" for k in hdrs):
            hdrs["X-Idempotency-Key"] = f"tinker-retry-{_KEY_PREFIX}-{next(_key_counter)}"

        async def attempt(n: int) -> httpx.Response:
            hdrs["x-stainless-retry-count"] = str(n)
            return await self.send_once(
                method, url, headers=hdrs, content=content, params=params, timeout=timeout, op=op, attempt=n
            )

        if not retry:
            return await attempt(0)
        return await retry_call(attempt, policy or self.policy, what=f"{method} {url}", op=op or url)

    async def call(
        self,
        endpoint: ModuleType,
        *,
        retry: bool = True,
        timeout: httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        policy: RetryPolicy | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Call a generated endpoint (``tinker_api.api.<tag>.<op>``) with its keyword arguments."""
        req = endpoint_request(endpoint, **kwargs)
        headers = {**req.get("headers", {}), **(extra_headers or {})}
        return await self.request(
            req["method"].upper(),
            req["url"],
            headers=headers,
            content=req.get("content"),
            params=req.get("params"),
            timeout=timeout,
            retry=retry,
            policy=policy,
            op=operation_of(endpoint),
        )

    def __repr__(self) -> str:
        return f"<Transport base_url={redact_urls(self.settings.base_url)!r} headers={redact_headers(self.settings.default_headers)}>"
