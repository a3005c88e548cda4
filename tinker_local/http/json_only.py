"""``--wire json``: the local server imitating the Tinker-compatible servers that read only JSON.

Such servers (FastAPI apps) have no ``/api/v1/client/config``, crash with a bare 500 on a protobuf body, answer
validation errors with FastAPI's list-shaped ``detail`` and send timestamps without a timezone. This ASGI
middleware gives the local server exactly those habits, so the SDK's fallbacks are tested against them.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

import tinker_wire as wire

__all__ = ["JsonOnly"]

_NO_CONFIG = {"/api/v1/client/config", "/api/v1/client/dynamic_config"}
#: An ISO-8601 timestamp with its timezone (Z or +hh:mm) as the local server writes them.
_AWARE = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)(?:Z|[+-]\d\d:\d\d)$")

Scope = dict[str, Any]


def _naive(value: Any) -> Any:
    if isinstance(value, str):
        m = _AWARE.match(value)
        return m.group(1) if m else value
    if isinstance(value, list):
        return [_naive(v) for v in value]
    if isinstance(value, dict):
        return {k: _naive(v) for k, v in value.items()}
    return value


def _fastapi(body: Any, status: int) -> Any:
    """Timestamps without a timezone; a 422's detail as FastAPI's list of errors."""
    body = _naive(body)
    if status == 422 and isinstance(body, dict) and isinstance(body.get("detail"), str):
        where, _, msg = body["detail"].partition(": ")
        loc = where.split(".") if msg else ["body"]
        body = {"detail": [{"type": "value_error", "loc": loc, "msg": msg or where, "input": None}]}
    return body


class JsonOnly:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if scope["path"] in _NO_CONFIG:
            await _plain(send, 404, b'{"detail":"Not Found"}', b"application/json")
            return
        if wire.PROTOBUF.encode() in headers.get(b"content-type", b""):
            await _plain(send, 500, b"Internal Server Error", b"text/plain; charset=utf-8")
            return
        # They never answer protobuf, whatever Accept says.
        scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k != b"accept"]}
        start: dict[str, Any] = {}
        parts: list[bytes] = []

        async def rewrite(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                if b"json" not in dict(message.get("headers", [])).get(b"content-type", b""):
                    start["passthrough"] = True
                    await send(message)
                return
            if start.get("passthrough"):
                await send(message)
                return
            parts.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = orjson.dumps(_fastapi(orjson.loads(b"".join(parts) or b"null"), start["status"]))
            out = [(k, v) for k, v in start.get("headers", []) if k != b"content-length"]
            out.append((b"content-length", str(len(body)).encode()))
            await send({"type": "http.response.start", "status": start["status"], "headers": out})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, rewrite)


async def _plain(send: Any, status: int, body: bytes, ctype: bytes) -> None:
    headers = [(b"content-type", ctype), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
