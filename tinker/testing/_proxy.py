"""A fault-injecting HTTP/1.1 proxy for loopback tests: put it between a client and a Tinker server and make
the network and the server misbehave on schedule.

The proxy listens on 127.0.0.1 and forwards every request to ``upstream`` (a server's base URL) unless a
:class:`Fault` matches it first. Faults are tried in the order they were added; a fault acts on ``times``
matching requests (``None``: forever) after letting ``skip`` matching requests through untouched. A request
matches by operation (``op``: the contract's operationId, e.g. ``"forward_backward"``), path substring
(``path``), method and an optional predicate (``when``). What a fault does:

* ``reset``     close the connection before forwarding (the server never sees the request);
* ``drop``      forward, let the server act, then close the connection without a reply (a lost reply);
* ``status``    answer ``status`` without forwarding, or, with ``forward=True``, forward first and replace the
                server's reply (the server did the work);
* ``truncate``  forward, send the status line, headers and half the body, then close;
* ``delay``     sleep ``delay`` seconds, then forward;
* ``restart``   close the connection and restart the server (the ``restart`` callable given to the proxy).

With ``upstream=None`` (or an upstream that refuses connections) every forwarded request is answered by closing
the connection, as a dead server looks through a TCP proxy. Streaming replies (SSE, no Content-Length) are
relayed chunk by chunk, and a client that hangs up mid-stream makes the proxy hang up on the server too.

Every request is logged (:attr:`FaultProxy.log`). The proxy runs its own event loop in a daemon thread; use it
as a context manager.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Self, get_args

import httpx

from ._operations import check_operation, operation_of

__all__ = ["Fault", "FaultProxy", "Seen"]

Action = Literal["reset", "drop", "status", "truncate", "delay", "restart"]
_ACTIONS: frozenset[str] = frozenset(get_args(Action))
_HOP = {"connection", "keep-alive", "transfer-encoding", "host", "content-length", "proxy-connection", "upgrade"}
_REASONS = {
    200: "OK",
    404: "Not Found",
    408: "Request Timeout",
    410: "Gone",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass
class Fault:
    """One scheduled fault. Build it with the constructors (``Fault.reset(...)``, ``Fault.http_status(503, ...)``)."""

    action: Action
    path: str = ""  # substring of the request path ("" matches every path)
    op: str | None = None  # operationId of the contract; None matches any
    method: str | None = None  # e.g. "POST"; None matches any
    times: int | None = 1  # matching requests the fault acts on; None = forever
    skip: int = 0  # matching requests let through before the fault starts
    status: int = 503
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    forward: bool = False  # status: forward first, then replace the reply
    delay: float = 0.0
    when: Callable[[str, str, bytes], bool] | None = None  # extra predicate on (method, path, body)
    seen: int = 0  # matching requests so far
    applied: int = 0  # requests the fault acted on

    def __post_init__(self) -> None:
        if self.action not in _ACTIONS:
            raise ValueError(f"Fault action={self.action!r}: expected one of {sorted(_ACTIONS)}")
        if self.op is not None:
            check_operation(self.op)
        if self.times is not None and self.times < 1:
            raise ValueError(f"Fault times={self.times!r}: expected a positive count, or None for every request")
        if self.skip < 0:
            raise ValueError(f"Fault skip={self.skip!r}: expected a count >= 0")

    # ------------------------------------------------------------------ the declarative constructors
    @classmethod
    def reset(cls, op: str | None = None, *, times: int | None = 1, skip: int = 0) -> Fault:
        """Close the connection before the server sees the request (a refused or broken connection)."""
        return cls("reset", op=op, times=times, skip=skip)

    @classmethod
    def drop(cls, op: str | None = None, *, times: int | None = 1, skip: int = 0) -> Fault:
        """Let the server act, then close the connection without its reply (the client must retry safely)."""
        return cls("drop", op=op, times=times, skip=skip)

    @classmethod
    def http_status(
        cls,
        status: int,
        op: str | None = None,
        *,
        times: int | None = 1,
        skip: int = 0,
        retry_after: float | None = None,
        after_server: bool = False,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
    ) -> Fault:
        """Answer ``status`` (a burst of ``times`` answers): 5xx, 408, 410 (expired future), 429 with
        ``retry_after`` seconds. ``after_server=True``: the server handles the request first, its reply is lost."""
        if not 100 <= status <= 599:
            raise ValueError(f"Fault.http_status status={status!r}: expected an HTTP status code (100-599)")
        hdrs = dict(headers or {})
        if retry_after is not None:
            hdrs["retry-after"] = repr(float(retry_after))
        if body and not any(k.lower() == "content-type" for k in hdrs):
            hdrs["content-type"] = "application/json"
        return cls(
            "status", op=op, times=times, skip=skip, status=status, headers=hdrs, body=body, forward=after_server
        )

    @classmethod
    def truncate(cls, op: str | None = None, *, times: int | None = 1, skip: int = 0) -> Fault:
        """Send the server's status line, headers and half its body, then close the connection."""
        return cls("truncate", op=op, times=times, skip=skip)

    @classmethod
    def latency(cls, seconds: float, op: str | None = None, *, times: int | None = None, skip: int = 0) -> Fault:
        """Hold each matching request ``seconds`` before forwarding it (every request by default)."""
        if seconds < 0:
            raise ValueError(f"Fault.latency seconds={seconds!r}: expected a delay >= 0")
        return cls("delay", op=op, times=times, skip=skip, delay=seconds)

    @classmethod
    def restart(cls, op: str | None = None, *, skip: int = 0) -> Fault:
        """Once: close the matching request's connection and restart the server (live models and futures are
        lost, checkpoints stay). Needs a proxy built with ``restart=`` (the ``tinker_fault_proxy`` fixture)."""
        return cls("restart", op=op, times=1, skip=skip)

    # ------------------------------------------------------------------ matching
    def matches(self, method: str, path: str, op: str, body: bytes) -> bool:
        if self.path not in path or (self.method is not None and self.method != method):
            return False
        if self.op is not None and self.op != op:
            return False
        return self.when is None or self.when(method, path, body)

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.applied >= self.times

    def __str__(self) -> str:
        where = self.op or self.path or "any request"
        what = f"{self.action} {self.status}" if self.action == "status" else self.action
        return f"{what} on {where} (applied {self.applied}/{'forever' if self.times is None else self.times})"


@dataclass
class Seen:
    t: float  # time.monotonic() when the request arrived
    method: str
    path: str
    op: str  # the contract's operationId (or "METHOD /path")
    body: bytes
    action: str  # "forward" or the fault's action
    status: int | None  # status sent to the client (None: connection closed without a full reply)


class FaultProxy:
    """A loopback proxy in front of ``upstream`` that injects :class:`Fault` s.

    ``restart``: a callable that restarts the upstream server (for :meth:`Fault.restart`); it runs in a worker
    thread while the proxy keeps serving (requests reaching the stopped server see closed connections).
    """

    def __init__(self, upstream: str | None, port: int = 0, *, restart: Callable[[], None] | None = None) -> None:
        self.upstream = upstream
        self._port = port
        self._restart = restart
        self.rules: list[Fault] = []
        self.log: list[Seen] = []
        self.errors: list[BaseException] = []  # failures of the restart callable, raised again by stop()
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="faultproxy", daemon=True)
        self._server: asyncio.AbstractServer | None = None
        self._client: httpx.AsyncClient | None = None
        self._conns: set[asyncio.Task[Any]] = set()
        # Set while the upstream restarts: requests arriving meanwhile wait, as a client retrying against a
        # restarting server would keep failing until it is back (never reaching the old process).
        self._restarting: asyncio.Event | None = None
        self.port: int | None = None

    # ------------------------------------------------------------------ control (any thread)
    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError("FaultProxy is not running: call start() or use it as a context manager")
        return f"http://127.0.0.1:{self.port}"

    def inject(self, *faults: Fault) -> list[Fault]:
        """Schedule faults (tried in order); returns them, so a test can check ``fault.applied`` afterwards."""
        for fault in faults:
            if fault.action == "restart" and self._restart is None:
                raise ValueError(
                    "Fault.restart needs a proxy that can restart its server: FaultProxy(upstream, restart=...); "
                    "the tinker_fault_proxy fixture wires it to tinker_server.restart"
                )
        with self._lock:
            self.rules.extend(faults)
        return list(faults)

    def add(self, action: Action, path: str = "", **kw: Any) -> Fault:
        """Schedule one fault by its fields (``Fault(action, path, **kw)``)."""
        return self.inject(Fault(action, path, **kw))[0]

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()

    def unfired(self) -> list[Fault]:
        """Faults with a count that have not acted as often as scheduled (a schedule that missed the run)."""
        with self._lock:
            return [f for f in self.rules if f.times is not None and f.applied < f.times]

    def requests(self, path: str = "", since: float | None = None, *, op: str | None = None) -> list[Seen]:
        with self._lock:
            return [
                s for s in self.log if path in s.path and (op is None or s.op == op) and (since is None or s.t >= since)
            ]

    def start(self) -> Self:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(30)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        if self.errors:
            raise RuntimeError(f"FaultProxy: restarting the server failed: {self.errors[0]!r}") from self.errors[0]

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ the proxy (its own loop)
    async def _start(self) -> None:
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(None, connect=2.0),
            limits=httpx.Limits(max_connections=4000, max_keepalive_connections=200),
        )
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self._port, backlog=1024)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        assert self._server is not None and self._client is not None
        self._server.close()
        for task in list(self._conns):
            task.cancel()
        await asyncio.gather(*self._conns, return_exceptions=True)
        await self._client.aclose()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._conns.add(task)
        try:
            while await self._one_request(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:  # stop(): end quietly (asyncio logs connection tasks ending cancelled)
            pass
        finally:
            self._conns.discard(task)
            writer.transport.abort()

    def _pick(self, method: str, path: str, op: str, body: bytes) -> Fault | None:
        with self._lock:
            for rule in self.rules:
                if rule.exhausted or not rule.matches(method, path, op, body):
                    continue
                rule.seen += 1
                if rule.seen <= rule.skip:
                    continue
                rule.applied += 1
                return rule
        return None

    def _record(self, seen: Seen) -> None:
        with self._lock:
            self.log.append(seen)

    async def _restart_upstream(self, writer: asyncio.StreamWriter) -> None:
        assert self._restart is not None
        restarting = self._restarting = asyncio.Event()
        writer.transport.abort()  # the client sees the server go away first
        try:
            await asyncio.to_thread(self._restart)
        except Exception as exc:  # noqa: BLE001 - reported by stop()
            self.errors.append(exc)
        finally:
            restarting.set()
            self._restarting = None

    async def _one_request(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Serve one request; False when the connection must be closed."""
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _version = lines[0].split(" ", 2)
        headers = [tuple(s.strip() for s in line.split(":", 1)) for line in lines[1:] if line]
        lower = {k.lower(): v for k, v in headers}
        if lower.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:  # chunked upload (trailers are not supported)
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                body += (await reader.readexactly(size + 2))[:-2]
                if size == 0:
                    break
        else:
            body = await reader.readexactly(int(lower.get("content-length", "0")))
        path = target.split("?", 1)[0]
        op = operation_of(method, path)
        if self._restarting is not None:
            await self._restarting.wait()
        rule = self._pick(method, path, op, body)
        seen = Seen(time.monotonic(), method, path, op, body, rule.action if rule else "forward", None)
        self._record(seen)
        if rule is not None and rule.action == "reset":
            return False
        if rule is not None and rule.action == "restart":
            await self._restart_upstream(writer)
            return False
        if rule is not None and rule.action == "status" and not rule.forward:
            seen.status = rule.status
            await self._reply(writer, rule.status, list(rule.headers.items()), rule.body)
            return True
        if rule is not None and rule.action == "delay":
            await asyncio.sleep(rule.delay)
        upstream = self.upstream
        if upstream is None:
            return False
        assert self._client is not None
        fwd = [(k, v) for k, v in headers if k.lower() not in _HOP]
        try:
            req = self._client.build_request(method, upstream + target, headers=fwd, content=body)
            resp = await self._client.send(req, stream=True)
        except httpx.HTTPError:
            return False  # dead upstream: the client sees its connection closed
        try:
            out_headers = [(k, v) for k, v in resp.headers.multi_items() if k.lower() not in _HOP]
            if rule is not None and rule.action == "status":  # forward=True: replace the server's reply
                seen.status = rule.status
                await self._reply(writer, rule.status, list(rule.headers.items()), rule.body)
                return True
            if "content-length" not in resp.headers:
                return await self._relay_stream(reader, writer, resp, out_headers, seen)
            data = b"".join([chunk async for chunk in resp.aiter_raw()])
        except httpx.HTTPError:
            return False
        finally:
            await resp.aclose()
        if rule is not None and rule.action == "drop":
            return False
        if rule is not None and rule.action == "truncate":
            writer.write(_head(resp.status_code, out_headers + [("content-length", str(len(data)))]))
            writer.write(data[: len(data) // 2])
            await writer.drain()
            return False
        seen.status = resp.status_code
        await self._reply(writer, resp.status_code, out_headers, data)
        return lower.get("connection", "").lower() != "close"

    async def _reply(
        self, writer: asyncio.StreamWriter, status: int, headers: list[tuple[str, str]], body: bytes
    ) -> None:
        writer.write(_head(status, headers + [("content-length", str(len(body)))]) + body)
        await writer.drain()

    async def _relay_stream(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        resp: httpx.Response,
        headers: list[tuple[str, str]],
        seen: Seen,
    ) -> bool:
        """Relay a body of unknown length with chunked encoding; stop when the client hangs up."""
        writer.write(_head(resp.status_code, headers + [("transfer-encoding", "chunked")]))
        await writer.drain()

        async def pump() -> None:
            async for chunk in resp.aiter_raw():
                if chunk:
                    writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    await writer.drain()
            writer.write(b"0\r\n\r\n")
            await writer.drain()

        pumping = asyncio.ensure_future(pump())
        hangup = asyncio.ensure_future(reader.read(1))  # HTTP/1.1 clients send nothing while reading a reply
        try:
            await asyncio.wait({pumping, hangup}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            hangup.cancel()
        if not pumping.done():  # the client went away: drop the upstream stream too
            pumping.cancel()
            await asyncio.gather(pumping, return_exceptions=True)
            return False
        pumping.result()
        seen.status = resp.status_code
        return False  # one stream per connection: never race the hang-up watcher for the next request


def _head(status: int, headers: list[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}"] + [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
