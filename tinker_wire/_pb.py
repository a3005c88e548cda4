"""Protobuf wire primitives shared by the message codecs (``_pb_*`` modules): varints, keys, a field
iterator, packed numpy buffers and the small helpers every message uses.

Message layouts and field numbers follow ``openapi/tinker.proto`` (package ``tinker_public``).

Decoding: unknown fields are skipped (forward compatibility); repeated scalars are accepted packed and
unpacked; when a singular field repeats, the last value wins (as in protobuf; sub-messages are not
merged). Anything malformed raises :class:`~tinker_wire.WireError` naming the message path and field.
Packed arrays are read with :func:`numpy.frombuffer` and copied out once, so results never alias the body.

Encoding: fields are written in field-number order, proto3 defaults are omitted (fields with explicit
presence are written when set). Encoders append byte-like parts (``bytes`` or contiguous little-endian
numpy arrays) to a list that is joined once at the end, so large buffers are copied exactly once.
The hot messages (datums, chunks, tensors, sampled sequences) have hand-unrolled loops keyed on the
full tag byte; the rest use :func:`iter_fields`.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

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
_ONE = [bytes((i,)) for i in range(0x80)]
# Two-byte varints as they are first met (lengths and ids repeat): a full table would cost ~700 KB at import.
_TWO: dict[int, bytes] = {}

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
    if 0 <= n < 0x80:
        return _ONE[n]
    if 0 < n < 16384:
        hit = _TWO.get(n)
        if hit is None:
            hit = _TWO[n] = bytes(((n & 0x7F) | 0x80, n >> 7))
        return hit
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


def check_int(v: Any, lo: int, hi: int, where: str) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
        raise WireError(f"{where}: expected an integer, got {type(v).__name__}")
    iv = int(v)
    if not lo <= iv <= hi:
        raise WireError(f"{where}: value {iv} is out of range [{lo}, {hi}]")
    return iv


# --- helpers shared by the message codecs ----------------------------------------------------------------

DECODE_ERRORS = (Truncated, BadWireType)
_T = TypeVar("_T")

# Keys: K<field><L=length-delimited | V=varint | D=fixed64>.
K1L, K2L, K3L, K4L, K5L, K6L, K7L = (key(i, LEN) for i in range(1, 8))
K1V, K2V, K3V, K4V, K6V = (key(i, VARINT) for i in (1, 2, 3, 4, 6))
K1D, K2D = key(1, I64), key(2, I64)
# Tag bytes as seen by the decoders.
T1L, T2L, T3L, T4L, T5L, T6L, T7L = (k[0] for k in (K1L, K2L, K3L, K4L, K5L, K6L, K7L))
T1V, T2V, T3V, T4V, T6V = (k[0] for k in (K1V, K2V, K3V, K4V, K6V))

DOUBLE_MAP_ENTRY = MessageSpec("map<string, double> entry", {1: ("key", LEN), 2: ("value", I64)})

_key_cache: dict[str, bytes] = {}


def construct(cls: type[_T], **fields: Any) -> _T:
    """Build a frozen dataclass instance from already-validated values (skips ``__post_init__``)."""
    obj: _T = object.__new__(cls)
    obj.__dict__.update(fields)
    return obj


def hdr(k: bytes, n: int) -> bytes:
    """Key and length prefix of a length-delimited field."""
    return k + varint(n)


def str_bytes(s: str, path: str) -> bytes:
    if not isinstance(s, str):
        raise WireError(f"{path}: expected a string, got {type(s).__name__}")
    try:
        return s.encode("utf-8")
    except UnicodeEncodeError as e:
        raise WireError(f"{path}: cannot encode string as UTF-8 ({e})") from None


def map_key_field(k: str, path: str) -> bytes:
    """``key`` field (1) of a map entry, cached for the usual few key names."""
    hit = _key_cache.get(k)
    if hit is None:
        raw = str_bytes(k, f"{path} key")
        hit = K1L + varint(len(raw)) + raw
        if len(_key_cache) < 4096:
            _key_cache[k] = hit
    return hit


def as_bytes(data: Any) -> bytes:
    """A decoder's input as ``bytes`` (one copy for a bytearray or memoryview)."""
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    raise TypeError(f"expected bytes, bytearray or memoryview, got {type(data).__name__}")


def want(wt: int, expected: int, path: str, spec: MessageSpec, fnum: int) -> None:
    """Refuse a known field that arrived with another wire type."""
    if wt != expected:
        raise bad_wire_type(path, spec, fnum, wt, expected)


def read_double_map_entry(buf: bytes, a: int, b: int, path: str) -> tuple[str, float]:
    """One entry of a ``map<string, double>`` (``loss_fn_config``, ``metrics``)."""
    k = ""
    v = 0.0
    for g, wt, a2, b2 in iter_fields(buf, a, b, path, DOUBLE_MAP_ENTRY):
        if g == 1:
            want(wt, LEN, path, DOUBLE_MAP_ENTRY, g)
            k = read_string(buf, a2, b2, f"{path}.key")
        elif g == 2:
            want(wt, I64, path, DOUBLE_MAP_ENTRY, g)
            v = read_double(buf, a2)
    return k, v
