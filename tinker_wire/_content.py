"""Content types and encodings used on the Tinker HTTP wire."""

from __future__ import annotations

__all__ = ["JSON", "PROTOBUF", "ZSTD", "is_json", "is_protobuf", "media_type"]

#: Media type of protobuf bodies (fwd/bwd request, fwd/bwd and sample results).
PROTOBUF = "application/x-protobuf"
#: Media type of every other body.
JSON = "application/json"
#: ``Content-Encoding`` value of a zstd-compressed request body.
ZSTD = "zstd"


def media_type(header: str | None) -> str:
    """Return the bare, lower-cased media type of a ``Content-Type``/``Accept`` item.

    ``"Application/X-Protobuf; charset=binary"`` gives ``"application/x-protobuf"``; ``None`` gives ``""``.
    """
    if not header:
        return ""
    return header.split(";", 1)[0].strip().lower()


def is_protobuf(header: str | None) -> bool:
    """True when a ``Content-Type`` header denotes a protobuf body."""
    return media_type(header) == PROTOBUF


def is_json(header: str | None) -> bool:
    """True when a ``Content-Type`` header denotes a JSON body (``application/json`` or ``*+json``)."""
    mt = media_type(header)
    return mt == JSON or (mt.startswith("application/") and mt.endswith("+json"))
