"""Minimal protobuf wire primitives: varints, keys, a field iterator and packed numpy buffers.

Encoders append byte-like parts (``bytes`` or contiguous little-endian numpy arrays) to a list that is
joined once at the end, so large buffers are copied exactly once. Decoders walk ``bytes`` with integer
offsets and read packed arrays with :func:`numpy.frombuffer`.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from ._errors import WireError

VARINT = 0
I64 = 1
LEN = 2
I32 = 5

WIRE_TYPE_NAMES = {
    0: "varint",
    1: "fixed64",
    2: "length-delimited",
    3: "start-group",
    4: "end-group",
    5: "fixed32",
}

_U64 = (1 << 64) - 1
_SMALL = [bytes((i,)) if i < 0x80 else bytes(((i & 0x7F) | 0x80, i >> 7)) for i in range(1 << 14)]

_pack_double = struct.Struct("<d").pack
_unpack_double = struct.Struct("<d").unpack_from

INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1
UINT32_MAX = (1 << 32) - 1
INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1

Parts = list[Any]


def varint(n: int) -> bytes:
    """Encode an integer as a base-128 varint (negative values as 64-bit two's complement)."""
    if 0 <= n < 16384:
        return _SMALL[n]
    if n < 0:
        n &= _U64
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def key(field: int, wire_type: int) -> bytes:
    """The tag bytes of a field."""
    return varint((field << 3) | wire_type)


def double(value: float) -> bytes:
    return _pack_double(value)


def read_double(buf: bytes, pos: int) -> float:
    return float(_unpack_double(buf, pos)[0])


def to_int64(v: int) -> int:
    """Reinterpret a decoded varint as a signed 64-bit integer."""
    v &= _U64
    return v - (1 << 64) if v >> 63 else v


def to_int32(v: int) -> int:
    """Truncate a decoded varint to a signed 32-bit integer (as protobuf parsers do)."""
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v >> 31 else v


def to_uint32(v: int) -> int:
    return v & 0xFFFFFFFF


class Truncated(Exception):
    """Internal: raised by the primitives without context; decoders turn it into a WireError."""


def read_varint(buf: bytes, pos: int, end: int) -> tuple[int, int]:
    """Read a varint at ``pos``; return ``(value, new_pos)``. Raises :class:`Truncated`."""
    result = 0
    shift = 0
    while True:
        if pos >= end:
            raise Truncated("input ends inside a varint (truncated message)")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7
        if shift >= 70:
            raise Truncated("varint is longer than 10 bytes (corrupt input)")


def read_len(buf: bytes, pos: int, end: int) -> tuple[int, int]:
    """Read a length prefix at ``pos``; return the payload bounds ``(start, stop)``."""
    if pos + 1 < end:
        n = buf[pos]
        if n < 0x80:
            stop = pos + 1 + n
        else:
            n2 = buf[pos + 1]
            if n2 >= 0x80:
                n, pos = read_varint(buf, pos, end)
                stop = pos + n
                if stop > end:
                    raise Truncated(f"declares {n} bytes but only {end - pos} remain (truncated input)")
                return pos, stop
            n = (n & 0x7F) | (n2 << 7)
            pos += 1
            stop = pos + 1 + n
        if stop <= end:
            return pos + 1, stop
        raise Truncated(f"declares {n} bytes but only {end - pos - 1} remain (truncated input)")
    n, pos = read_varint(buf, pos, end)
    stop = pos + n
    if stop > end:
        raise Truncated(f"declares {n} bytes but only {end - pos} remain (truncated input)")
    return pos, stop


class BadWireType(Exception):
    """Internal: a known field arrived with the wrong wire type."""

    def __init__(self, wire_type: int) -> None:
        super().__init__(wire_type)
        self.wire_type = wire_type


def skip_field(buf: bytes, pos: int, end: int, tag: int, spec: MessageSpec) -> int:
    """Skip the value of a field whose tag was not handled; return the new position.

    A known field number (listed in ``spec``) with an unexpected wire type raises :class:`BadWireType`;
    unknown fields of any valid wire type are skipped (forward compatibility).
    """
    fnum = tag >> 3
    wt = tag & 7
    if fnum == 0:
        raise Truncated("invalid field number 0 (corrupt input)")
    if fnum in spec.fields:
        raise BadWireType(wt)
    if wt == VARINT:
        return read_varint(buf, pos, end)[1]
    if wt == LEN:
        return read_len(buf, pos, end)[1]
    if wt == I64:
        if pos + 8 > end:
            raise Truncated("fixed64 value is truncated")
        return pos + 8
    if wt == I32:
        if pos + 4 > end:
            raise Truncated("fixed32 value is truncated")
        return pos + 4
    raise Truncated(f"unsupported wire type {wt} ({WIRE_TYPE_NAMES.get(wt, 'invalid')}); the input is corrupt")


def context_error(path: str, spec: MessageSpec, tag: int, exc: Exception) -> WireError:
    """Turn an internal :class:`Truncated`/:class:`BadWireType` into a :class:`WireError` with context."""
    fnum = tag >> 3
    if isinstance(exc, BadWireType):
        expected = spec.wire_types.get(fnum)
        exp = WIRE_TYPE_NAMES.get(expected, "another type") if expected is not None else "another type"
        return WireError(
            f"{_fpath(path, spec, fnum)}: wrong wire type {WIRE_TYPE_NAMES.get(exc.wire_type, exc.wire_type)}"
            f" (expected {exp})"
        )
    if fnum == 0:
        return WireError(f"{path} ({spec.name}): {exc}")
    return WireError(f"{_fpath(path, spec, fnum)}: {exc}")


class MessageSpec:
    """Name, field names and expected wire types of a message, for skipping and error messages."""

    __slots__ = ("fields", "name", "wire_types")

    def __init__(self, name: str, fields: Mapping[int, tuple[str, int]]) -> None:
        self.name = name
        self.fields = {n: f[0] for n, f in fields.items()}
        self.wire_types = {n: f[1] for n, f in fields.items()}

    def field_name(self, number: int) -> str:
        return self.fields.get(number, f"<unknown field {number}>")


def iter_fields(buf: bytes, pos: int, end: int, path: str, spec: MessageSpec) -> Iterator[tuple[int, int, int, int]]:
    """Yield ``(field_number, wire_type, a, b)`` for each field of a message in ``buf[pos:end]``.

    For varints ``a`` is the value; for the other wire types ``buf[a:b]`` is the payload. Truncated
    input and invalid wire types raise :class:`WireError` naming the message and field. Used for the
    small, rarely repeated messages; hot messages have hand-unrolled loops.
    """
    tag = 0
    try:
        while pos < end:
            tag = 0
            b0 = buf[pos]
            if b0 < 0x80:
                tag = b0
                pos += 1
            else:
                tag, pos = read_varint(buf, pos, end)
            wt = tag & 7
            if tag < 8:
                raise Truncated("invalid field number 0 (corrupt input)")
            if wt == VARINT:
                v, pos = read_varint(buf, pos, end)
                yield tag >> 3, VARINT, v, 0
            elif wt == LEN:
                a, pos = read_len(buf, pos, end)
                yield tag >> 3, LEN, a, pos
            elif wt == I64:
                if pos + 8 > end:
                    raise Truncated("fixed64 value is truncated")
                yield tag >> 3, I64, pos, pos + 8
                pos += 8
            elif wt == I32:
                if pos + 4 > end:
                    raise Truncated("fixed32 value is truncated")
                yield tag >> 3, I32, pos, pos + 4
                pos += 4
            else:
                raise Truncated(
                    f"unsupported wire type {wt} ({WIRE_TYPE_NAMES.get(wt, 'invalid')}); the input is corrupt"
                )
    except Truncated as e:
        raise context_error(path, spec, tag, e) from None


def _fpath(path: str, spec: MessageSpec, fnum: int) -> str:
    return f"{path}.{spec.field_name(fnum)} ({spec.name} field {fnum})"


def bad_wire_type(path: str, spec: MessageSpec, fnum: int, got: int, expected: int) -> WireError:
    """The error for a known field that arrives with the wrong wire type."""
    return WireError(
        f"{_fpath(path, spec, fnum)}: wrong wire type {WIRE_TYPE_NAMES.get(got, got)}, "
        f"expected {WIRE_TYPE_NAMES[expected]}"
    )


def read_string(buf: bytes, a: int, b: int, where: str) -> str:
    try:
        return buf[a:b].decode("utf-8")
    except UnicodeDecodeError as e:
        raise WireError(f"{where}: string is not valid UTF-8 ({e})") from None


def read_packed_varints(buf: bytes, a: int, b: int, path: str, field: str) -> list[int]:
    """Decode a packed run of varints in ``buf[a:b]`` as signed int64 values."""
    out: list[int] = []
    pos = a
    try:
        while pos < b:
            v = buf[pos]
            if v < 0x80:
                pos += 1
            else:
                v, pos = read_varint(buf, pos, b)
            out.append(to_int64(v))
    except Truncated as e:
        raise WireError(f"{path}.{field}: packed element: {e}") from None
    return out


def packed_view(buf: bytes, a: int, b: int, dtype: np.dtype[Any], path: str, field: str) -> np.ndarray:
    """Read-only numpy view of ``buf[a:b]`` as ``dtype``; the size must be a whole number of items."""
    size = b - a
    n, rem = divmod(size, dtype.itemsize)
    if rem:
        raise WireError(
            f"{path}.{field}: {size} bytes is not a whole number of {dtype.itemsize}-byte elements ({dtype.name})"
        )
    if n == 0:
        return np.zeros(0, dtype=dtype)
    return np.frombuffer(buf, dtype=dtype, count=n, offset=a)


# --- encoding -----------------------------------------------------------------------------------------


def put_string(parts: Parts, k: bytes, s: str, where: str, *, always: bool = False) -> int:
    """Append a string field (skipped when empty unless ``always``); return bytes appended."""
    if not s and not always:
        return 0
    if not isinstance(s, str):
        raise WireError(f"{where}: expected a string, got {type(s).__name__}")
    try:
        raw = s.encode("utf-8")
    except UnicodeEncodeError as e:
        raise WireError(f"{where}: cannot encode string as UTF-8 ({e})") from None
    hdr = k + varint(len(raw))
    parts.append(hdr)
    parts.append(raw)
    return len(hdr) + len(raw)


def put_bytes(parts: Parts, k: bytes, data: Any, nbytes: int, *, always: bool = False) -> int:
    """Append a bytes field whose payload is any contiguous buffer of ``nbytes`` bytes."""
    if not nbytes and not always:
        return 0
    hdr = k + varint(nbytes)
    parts.append(hdr)
    if nbytes:
        parts.append(data)
    return len(hdr) + nbytes


def put_varint(parts: Parts, k: bytes, v: int, *, always: bool = False) -> int:
    if not v and not always:
        return 0
    raw = k + varint(v)
    parts.append(raw)
    return len(raw)


def put_message(parts: Parts, k: bytes, encode: Callable[..., int], *args: Any) -> int:
    """Append a length-delimited sub-message produced by ``encode(*args, parts) -> size``."""
    i = len(parts)
    parts.append(b"")
    n = encode(*args, parts)
    hdr = k + varint(n)
    parts[i] = hdr
    return len(hdr) + n


def put_packed_varints(parts: Parts, k: bytes, values: Any) -> int:
    """Append a packed repeated int64 field (skipped when empty)."""
    if not len(values):
        return 0
    payload = b"".join(varint(int(v)) for v in values)
    hdr = k + varint(len(payload))
    parts.append(hdr)
    parts.append(payload)
    return len(hdr) + len(payload)


def check_int(v: Any, lo: int, hi: int, where: str) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
        raise WireError(f"{where}: expected an integer, got {type(v).__name__}")
    iv = int(v)
    if not lo <= iv <= hi:
        raise WireError(f"{where}: value {iv} is out of range [{lo}, {hi}]")
    return iv
