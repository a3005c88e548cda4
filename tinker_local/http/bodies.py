"""Request and response bodies: JSON or protobuf by Content-Type and Accept, decoded once and checked
against the contract."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.responses import Response

import tinker_wire as wire

from .._errors import ApiError
from .contract import Operation

__all__ = ["PROTOBUF_DECODERS", "accepts_protobuf", "decode_body", "json_response"]

#: operationId -> the wire codec's decoder of its protobuf request body (the contract lists which operations
#: take ``application/x-protobuf``; app assembly checks that each of them has a decoder here)
PROTOBUF_DECODERS: dict[str, tuple[str, Callable[[bytes], Any]]] = {
    "forward_backward": ("ForwardBackwardRequest", wire.decode_forward_backward_request),
}


def json_response(obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(wire.dumps(obj), status_code=status, media_type=wire.JSON, headers=headers)


def accepts_protobuf(accept: str | None) -> bool:
    """Whether an Accept header lists protobuf with a non-zero quality."""
    if not accept:
        return False
    for item in accept.split(","):
        parts = item.split(";")
        if parts[0].strip().lower() != wire.PROTOBUF:
            continue
        q = 1.0
        for p in parts[1:]:
            k, _, v = p.strip().partition("=")
            if k == "q":
                try:
                    q = float(v)
                except ValueError:
                    q = 0.0
        if q > 0:
            return True
    return False


def _media_type(header: str | None) -> str:
    return (header or "").split(";", 1)[0].strip().lower()


def decode_body(op: Operation, raw: bytes, content_type: str | None, decoded: list[Any]) -> Any:
    """The request body as the handler gets it: a protobuf request from the wire codec, or the JSON document
    (long number arrays decoded straight into numpy) validated against the operation's schema.

    ``decoded`` receives the document before it is validated, so a refused ordered request can still
    release its ``seq_id``.
    """
    ctype = _media_type(content_type)
    if wire.PROTOBUF in op.body_media_types and ctype == wire.PROTOBUF:
        message, decode = PROTOBUF_DECODERS[op.operation_id]
        try:
            req = decode(raw)
        except wire.WireError as e:
            raise ApiError(400, f"body: invalid protobuf {message}: {e}") from None
        decoded.append(req)
        return req
    if len(op.body_media_types) > 1 and ctype and ctype != wire.JSON and not ctype.endswith("+json"):
        kinds = " or ".join(sorted(op.body_media_types))
        raise ApiError(415, f"Content-Type {ctype!r} is not supported: send {kinds}")
    if not raw.strip():
        if op.body_required:
            raise ApiError(422, "body: a JSON request body is required")
        return None
    try:
        # ~1-2x the JSON size in memory instead of ~6-17x as Python objects; the schema check runs on a small
        # skeleton of the same verdict
        lean = wire.loads_lean(raw)
    except wire.WireError as e:
        raise ApiError(422, f"body: {e}") from None
    decoded.append(lean.doc)
    op.validate_body(lean.skeleton if lean.arrays else lean.doc)
    return lean.doc
