"""The protobuf ``Tensor`` message (dense or CSR) as :class:`~tinker_wire.tensor.TensorData`, and the dtype
codes every message shares.

A decoded tensor is checked by :func:`~tinker_wire.tensor.check_layout` (errors use the protobuf field names)
and wraps the array copied out of the body without a second copy. Encoding writes the tensor's own arrays.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _pb as pb
from ._errors import WireError
from ._pb import (
    DECODE_ERRORS,
    K1L,
    K2L,
    K3L,
    K3V,
    K4L,
    LEN,
    T1L,
    T2L,
    T3V,
    T4L,
    VARINT,
    MessageSpec,
    Parts,
    context_error,
    hdr,
    iter_fields,
    read_len,
    read_varint,
    skip_field,
    varint,
    want,
)
from .tensor import TensorData, TensorDtype, check_layout

# --- dtypes -------------------------------------------------------------------------------------------

DTYPE_UNSPECIFIED, DTYPE_FLOAT32, DTYPE_INT64, DTYPE_INT32, DTYPE_BFLOAT16 = 0, 1, 2, 3, 4
DTYPE_NAMES = {
    0: "DTYPE_UNSPECIFIED",
    1: "DTYPE_FLOAT32",
    2: "DTYPE_INT64",
    3: "DTYPE_INT32",
    4: "DTYPE_BFLOAT16",
}
WIRE_NP: dict[int, np.dtype[Any]] = {
    DTYPE_FLOAT32: np.dtype("<f4"),
    DTYPE_INT64: np.dtype("<i8"),
    DTYPE_INT32: np.dtype("<i4"),
    DTYPE_BFLOAT16: np.dtype("<u2"),
}
LABEL: dict[int, TensorDtype] = {
    DTYPE_FLOAT32: "float32",
    DTYPE_INT64: "int64",
    DTYPE_INT32: "int64",
    DTYPE_BFLOAT16: "float32",
}
CODE = {"float32": DTYPE_FLOAT32, "int64": DTYPE_INT64}
F4 = np.dtype("<f4")
I4 = np.dtype("<i4")
I8 = np.dtype("<i8")

DTYPE_FIELD = {code: K3V + varint(code) for code in (1, 2, 3, 4)}

#: Sub-field names of a ``Tensor`` for :func:`~tinker_wire.tensor.check_layout` errors.
PROTO_FIELD_NAMES = {
    "data": "dense",
    "shape": "shape",
    "crow": "sparse_csr.crow_indices",
    "col": "sparse_csr.col_indices",
    "values": "sparse_csr.values",
}

_TENSOR = MessageSpec("Tensor", {1: ("dense", LEN), 2: ("sparse_csr", LEN), 3: ("dtype", VARINT), 4: ("shape", LEN)})
_CSR = MessageSpec("SparseCsr", {1: ("values", LEN), 2: ("crow_indices", LEN), 3: ("col_indices", LEN)})

_shape_cache: dict[tuple[int, ...], bytes] = {}


def widen(view: np.ndarray, code: int) -> np.ndarray:
    """Owned, native-order copy of a wire buffer, widened to the public dtype."""
    if code == DTYPE_FLOAT32:
        return view.astype(np.float32)
    if code == DTYPE_BFLOAT16:
        return (view.astype(np.uint32) << 16).view(np.float32)
    return view.astype(np.int64)


def narrow_int32(arr: np.ndarray, path: str, field: str) -> np.ndarray:
    """Narrow int64 ids to little-endian int32 after a range check (error names ``path.field``)."""
    if arr.size:
        lo = int(arr.min())
        hi = int(arr.max())
        if lo < pb.INT32_MIN or hi > pb.INT32_MAX:
            bad = lo if lo < pb.INT32_MIN else hi
            raise WireError(f"{path}.{field}: token id {bad} does not fit int32")
    return arr.astype(I4)


def unsupported_dtype(path: str, message: str, code: int) -> WireError:
    return WireError(
        f"{path}.dtype ({message} field 3): unsupported dtype {DTYPE_NAMES.get(code, code)}; "
        "expected FLOAT32, INT64, INT32 or BFLOAT16"
    )


def shape_field(k: bytes, shape: tuple[int, ...]) -> bytes:
    """Packed repeated int64 field (cached per shape tuple)."""
    cache_key = (k[0], *shape)
    hit = _shape_cache.get(cache_key)
    if hit is None:
        payload = b"".join(varint(int(d)) for d in shape)
        hit = k + varint(len(payload)) + payload
        if len(_shape_cache) < 4096:
            _shape_cache[cache_key] = hit
    return hit


def tensor_path(path: str, key: str | None) -> str:
    return path if key is None else f"{path}[{key!r}]"


# --- decoding -----------------------------------------------------------------------------------------


def decode_tensor(buf: bytes, pos: int, end: int, path: str, key: str | None = None) -> TensorData:
    """Decode a ``Tensor``; the error path is ``path`` (or ``path[key]`` when ``key`` is given)."""
    dense_a = dense_b = -1
    csr_a = csr_b = -1
    code = DTYPE_UNSPECIFIED
    shape: list[int] | None = None
    tag = 0
    try:
        while pos < end:
            tag = buf[pos]
            if tag < 0x80:
                pos += 1
            else:
                tag, pos = read_varint(buf, pos, end)
            if tag == T1L:
                dense_a, pos = read_len(buf, pos, end)
                dense_b = pos
                csr_a = -1
            elif tag == T3V:
                v = buf[pos] if pos < end else 0x80
                if v < 0x80:
                    code = v
                    pos += 1
                else:
                    v, pos = read_varint(buf, pos, end)
                    code = pb.to_int32(v)
            elif tag == T4L:
                a, pos = read_len(buf, pos, end)
                if shape is None:
                    shape = []
                if pos - a == 1 and buf[a] < 0x80:  # common cases: one dimension below 16384
                    shape.append(buf[a])
                elif pos - a == 2 and buf[a] >= 0x80 and buf[a + 1] < 0x80:
                    shape.append((buf[a] & 0x7F) | (buf[a + 1] << 7))
                else:
                    shape.extend(pb.read_packed_varints(buf, a, pos, tensor_path(path, key), "shape"))
            elif tag == T2L:
                csr_a, pos = read_len(buf, pos, end)
                csr_b = pos
                dense_a = -1
            elif tag == (4 << 3) | VARINT:  # unpacked repeated shape
                v, pos = read_varint(buf, pos, end)
                if shape is None:
                    shape = []
                shape.append(pb.to_int64(v))
            else:
                pos = skip_field(buf, pos, end, tag, _TENSOR)
    except DECODE_ERRORS as e:
        raise context_error(tensor_path(path, key), _TENSOR, tag, e) from None
    np_dt = WIRE_NP.get(code)
    if np_dt is None:
        raise unsupported_dtype(tensor_path(path, key), "Tensor", code)
    label = LABEL[code]
    shp = tuple(shape) if shape else None
    crow = col = None
    if dense_a >= 0 and csr_a < 0:
        size = dense_b - dense_a
        n, rem = divmod(size, np_dt.itemsize)
        if rem or not n:
            values = widen(pb.packed_view(buf, dense_a, dense_b, np_dt, tensor_path(path, key), "dense"), code)
        else:
            values = widen(np.frombuffer(buf, dtype=np_dt, count=n, offset=dense_a), code)
        if shp is None or (len(shp) == 1 and shp[0] == n):  # the usual 1-D case: consistent as read
            return TensorData._from_checked(label, values, shp)
    elif csr_a >= 0:
        vals_ab = crow_ab = col_ab = (0, 0)
        cpath = f"{tensor_path(path, key)}.sparse_csr"
        for f, wt, a, b in iter_fields(buf, csr_a, csr_b, cpath, _CSR):
            if f == 1:
                want(wt, LEN, cpath, _CSR, f)
                vals_ab = (a, b)
            elif f == 2:
                want(wt, LEN, cpath, _CSR, f)
                crow_ab = (a, b)
            elif f == 3:
                want(wt, LEN, cpath, _CSR, f)
                col_ab = (a, b)
        values = widen(pb.packed_view(buf, *vals_ab, np_dt, cpath, "values"), code)
        crow = pb.packed_view(buf, *crow_ab, I8, cpath, "crow_indices").astype(np.int64)
        col = pb.packed_view(buf, *col_ab, I8, cpath, "col_indices").astype(np.int64)
    else:  # neither arm set: an empty dense tensor
        values = np.zeros(0, dtype=np.float32 if label == "float32" else np.int64)
    check_layout(values.size, shp, crow, col, tensor_path(path, key), PROTO_FIELD_NAMES, WireError)
    if crow is None and shp is not None:
        values = values.reshape(shp)
    return TensorData._from_checked(label, values, shp, crow, col)


# --- encoding -----------------------------------------------------------------------------------------


def tensor_body(t: TensorData, path: str, int32_ids: bool) -> tuple[list[Any], int]:
    """Parts and size of a ``Tensor`` message body (a ``TensorData`` is consistent by construction)."""
    if type(t) is not TensorData and not isinstance(t, TensorData):
        raise WireError(f"{path}: expected a TensorData, got {type(t).__name__}")
    values = t._values
    crow = t._crow
    shape = values.shape if crow is None else t._shape
    if values.ndim != 1:
        values = values.reshape(-1)
    code = CODE[t.dtype]
    if int32_ids and code == DTYPE_INT64:
        vals = narrow_int32(values, path, "values")
        code = DTYPE_INT32
    else:
        vals = np.ascontiguousarray(values, dtype=WIRE_NP[code])
        if vals is t._values:
            # Joined through a view: numpy keeps the buffer description it exports (~56 bytes) until the array
            # dies, which for the caller's own array is as long as their datum lives.
            vals = vals.view()
    nb = vals.nbytes
    if crow is None:
        h = hdr(K1L, nb)  # oneof arm: written even when empty
        body: list[Any] = [h, vals]
        size = len(h) + nb
    else:
        crow8 = np.ascontiguousarray(crow, dtype=I8)
        col8 = np.ascontiguousarray(t._col, dtype=I8)
        inner: list[Any] = []
        isize = 0
        for kk, arr in ((K1L, vals), (K2L, crow8), (K3L, col8)):
            if arr.nbytes:
                hh = hdr(kk, arr.nbytes)
                inner.append(hh)
                inner.append(arr)
                isize += len(hh) + arr.nbytes
        h = hdr(K2L, isize)
        body = [h, *inner]
        size = len(h) + isize
    df = DTYPE_FIELD[code]
    body.append(df)
    size += len(df)
    if shape:
        sf = shape_field(K4L, shape)
        body.append(sf)
        size += len(sf)
    return body, size


def put_tensor(parts: Parts, k: bytes, t: TensorData, path: str, int32_ids: bool = False) -> int:
    """Append a ``Tensor`` field; return the bytes appended."""
    body, size = tensor_body(t, path, int32_ids)
    h = hdr(k, size)
    parts.append(h)
    parts.extend(body)
    return len(h) + size
