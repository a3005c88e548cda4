"""Per-client connection state: transport, server-driven config, the session and its heartbeat.

A sessionful holder belongs to one ServiceClient and creates its session lazily, on the first training or
sampling call. Session-less holders (RestClient/AdminClient) are shared per (base URL, credential).
"""

from __future__ import annotations

import contextvars
import itertools
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from tinker_api import models

from tinker_wire._lazy import deferred_import

from . import _hooks
from ._config import ClientSettings
from ._exceptions import APIConnectionError, APIStatusError
from ._retry import RetryConfig, RetryPolicy
from ._telemetry import Telemetry
from ._transport import Transport, decode_json
from ._version import __version__

if TYPE_CHECKING:
    import asyncio
    import hashlib

    import httpx
    from tinker_api.api.service import get_client_config as _get_client_config
    from tinker_api.api.service import get_client_dynamic_config as _get_client_dynamic_config
    from tinker_api.api.session import create_session as _create_session
    from tinker_api.api.session import finish_session as _finish_session
    from tinker_api.api.session import session_heartbeat as _session_heartbeat
    from tinker_api.api.training import forward as _forward
    from tinker_api.api.training import forward_backward as _forward_backward
    from tinker_api.models import GetServerCapabilitiesResponse
else:
    httpx = deferred_import("httpx", globals())
    _get_client_config = deferred_import("tinker_api.api.service.get_client_config", globals())
    _get_client_dynamic_config = deferred_import("tinker_api.api.service.get_client_dynamic_config", globals())
    _create_session = deferred_import("tinker_api.api.session.create_session", globals())
    _finish_session = deferred_import("tinker_api.api.session.finish_session", globals())
    _session_heartbeat = deferred_import("tinker_api.api.session.session_heartbeat", globals())
    _forward = deferred_import("tinker_api.api.training.forward", globals())
    _forward_backward = deferred_import("tinker_api.api.training.forward_backward", globals())
    asyncio = deferred_import("asyncio", globals())
    hashlib = deferred_import("hashlib", globals())

__all__ = ["ClientHolder", "ServerConfig", "shared_rest_holder"]

logger = logging.getLogger("tinker.session")

HEARTBEAT_INTERVAL = 10.0
HEARTBEAT_WARN_AFTER = 120.0

#: Servers (base URLs) that get JSON training bodies, and why: decided once per server in this process, when
#: the server has no client config or refuses the first protobuf body. Servers whose protobuf worked are in
#: ``_PROTOBUF_OK`` and are never probed again.
_JSON_ONLY: dict[str, str] = {}
_PROTOBUF_OK: set[str] = set()


class ServerConfig(NamedTuple):
    """The server's client-config flags this SDK acts on (defaults as the official SDK's).

    An internal record, so a named tuple: a frozen dataclass costs ~5x as much to create on first touch."""

    fwdbwd_max_chunk_len: int = 1024
    fwdbwd_max_chunk_bytes_count: int = 5_000_000
    parallel_fwdbwd_chunks: bool = True
    proto_compress_fwdbwd: bool = False
    sample_max_concurrent_requests: int = 2000
    billing_exception_max_pause_duration_sec: int = 3600
    raw: Mapping[str, Any] | None = None

    @classmethod
    def from_json(cls, body: Any) -> ServerConfig:
        if not isinstance(body, dict):
            return cls()
        fields = {k: body[k] for k in cls._fields if k != "raw" and k in body and body[k] is not None}
        try:
            return cls(**fields, raw=dict(body))
        except TypeError:
            return cls(raw=dict(body))


class ClientHolder:
    """Owns a Transport, the server config and (for sessionful holders) one session."""

    def __init__(
        self,
        settings: ClientSettings,
        *,
        retry_config: RetryConfig | None = None,
        user_metadata: Mapping[str, str] | None = None,
        display_name: str | None = None,
        http_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.transport = Transport(settings, RetryPolicy(retry_config), http_transport=http_transport)
        self.user_metadata = dict(user_metadata) if user_metadata else None
        self.display_name = display_name
        self._server_config: ServerConfig | None = None
        self._config_lock: asyncio.Lock | None = None
        self._session_lock: asyncio.Lock | None = None
        self._probe_lock: asyncio.Lock | None = None
        self.session_id: str | None = None
        self.session_lost: str | None = None
        self._heartbeat: asyncio.Task[None] | None = None
        self._counter_lock = threading.Lock()
        self._model_seq = itertools.count()
        self._sampler_seq = itertools.count()
        self._closed = False
        self._closing = False  # set at once by begin_close(); finish() runs later on the SDK loop
        self.telemetry: Telemetry | None = None
        self.last_capabilities: GetServerCapabilitiesResponse | None = None  # last good capabilities answer

    # ------------------------------------------------------------------ counters

    def next_model_seq_id(self) -> int:
        with self._counter_lock:
            return next(self._model_seq)

    def next_sampling_session_seq_id(self) -> int:
        with self._counter_lock:
            return next(self._sampler_seq)

    # ------------------------------------------------------------------ config

    def cached_server_config(self) -> ServerConfig:
        """The server config if fetched already, else the defaults (used to size chunks at call time)."""
        return self._server_config or ServerConfig()

    async def server_config(self) -> ServerConfig:
        """The server's client config, fetched once; a failed fetch falls back to defaults (and is retried
        on the next call) so an older server without the endpoint still works."""
        if self._server_config is not None:
            return self._server_config
        if self._config_lock is None:
            self._config_lock = asyncio.Lock()
        async with self._config_lock:
            if self._server_config is None:
                try:
                    resp = await self.transport.call(
                        _get_client_config, body=models.ClientConfigRequest(sdk_version=__version__)
                    )
                    self._server_config = ServerConfig.from_json(decode_json(resp))
                except APIStatusError as exc:
                    if exc.status_code not in (404, 405):
                        raise
                    self._server_config = ServerConfig()
                    # Only servers that are not the reference implementation lack it; they read JSON bodies.
                    self.use_json(f"it has no client config (HTTP {exc.status_code})", logging.INFO)
                try:
                    await self.transport.call(
                        _get_client_dynamic_config,
                        body=models.ClientConfigRequest(sdk_version=__version__),
                        retry=False,
                    )
                except (APIStatusError, APIConnectionError):
                    pass  # optional endpoint: defaults apply
            return self._server_config

    # ------------------------------------------------------------------ wire format of training bodies

    @property
    def json_bodies(self) -> bool:
        """Whether training bodies go to this server as JSON (it does not read protobuf)."""
        return self.settings.base_url in _JSON_ONLY

    @property
    def protobuf_confirmed(self) -> bool:
        return self.settings.base_url in _PROTOBUF_OK

    def confirm_protobuf(self) -> None:
        _PROTOBUF_OK.add(self.settings.base_url)

    def use_json(self, reason: str, level: int = logging.WARNING) -> None:
        url = self.settings.base_url
        if url not in _JSON_ONLY:
            _JSON_ONLY[url] = reason
            logger.log(level, "%s: %s; sending it JSON training bodies instead of protobuf", url, reason)

    def probe_lock(self) -> asyncio.Lock:
        """Held while the first protobuf body goes out, so concurrent chunks wait for the verdict."""
        if self._probe_lock is None:
            self._probe_lock = asyncio.Lock()
        return self._probe_lock

    async def submit_chunk(
        self, body: bytes, headers: Mapping[str, str], as_json: Callable[[], tuple[str, dict[str, Any]]]
    ) -> httpx.Response:
        """Submit one forward_backward chunk as protobuf, or as JSON to a server that does not read protobuf.

        The first protobuf body to a server that has a client config goes out without retries, holding the
        probe lock: a 415, a 500/501 or a 4xx about unreadable JSON means the server reads only JSON, and the
        chunk is sent again as JSON (one extra request, once per server). Gateway and overload answers
        (502-504, 429) and connection errors leave the question open and take the normal retried path.
        """
        holder, transport = self, self.transport
        if not holder.json_bodies and not holder.protobuf_confirmed:
            async with holder.probe_lock():
                if not holder.json_bodies and not holder.protobuf_confirmed:
                    try:
                        resp = await transport.call(_forward_backward, body=body, extra_headers=headers, retry=False)
                    except APIStatusError as exc:
                        if _refuses_protobuf(exc):
                            holder.use_json(f"it answered HTTP {exc.status_code} to a protobuf body")
                        elif exc.status_code not in (429, 502, 503, 504):
                            raise
                    except APIConnectionError:
                        pass
                    else:
                        holder.confirm_protobuf()
                        return resp
        if holder.json_bodies:
            op, doc = as_json()
            return await transport.call(_forward if op == "forward" else _forward_backward, body=doc)
        return await transport.call(_forward_backward, body=body, extra_headers=headers)

    # ------------------------------------------------------------------ session

    async def ensure_session(self) -> str:
        """The session id, creating the session (and starting its heartbeat) on first use."""
        if self._closed:
            raise RuntimeError("ServiceClient is closed")
        if self.session_id is not None and self.session_lost is None:
            return self.session_id
        if self._session_lock is None:
            self._session_lock = asyncio.Lock()
        async with self._session_lock:
            if self.session_id is None or self.session_lost is not None:
                await self.server_config()
                body = models.CreateSessionRequest.model_validate(
                    {
                        "tags": list(self.settings.tags),
                        "user_metadata": self.user_metadata or {},
                        "sdk_version": __version__,
                        **({"project_id": self.settings.project_id} if self.settings.project_id else {}),
                        **({"display_name": self.display_name} if self.display_name else {}),
                    }
                )
                resp = decode_json(await self.transport.call(_create_session, body=body))
                for level, key in (
                    (logging.INFO, "info_message"),
                    (logging.WARNING, "warning_message"),
                    (logging.ERROR, "error_message"),
                ):
                    if resp.get(key):
                        logger.log(level, "Server: %s", resp[key])
                if self.session_lost is not None:
                    logger.warning(
                        "Previous session %s was lost (%s); started session %s",
                        self.session_id,
                        self.session_lost,
                        resp["session_id"],
                    )
                self.session_id = str(resp["session_id"])
                self.session_lost = None
                if self.settings.telemetry_enabled:
                    self.telemetry = Telemetry(self.transport, self.session_id)
                    self.telemetry.session_start()
                    # Background work runs outside the context of the call that started the session, so its
                    # requests are not traced as part of that call.
                    asyncio.get_running_loop().create_task(self.telemetry.flush(), context=contextvars.Context())
                self._heartbeat = asyncio.get_running_loop().create_task(
                    self._heartbeat_loop(self.session_id), context=contextvars.Context()
                )
        assert self.session_id is not None
        return self.session_id

    async def session_is_gone(self) -> bool:
        """Probe the server for our session; mark it lost (so the next use starts a new one) when the server
        no longer knows it, e.g. after a restart."""
        if self.session_id is None:
            return False
        from tinker_api.api.rest import get_session as _get_session

        try:
            await self.transport.call(_get_session, session_id=self.session_id, retry=False)
        except APIStatusError as exc:
            if exc.status_code in (404, 410):
                self.session_lost = f"session unknown to the server (HTTP {exc.status_code})"
                return True
        except APIConnectionError:
            pass
        return False

    async def _heartbeat_loop(self, session_id: str) -> None:
        timeout = httpx.Timeout(10.0, connect=5.0)
        last_ok = time.monotonic()
        while True:
            await asyncio.sleep(HEARTBEAT_INTERVAL)
            try:
                await self.transport.call(
                    _session_heartbeat,
                    body=models.SessionHeartbeatRequest(session_id=session_id),
                    retry=False,
                    timeout=timeout,
                )
                last_ok = time.monotonic()
            except APIStatusError as exc:
                if exc.status_code in (404, 410):
                    reason = "finished" if exc.status_code == 410 else "unknown to the server"
                    if self.session_id == session_id:
                        self.session_lost = f"session {reason} (heartbeat HTTP {exc.status_code})"
                    _hooks.emit("session_lost", session_id=session_id, reason=f"{reason} (HTTP {exc.status_code})")
                    logger.warning(
                        "Session %s is %s; heartbeats stopped. New clients will start a new session.",
                        session_id,
                        reason,
                    )
                    return
                self._warn_if_stale(session_id, last_ok)
            except APIConnectionError:
                self._warn_if_stale(session_id, last_ok)

    @staticmethod
    def _warn_if_stale(session_id: str, last_ok: float) -> None:
        silent = time.monotonic() - last_ok
        if silent > HEARTBEAT_WARN_AFTER:
            logger.warning(
                "No successful heartbeat for session %s in %.0f s; the server may end it", session_id, silent
            )

    async def finish(self, status: str, detail: str | None = None) -> None:
        """Finish the session (if one was created) and close connections. Idempotent."""
        if self._closed:
            return
        self._closed = True
        if self._heartbeat is not None:
            self._heartbeat.cancel()
        if self.telemetry is not None:
            self.telemetry.session_end()
            await self.telemetry.flush()
        if self.session_id is not None and self.session_lost is None:
            try:
                await self.transport.call(
                    _finish_session,
                    session_id=self.session_id,
                    body=models.FinishSessionRequest.model_validate({"reason": {"type": status}, "detail": detail}),
                    retry=False,
                )
            except (APIStatusError, APIConnectionError) as exc:
                logger.info("Could not finish session %s: %s", self.session_id, exc)
        await self.transport.aclose()

    def begin_close(self) -> None:
        """Refuse the clients' new calls from now on; :meth:`finish` (on the SDK loop) does the rest."""
        self._closing = True

    @property
    def closed(self) -> bool:
        return self._closed or self._closing


_shared: dict[tuple[str, str, tuple[str, str] | None], ClientHolder] = {}
_shared_lock = threading.Lock()


def _refuses_protobuf(exc: APIStatusError) -> bool:
    """Whether a refused protobuf body says "JSON only": 415, a crash reading it (500/501), or a 400/422
    about undecodable JSON (a FastAPI server parsing the bytes as JSON)."""
    if exc.status_code in (415, 500, 501):
        return True
    text = str(getattr(exc, "body", "") or exc).lower()
    return exc.status_code in (400, 422) and ("json" in text and ("decode" in text or "invalid" in text))


def shared_rest_holder(settings: ClientSettings) -> ClientHolder:
    """One session-less holder per (base URL, credential) for the process, like the official SDK; a recording
    or replaying client (TINKER_RECORD / TINKER_REPLAY) never shares one with a live client."""
    key = (settings.base_url, hashlib.sha256(str(settings.api_key).encode()).hexdigest(), settings.cassette)
    with _shared_lock:
        holder = _shared.get(key)
        if holder is None or holder.closed:
            holder = _shared[key] = ClientHolder(settings)
        return holder
