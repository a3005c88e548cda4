"""Record a run's HTTP exchanges into a cassette, and replay them without a server.

``TINKER_RECORD=path`` (or ``with record(path):``) records every request and response of the clients created
meanwhile, against any server; ``TINKER_REPLAY=path`` (or ``with replay(path):``) answers them from the file,
with no server and no network. The SDK reaches this module through one seam: ``tinker._transport`` wraps its
HTTP transport with :func:`cassette_transport` when the settings carry a cassette.

A cassette is JSON Lines: a header line, then one exchange per line, in the order the responses completed.
Bodies are kept whole (JSON as JSON when it round-trips byte for byte, text as text, anything else base64);
credentials never: secret headers and secret JSON fields are stored as ``<redacted>``.

Replay matches a request by operation, path, query and body (JSON compared by value, key order ignored);
headers never count (idempotency keys, retry counters and timings differ from run to run). Answers carry
the recorded server ids, so the requests that follow carry the ids the cassette expects. Traffic whose amount
depends on timing is absorbed: heartbeats and telemetry are answered whatever their body, "not yet" polls
(408, ``try_again``) and transient failures (429, 5xx) the recorded run retried are skipped, so a replayed
future resolves on its first poll, and a request sent more often than recorded gets its last answer again.
A request the cassette does not hold fails at once with :class:`CassetteMissError`.
"""

from __future__ import annotations

import base64
import contextlib
import os
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import orjson

from .._config import SECRET_HEADERS
from .._version import __version__
from ._operations import api_path, operation_of

__all__ = ["CassetteMissError", "cassette_transport", "record", "replay"]

FORMAT = "tinker-cassette/1"
REDACTED = "<redacted>"
_SECRET_HEADERS = SECRET_HEADERS | {"set-cookie", "proxy-authorization"}
# JSON fields that carry credentials (a weights access token in requests, a JWT from auth/token).
_SECRET_FIELDS = frozenset({"jwt", "weights_access_token", "api_key"})
# Framing that belongs to one connection, not to the exchange.
_FRAMING = frozenset({"content-length", "transfer-encoding", "connection", "keep-alive", "host"})
# Sent on timers: how many and with what body depends on timing, not on the code under test.
_AMBIENT = frozenset({"session_heartbeat", "send_telemetry"})
_POLL = "retrieve_future"


class CassetteMissError(LookupError):
    """Replay met a request its cassette does not hold (the code under test changed, or the recording is stale)."""


# ---------------------------------------------------------------------------------------------- bodies


def _redact(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: REDACTED if k in _SECRET_FIELDS and v is not None else _redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v) for v in value]
    return value


def _json(data: bytes) -> tuple[bool, Any]:
    try:
        return True, orjson.loads(data)
    except orjson.JSONDecodeError:
        return False, None


def encode_body(data: bytes, content_type: str) -> dict[str, Any] | None:
    """A body as stored: ``{"json": value}``, ``{"text": str}`` or ``{"base64": str}``; None when empty."""
    if not data:
        return None
    is_json, value = _json(data) if "json" in content_type else (False, None)
    if is_json:
        redacted = _redact(value)
        if redacted != value or orjson.dumps(value) == data:
            return {"json": redacted}
    if content_type.startswith("text/") or is_json:
        with contextlib.suppress(UnicodeDecodeError):
            return {"text": data.decode("utf-8")}
    return {"base64": base64.b64encode(data).decode("ascii")}


def decode_body(stored: Mapping[str, Any] | None) -> bytes:
    if not stored:
        return b""
    if "json" in stored:
        return orjson.dumps(stored["json"])
    if "text" in stored:
        return str(stored["text"]).encode("utf-8")
    return base64.b64decode(stored["base64"])


def _body_key(data: bytes) -> bytes:
    """What replay compares: JSON by value (sorted keys, secrets redacted as in the file), else the bytes."""
    is_json, value = _json(data) if data[:1] in (b"{", b"[") else (False, None)
    return orjson.dumps(_redact(value), option=orjson.OPT_SORT_KEYS) if is_json else data


def _headers(headers: httpx.Headers, *, drop: frozenset[str] = _FRAMING) -> dict[str, str]:
    return {
        k: REDACTED if k in _SECRET_HEADERS else v
        for k, v in ((k.lower(), v) for k, v in headers.items())
        if k not in drop
    }


# ---------------------------------------------------------------------------------------------- exchanges


@dataclass(frozen=True)
class Exchange:
    op: str
    method: str
    path: str
    query: str
    request_body: bytes
    status: int
    response_headers: dict[str, str]
    response_body: bytes

    @property
    def params(self) -> tuple[tuple[str, str], ...]:
        return tuple(sorted(parse_qsl(self.query, keep_blank_values=True)))

    @property
    def key(self) -> tuple[str, str, str, tuple[tuple[str, str], ...], bytes]:
        return (self.op, self.method, api_path(self.path), self.params, _body_key(self.request_body))

    @property
    def transient(self) -> bool:
        """An answer the recorded run waited out or retried: skipped on replay when a later one exists."""
        if self.status in (408, 429) or self.status >= 500:
            return True
        if self.op != _POLL or not self.response_body.startswith(b"{"):
            return False
        is_json, value = _json(self.response_body)
        return is_json and isinstance(value, dict) and value.get("type") == "try_again"

    def to_line(self, request_headers: httpx.Headers) -> bytes:
        request_type = request_headers.get("content-type", "")
        response_type = self.response_headers.get("content-type", "")
        record = {
            "op": self.op,
            "request": {
                "method": self.method,
                "path": self.path,
                "query": self.query,
                "headers": _headers(request_headers),
                "body": encode_body(self.request_body, request_type),
            },
            "response": {
                "status": self.status,
                "headers": self.response_headers,
                "body": encode_body(self.response_body, response_type),
            },
        }
        return orjson.dumps(record) + b"\n"

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Exchange:
        req, resp = record["request"], record["response"]
        return cls(
            op=record["op"],
            method=req["method"],
            path=req["path"],
            query=req.get("query", ""),
            request_body=decode_body(req.get("body")),
            status=int(resp["status"]),
            response_headers=dict(resp.get("headers", {})),
            response_body=decode_body(resp.get("body")),
        )


# ---------------------------------------------------------------------------------------------- recording


class Recorder:
    """Appends exchanges to one cassette file (truncated when recording starts); safe from any thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.closed = False
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(orjson.dumps({"format": FORMAT, "sdk_version": __version__}) + b"\n")

    def close(self) -> None:
        with self._lock:
            self.closed = True

    def write(self, exchange: Exchange, request_headers: httpx.Headers) -> None:
        line = exchange.to_line(request_headers)
        with self._lock:
            if self.closed:  # a client created inside record() and still used after it: not part of the run
                return
            with self.path.open("ab") as f:  # one open per exchange: a crash mid-run keeps what came before
                f.write(line)


class _Tee(httpx.AsyncByteStream):
    """Passes a response body through unchanged (streams stay streams) and hands what was read on close.

    A reader that stops early (a stream it leaves, a cancelled call) ends with GeneratorExit or CancelledError,
    which are not failures: what it read is the answer its run saw."""

    def __init__(self, inner: httpx.AsyncByteStream, done: Callable[[bytes], None]) -> None:
        self._inner = inner
        self._done = done
        self._chunks: list[bytes] = []
        self._failed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._inner:
                self._chunks.append(chunk)
                yield chunk
        except Exception:  # a broken exchange (lost connection, cut body) is not an answer to replay
            self._failed = True
            raise

    async def aclose(self) -> None:
        await self._inner.aclose()
        if not self._failed:
            self._done(b"".join(self._chunks))


class RecordingTransport(httpx.AsyncBaseTransport):
    def __init__(self, recorder: Recorder, inner: httpx.AsyncBaseTransport) -> None:
        self._recorder = recorder
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        response = await self._inner.handle_async_request(request)
        assert isinstance(response.stream, httpx.AsyncByteStream)

        def done(raw: bytes) -> None:
            content, headers = _decoded(raw, response.headers)
            exchange = Exchange(
                op=operation_of(request.method, request.url.path),
                method=request.method,
                path=request.url.path,
                query=request.url.query.decode("ascii"),
                request_body=body,
                status=response.status_code,
                response_headers=headers,
                response_body=content,
            )
            self._recorder.write(exchange, request.headers)

        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_Tee(response.stream, done),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._inner.aclose()


def _decoded(raw: bytes, headers: httpx.Headers) -> tuple[bytes, dict[str, str]]:
    """The body as the SDK reads it (gzip/zstd undone, so the cassette is readable) and its headers to keep."""
    encoding = headers.get("content-encoding", "identity").lower()
    if encoding != "identity":
        with contextlib.suppress(httpx.DecodingError):
            body = httpx.Response(200, headers={"content-encoding": encoding}, content=raw).read()
            return body, _headers(headers, drop=_FRAMING | {"content-encoding"})
    return raw, _headers(headers)


# ---------------------------------------------------------------------------------------------- replay


class Replayer:
    """The answers of one cassette, shared by every client replaying it in this process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        exchanges = _load(path)
        self._queues: dict[Any, list[Exchange]] = {}
        self._by_op: dict[str, list[Exchange]] = {}
        for ex in exchanges:
            self._queues.setdefault(ex.key, []).append(ex)
            self._by_op.setdefault(ex.op, []).append(ex)
        for key, queue in self._queues.items():
            kept = [ex for ex in queue if not ex.transient]
            self._queues[key] = kept or queue  # only failures recorded: they were the outcome
        self._next: dict[Any, int] = {}
        self._lock = threading.Lock()

    def answer(self, method: str, path: str, query: str, body: bytes) -> Exchange:
        op = operation_of(method, path)
        if op in _AMBIENT:
            answered = [ex for ex in self._by_op.get(op, []) if ex.status < 400]
            return answered[-1] if answered else _synthetic(op, method, path)
        probe = Exchange(op, method, path, query, body, 0, {}, b"")
        key = probe.key
        with self._lock:
            queue = self._queues.get(key)
            if queue is None:
                raise CassetteMissError(self._miss_message(probe))
            i = self._next.get(key, 0)
            self._next[key] = i + 1
            return queue[min(i, len(queue) - 1)]

    def _miss_message(self, probe: Exchange) -> str:
        sent = f"{probe.op} ({probe.method} {api_path(probe.path)}{'?' + probe.query if probe.query else ''})"
        head = f"cassette {self.path} holds no answer for {sent}"
        recorded = self._by_op.get(probe.op, [])
        if not recorded:
            held = ", ".join(f"{op} x{len(xs)}" for op, xs in sorted(self._by_op.items())) or "nothing"
            detail = f"it holds no {probe.op} request at all; it holds: {held}"
        else:
            diff = min((_difference(ex, probe) for ex in recorded), key=len)
            detail = f"it holds {len(recorded)} {probe.op} request(s); the closest differs: {'; '.join(diff[:5])}"
        return (
            f"{head}: {detail}. The code under test sent a request the recorded run did not: re-record with "
            f"TINKER_RECORD={self.path} (or tinker.testing.record) after changing what it replays"
        )


def _synthetic(op: str, method: str, path: str) -> Exchange:
    """A heartbeat or telemetry post the recorded run never sent (it was shorter): any success will do."""
    return Exchange(op, method, path, "", b"", 200, {"content-type": "application/json"}, b"{}")


def _leaves(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict) and value:
        return {
            k: v for key, item in value.items() for k, v in _leaves(item, f"{prefix}.{key}" if prefix else key).items()
        }
    if isinstance(value, list) and value:
        return {k: v for i, item in enumerate(value) for k, v in _leaves(item, f"{prefix}[{i}]").items()}
    return {prefix or "(body)": value}


def _difference(recorded: Exchange, sent: Exchange) -> list[str]:
    """What tells ``sent`` apart from ``recorded``, field by field for JSON bodies."""
    out: list[str] = []
    if api_path(recorded.path) != api_path(sent.path):
        out.append(f"path: recorded {api_path(recorded.path)}, sent {api_path(sent.path)}")
    if recorded.params != sent.params:
        out.append(f"query: recorded {recorded.query!r}, sent {sent.query!r}")
    (rj, rv), (sj, sv) = _json(recorded.request_body), _json(sent.request_body)
    if rj and sj:
        a, b = _leaves(_redact(rv)), _leaves(_redact(sv))
        out += [
            f"{k}: recorded {a.get(k, '(absent)')!r}, sent {b.get(k, '(absent)')!r}"
            for k in sorted(a.keys() | b.keys())
            if a.get(k, ...) != b.get(k, ...)
        ]
    elif recorded.request_body != sent.request_body:
        r, s = recorded.request_body, sent.request_body
        at = next((i for i, (x, y) in enumerate(zip(r, s, strict=False)) if x != y), min(len(r), len(s)))
        out.append(f"body: {len(s)} bytes sent, {len(r)} recorded, first difference at byte {at}")
    return out


def _load(path: Path) -> list[Exchange]:
    try:
        lines = path.read_bytes().splitlines()
    except FileNotFoundError:
        raise FileNotFoundError(
            f"TINKER_REPLAY={path}: no cassette there; record one first with TINKER_RECORD={path}"
        ) from None
    header = _json(lines[0])[1] if lines else None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValueError(f"{path}: not a Tinker cassette (its first line must be the header {{'format': {FORMAT!r}}})")
    exchanges = []
    for n, line in enumerate(lines[1:], start=2):
        try:
            exchanges.append(Exchange.from_record(orjson.loads(line)))
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}, line {n}: not a cassette exchange ({type(exc).__name__}: {exc})") from None
    return exchanges


class ReplayTransport(httpx.AsyncBaseTransport):
    def __init__(self, replayer: Replayer) -> None:
        self._replayer = replayer

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        ex = self._replayer.answer(request.method, request.url.path, request.url.query.decode("ascii"), body)
        return httpx.Response(ex.status, headers=ex.response_headers, content=ex.response_body, request=request)


# ---------------------------------------------------------------------------------------------- the seam


_open: dict[tuple[str, Path], Recorder | Replayer] = {}
_open_lock = threading.Lock()


def cassette_transport(mode: str, path: str, inner: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
    """The transport of a client created while ``TINKER_RECORD``/``TINKER_REPLAY`` is set. Every client of
    the process shares one recorder (one file) or one replayer (one set of answers) per cassette."""
    key = (mode, Path(path).resolve())
    with _open_lock:
        cassette = _open.get(key)
        if cassette is None:
            cassette = _open[key] = Replayer(key[1]) if mode == "replay" else Recorder(key[1])
    if isinstance(cassette, Replayer):
        return ReplayTransport(cassette)
    return RecordingTransport(cassette, inner)


@contextlib.contextmanager
def _cassette_env(mode: str, path: str | os.PathLike[str]) -> Iterator[Path]:
    var, other = ("TINKER_RECORD", "TINKER_REPLAY") if mode == "record" else ("TINKER_REPLAY", "TINKER_RECORD")
    resolved = Path(path).resolve()
    saved = {v: os.environ.get(v) for v in (var, other)}
    os.environ[var] = str(resolved)
    os.environ.pop(other, None)
    try:
        yield resolved
    finally:
        for v, value in saved.items():
            if value is None:
                os.environ.pop(v, None)
            else:
                os.environ[v] = value
        with _open_lock:
            cassette = _open.pop((mode, resolved), None)
        if isinstance(cassette, Recorder):
            cassette.close()


def record(path: str | os.PathLike[str]) -> contextlib.AbstractContextManager[Path]:
    """Record every exchange of the ServiceClients created inside the block into the cassette ``path``
    (as ``TINKER_RECORD=path`` does for a whole process). Leaving the block ends the recording."""
    return _cassette_env("record", path)


def replay(path: str | os.PathLike[str]) -> contextlib.AbstractContextManager[Path]:
    """Answer the ServiceClients created inside the block from the cassette ``path``, with no server and no
    network (as ``TINKER_REPLAY=path`` does for a whole process)."""
    return _cassette_env("replay", path)
