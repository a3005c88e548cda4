"""Debug mode (``TINKER_LOG=debug``, or DEBUG on the ``tinker.transport`` logger): one record per HTTP attempt.

Each record names the method, path, operation, attempt number, idempotency key, sizes, status, timing and the
connection pool's state, followed by both bodies, truncated and redacted: JSON credential fields and signed
URLs become ``<redacted>``, number arrays (token ids, tensors) become ``<N numbers>``, binary bodies
(protobuf, zstd) are only sized. Headers are never logged (the idempotency key is the one header shown).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from tinker_wire._lazy import deferred_import

if TYPE_CHECKING:
    import httpx
    import orjson

    from ._instrument import Attempt
else:
    httpx = deferred_import("httpx", globals())
    orjson = deferred_import("orjson", globals())

__all__ = ["log_attempt", "summarize_body"]

BODY_LIMIT = 600
_STRING_LIMIT = 200
_SECRET_KEYS = frozenset({"api_key", "jwt", "token", "access_token", "password", "secret", "authorization"})


def _secret(key: str) -> bool:
    k = key.lower()
    return k in _SECRET_KEYS or k.endswith(("_token", "_secret", "_key")) or "url" in k


def _redact(value: Any, depth: int = 0) -> Any:
    if depth > 8:
        return "<...>"
    if isinstance(value, dict):
        return {k: "<redacted>" if _secret(str(k)) else _redact(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        if value and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            return f"<{len(value)} numbers>"
        return [_redact(v, depth + 1) for v in value[:20]] + ([f"<{len(value) - 20} more>"] if len(value) > 20 else [])
    if isinstance(value, str) and len(value) > _STRING_LIMIT:
        return value[:_STRING_LIMIT] + "..."
    return value


def summarize_body(content: bytes, content_type: str | None, limit: int = BODY_LIMIT) -> str:
    """A body as it may be logged: redacted JSON, truncated to ``limit`` characters, or just its size."""
    if not content:
        return "(empty)"
    ctype = (content_type or "").split(";")[0].strip() or "unknown"
    if "json" not in ctype:
        return f"<{ctype}, {len(content)} bytes>"
    try:
        text = orjson.dumps(_redact(orjson.loads(content))).decode()
    except orjson.JSONDecodeError:
        return f"<{ctype} (not JSON), {len(content)} bytes>"
    return text if len(text) <= limit else f"{text[:limit]}... ({len(content)} bytes)"


def log_attempt(logger: logging.Logger, attempt: Attempt, request: httpx.Request, transport: Any) -> None:
    """One line per attempt. ``in_flight``: the client's other requests on the wire as this one ended (the
    connection pool itself lives in the network backend)."""
    outcome = str(attempt.status) if attempt.status is not None else (attempt.error or "?")
    logger.debug(
        "%s %s op=%s attempt=%d idempotency_key=%s sent=%dB -> %s received=%dB in %.1f ms in_flight=%s",
        attempt.method,
        attempt.path,
        attempt.op,
        attempt.number,
        attempt.idempotency_key or "-",
        attempt.sent,
        outcome,
        attempt.received,
        attempt.seconds * 1e3,
        getattr(transport, "in_flight", "?"),
    )
    try:
        sent = request.content
    except httpx.RequestNotRead:
        sent = b""
    logger.debug("  request body: %s", summarize_body(sent, request.headers.get("content-type")))
    response = attempt.response
    if response is None:
        return
    try:
        received = response.content
    except httpx.ResponseNotRead:  # a streamed answer (server-sent events): the caller reads it
        return
    logger.debug("  response body: %s", summarize_body(received, response.headers.get("content-type")))
