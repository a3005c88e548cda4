"""Just enough of the "TensorContainer" header to know a serialized tensor's shape.

Layout as far as the client needs it: an optional marker byte ``254`` (a constant tensor), one dtype byte
in ``0..7``, a LEB128 varint ``ndim``, then ``ndim`` LEB128 varints giving the shape. The payload after
the header is opaque to the client.
"""

from __future__ import annotations

__all__ = ["CONSTANT_MARKER", "parse_tensor_container_shape"]

CONSTANT_MARKER = 254
_MAX_DTYPE = 7
_MAX_NDIM = 64


def _read_varint(buf: bytes, pos: int) -> tuple[int, int]:
    value = 0
    shift = 0
    while True:
        if pos >= len(buf):
            raise ValueError("TensorContainer header is truncated inside a varint")
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
        if shift > 63:
            raise ValueError("TensorContainer header has a varint longer than 64 bits")


def parse_tensor_container_shape(buf: bytes) -> tuple[int, ...]:
    """Return the shape recorded in a serialized TensorContainer's header.

    Raises ``ValueError`` for an empty or malformed header.
    """
    if not buf:
        raise ValueError("TensorContainer bytes are empty")
    pos = 1 if buf[0] == CONSTANT_MARKER else 0
    if pos >= len(buf):
        raise ValueError("TensorContainer header is truncated before the dtype byte")
    if buf[pos] > _MAX_DTYPE:
        raise ValueError(f"TensorContainer header has an unknown dtype code {buf[pos]}")
    pos += 1
    ndim, pos = _read_varint(buf, pos)
    if ndim > _MAX_NDIM:
        raise ValueError(f"TensorContainer header claims {ndim} dimensions")
    dims = []
    for _ in range(ndim):
        dim, pos = _read_varint(buf, pos)
        dims.append(dim)
    return tuple(dims)
