"""The protobuf ``ForwardBackwardOutput`` (the result of a forward / forward_backward future): per-datum output
tensors batched into ``ArrayRecord`` messages (one ``BatchedTensor`` per output key), plus metrics."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from . import _pb as pb
from ._errors import WireError
from ._pb import (
    K1L,
    K2D,
    K2L,
    K3L,
    K3V,
    K4L,
    LEN,
    VARINT,
    MessageSpec,
    Parts,
    as_bytes,
    hdr,
    iter_fields,
    map_key_field,
    read_double_map_entry,
    str_bytes,
    varint,
    want,
)
from ._pb_tensor import (
    CODE,
    DTYPE_FIELD,
    DTYPE_UNSPECIFIED,
    I8,
    LABEL,
    WIRE_NP,
    shape_field,
    unsupported_dtype,
    widen,
)
from ._types import WireForwardBackwardOutput, WireForwardBackwardRecords, WireOutputField, WireOutputRecord
from .tensor import TensorData

__all__ = [
    "decode_forward_backward_output",
    "decode_forward_backward_records",
    "encode_forward_backward_output",
    "split_output_records",
]

# A record without fields cannot prove its datum count from payload size; refuse absurd counts.
_MAX_EMPTY_DATUMS = 1 << 24

# Message specs: field number -> (name, expected wire type).
_FBO = MessageSpec(
    "ForwardBackwardOutput",
    {1: ("loss_fn_output_type", LEN), 2: ("loss_fn_outputs", LEN), 3: ("metrics", LEN)},
)
_REC = MessageSpec("ArrayRecord", {1: ("type_tag", LEN), 2: ("fields", LEN), 3: ("num_datums", VARINT)})
_BMAP = MessageSpec("ArrayRecord.FieldsEntry", {1: ("key", LEN), 2: ("value", LEN)})
_BT = MessageSpec(
    "BatchedTensor", {1: ("data", LEN), 2: ("offsets", LEN), 3: ("dtype", VARINT), 4: ("trailing_shape", LEN)}
)


def _dec_batched(buf: bytes, pos: int, end: int, path: str) -> tuple[int, tuple[int, int], np.ndarray, tuple[int, ...]]:
    data_ab = (0, 0)
    off_ab = (0, 0)
    code = DTYPE_UNSPECIFIED
    trailing: list[int] = []
    for f, wt, a, b in iter_fields(buf, pos, end, path, _BT):
        if f == 1:
            want(wt, LEN, path, _BT, f)
            data_ab = (a, b)
        elif f == 2:
            want(wt, LEN, path, _BT, f)
            off_ab = (a, b)
        elif f == 3:
            want(wt, VARINT, path, _BT, f)
            code = pb.to_int32(a)
        elif f == 4:
            if wt == LEN:
                trailing.extend(pb.read_packed_varints(buf, a, b, path, "trailing_shape"))
            elif wt == VARINT:
                trailing.append(pb.to_int64(a))
            else:
                raise pb.bad_wire_type(path, _BT, f, wt, LEN)
    if code not in WIRE_NP:
        raise unsupported_dtype(path, "BatchedTensor", code)
    offsets = pb.packed_view(buf, off_ab[0], off_ab[1], I8, path, "offsets")
    return code, data_ab, offsets, tuple(trailing)


def _check_field(
    key: str,
    buf: bytes,
    code: int,
    data_ab: tuple[int, int],
    offsets: np.ndarray,
    trailing: tuple[int, ...],
    n: int,
    path: str,
) -> WireOutputField:
    """Check a ``BatchedTensor`` against its record's datum count, leaving the cut into tensors for later."""
    item = WIRE_NP[code].itemsize
    size = data_ab[1] - data_ab[0]
    if offsets.size != n + 1:
        raise WireError(f"{path}.offsets: has {offsets.size} entries, expected num_datums + 1 = {n + 1}")
    off = offsets.astype(np.int64)
    if off[0] < 0 or off[-1] > size or bool(np.any(off[1:] < off[:-1])):
        raise WireError(f"{path}.offsets: byte offsets must be non-decreasing and within data ({size} bytes)")
    if bool(np.any(off % item)):
        raise WireError(f"{path}.offsets: byte offsets must be multiples of the {item}-byte element size")
    for d in trailing:
        if d < 0:
            raise WireError(f"{path}.trailing_shape: dimensions must be >= 0, got {list(trailing)}")
    lo, hi = int(off[0]), int(off[-1])
    bounds = (off - lo) // item
    numels = np.diff(bounds)
    inner = math.prod(trailing)
    if trailing:
        bad = numels % inner != 0 if inner else numels != 0
        if bool(bad.any()):
            i = int(np.argmax(bad))
            numel = int(numels[i])
            if inner:
                raise WireError(
                    f"{path}: datum {i} has {numel} elements, not a multiple of trailing_shape {list(trailing)}"
                )
            raise WireError(f"{path}: datum {i} has {numel} elements but trailing_shape {list(trailing)} holds none")
    # The one copy out of the body, made now so the body can go (a caller that keeps records keeps only these).
    values = widen(pb.packed_view(buf, data_ab[0] + lo, data_ab[0] + hi, WIRE_NP[code], path, "data"), code)
    shape: tuple[int, ...] | None = None
    if n and bool((numels == numels[0]).all()):
        numel = int(numels[0])
        shape = (numel // inner if inner else 0, *trailing) if trailing else (numel,)
    return WireOutputField(key, LABEL[code], values, bounds, trailing, shape)


def _dec_record(buf: bytes, pos: int, end: int, rpath: str) -> WireOutputRecord:
    num = 0
    fields: list[tuple[str, int, tuple[int, int], np.ndarray, tuple[int, ...]]] = []
    for f, wt, a, b in iter_fields(buf, pos, end, rpath, _REC):
        if f == 2:
            want(wt, LEN, rpath, _REC, f)
            epath = f"{rpath}.fields"
            k = ""
            vab: tuple[int, int] | None = None
            for g, wt2, a2, b2 in iter_fields(buf, a, b, epath, _BMAP):
                if g == 1:
                    want(wt2, LEN, epath, _BMAP, g)
                    k = pb.read_string(buf, a2, b2, f"{epath}.key")
                elif g == 2:
                    want(wt2, LEN, epath, _BMAP, g)
                    vab = (a2, b2)
            fpath = f"{epath}[{k!r}]"
            if vab is None:
                raise WireError(f"{fpath}: map entry has no BatchedTensor value")
            fields.append((k, *_dec_batched(buf, vab[0], vab[1], fpath)))
        elif f == 3:
            want(wt, VARINT, rpath, _REC, f)
            num = pb.to_int64(a)
        elif f == 1:
            want(wt, LEN, rpath, _REC, f)  # type_tag: not needed by readers
    if num < 0 or (num > _MAX_EMPTY_DATUMS and not fields):
        raise WireError(f"{rpath}.num_datums (ArrayRecord field 3): implausible value {num}")
    if num == 0 and fields:
        num = max(fields[0][3].size - 1, 0)
    checked = [
        _check_field(k, buf, code, data_ab, offsets, trailing, num, f"{rpath}.fields[{k!r}]")
        for k, code, data_ab, offsets, trailing in fields
    ]
    return WireOutputRecord(num, checked)


def _split_field(f: WireOutputField, n: int) -> list[TensorData]:
    flat = f.values  # every datum's tensor is a view of it
    label = f.dtype
    if f.shape is not None:  # every datum the same shape (the usual case): one reshape, rows cut in C
        return TensorData._from_checked_rows(label, flat.reshape((n, *f.shape)), f.shape)
    out: list[TensorData] = []
    bounds = f.bounds.tolist()
    trailing = f.trailing
    inner = math.prod(trailing)
    from_checked = TensorData._from_checked
    for i in range(n):
        s, e = bounds[i], bounds[i + 1]
        if trailing:
            shape = ((e - s) // inner if inner else 0, *trailing)
            out.append(from_checked(label, flat[s:e].reshape(shape), shape))
        else:
            out.append(from_checked(label, flat[s:e], (e - s,)))
    return out


def split_output_records(records: Sequence[WireOutputRecord]) -> list[dict[str, TensorData]]:
    """The per-datum output maps of checked records, in order: each datum's tensors are views of its record's
    arrays."""
    outputs: list[dict[str, TensorData]] = []
    for rec in records:
        n = rec.num_datums
        if not rec.fields:
            outputs.extend({} for _ in range(n))
        elif len(rec.fields) == 1:
            key = rec.fields[0].key
            outputs.extend({key: t} for t in _split_field(rec.fields[0], n))
        else:
            keys = [f.key for f in rec.fields]
            columns = [_split_field(f, n) for f in rec.fields]
            outputs.extend(dict(zip(keys, row)) for row in zip(*columns))
    return outputs


def decode_forward_backward_records(data: bytes | bytearray | memoryview) -> WireForwardBackwardRecords:
    """Decode and check a protobuf ``ForwardBackwardOutput`` without cutting it into per-datum tensors.

    Everything :func:`decode_forward_backward_output` refuses is refused here, and each output key's values are
    copied out of ``data`` once (widened to the public dtype); the cut into per-datum tensors is left to
    :func:`split_output_records`, so a caller may defer (or skip) it and hold only the values meanwhile.
    """
    buf = as_bytes(data)
    path = "ForwardBackwardOutput"
    out_type = ""
    records: list[WireOutputRecord] = []
    metrics: dict[str, float] = {}
    for f, wt, a, b in iter_fields(buf, 0, len(buf), path, _FBO):
        if f == 1:
            want(wt, LEN, path, _FBO, f)
            out_type = pb.read_string(buf, a, b, f"{path}.loss_fn_output_type")
        elif f == 2:
            want(wt, LEN, path, _FBO, f)
            records.append(_dec_record(buf, a, b, f"{path}.loss_fn_outputs[{len(records)}]"))
        elif f == 3:
            want(wt, LEN, path, _FBO, f)
            k, v = read_double_map_entry(buf, a, b, f"{path}.metrics")
            metrics[k] = v
    out_type = out_type.rsplit(":", 1)[-1] or "ArrayRecord"
    return WireForwardBackwardRecords(out_type, records, metrics)


def decode_forward_backward_output(data: bytes | bytearray | memoryview) -> WireForwardBackwardOutput:
    """Decode a protobuf ``ForwardBackwardOutput`` (the result of a forward / forward_backward future).

    Each ``ArrayRecord`` is a run of datums (there may be several); every ``BatchedTensor`` is cut at its
    byte offsets and each datum gets shape ``[numel / prod(trailing_shape), *trailing_shape]``. INT32 is
    widened to int64 and BFLOAT16 to float32. A record's datum count is ``num_datums``, or its first
    field's count when that is 0. ``loss_fn_output_type`` keeps the part after the last ``':'``
    (``"ArrayRecord"`` when empty).
    """
    out = decode_forward_backward_records(data)
    return WireForwardBackwardOutput(out.loss_fn_output_type, split_output_records(out.records), out.metrics)


def _output_signature(d: Any, i: int) -> tuple[tuple[str, str, tuple[int, ...]], ...]:
    if not isinstance(d, Mapping):
        raise WireError(f"ForwardBackwardOutput.loss_fn_outputs[{i}]: expected a dict, got {type(d).__name__}")
    sig = []
    for k, t in d.items():
        if not isinstance(t, TensorData):
            raise WireError(
                f"ForwardBackwardOutput.loss_fn_outputs[{i}][{k!r}]: expected a TensorData, got {type(t).__name__}"
            )
        shape = t._values.shape if t._crow is None else t._shape
        sig.append((k, t.dtype, shape[1:] if shape else ()))
    sig.sort()
    return tuple(sig)


def encode_forward_backward_output(out: WireForwardBackwardOutput) -> bytes:
    """Encode a ``ForwardBackwardOutput``.

    All datums go into ONE ``ArrayRecord`` with one ``BatchedTensor`` per output key (int64 byte offsets,
    ``trailing_shape`` = each datum's shape without its first dimension). Only when consecutive datums
    differ in key set, dtype or trailing shape does a new record start, so ragged outputs survive the
    round trip. Sparse outputs are densified (``BatchedTensor`` has no CSR form), a 0-d value comes back
    as shape ``[1]`` and an unknown shape as 1-D. ``type_tag`` repeats ``loss_fn_output_type``.
    """
    path = "ForwardBackwardOutput"
    parts: Parts = []
    ot = str_bytes(out.loss_fn_output_type, f"{path}.loss_fn_output_type")
    if ot:
        parts.append(hdr(K1L, len(ot)) + ot)
    groups: list[tuple[int, list[Mapping[str, TensorData]]]] = []
    last_sig: object = None
    for i, d in enumerate(out.loss_fn_outputs):
        sig = _output_signature(d, i)
        if not groups or sig != last_sig:
            groups.append((i, []))
            last_sig = sig
        groups[-1][1].append(d)
    tag_field = hdr(K1L, len(ot)) + ot if ot else b""
    for start, g in groups:
        idx = len(parts)
        parts.append(b"")
        n = _put_record_body(parts, g, tag_field, f"{path}.loss_fn_outputs[{start}:{start + len(g)}]")
        parts[idx] = hdr(K2L, n)
    for k, v in out.metrics.items():
        mpath = f"{path}.metrics[{k!r}]"
        kb = str_bytes(k, f"{mpath} key")
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
            raise WireError(f"{mpath}: metrics values must be numbers, got {type(v).__name__}")
        entry = hdr(K1L, len(kb)) + kb + K2D + pb.double(float(v))
        parts.append(hdr(K3L, len(entry)) + entry)
    return b"".join(parts)


def _put_record_body(parts: Parts, group: list[Mapping[str, TensorData]], tag_field: bytes, rpath: str) -> int:
    n = 0
    if tag_field:
        parts.append(tag_field)
        n += len(tag_field)
    for k in group[0]:
        tensors = [d[k] for d in group]
        t0 = tensors[0]
        code = CODE[t0.dtype]
        wire_dt = WIRE_NP[code]
        arrays = [t._values if t._crow is None else t.to_numpy() for t in tensors]  # CSR is densified
        sizes = np.fromiter((a.size for a in arrays), dtype=np.int64, count=len(arrays))
        offsets = np.zeros(len(arrays) + 1, dtype=I8)
        np.cumsum(sizes * wire_dt.itemsize, out=offsets[1:])
        data = np.concatenate(arrays, axis=None).astype(wire_dt, copy=False)
        trailing = arrays[0].shape[1:]
        body = (
            hdr(K1L, data.nbytes) if data.nbytes else b"",
            data,
            hdr(K2L, offsets.nbytes),
            offsets,
            DTYPE_FIELD[code] + (shape_field(K4L, trailing) if trailing else b""),
        )
        bsize = len(body[0]) + data.nbytes + len(body[2]) + offsets.nbytes + len(body[4])
        kf = map_key_field(k, f"{rpath}.fields")
        bh = hdr(K2L, bsize)
        esize = len(kf) + len(bh) + bsize
        h = hdr(K2L, esize) + kf + bh
        parts.append(h)
        parts.extend(body)
        n += len(h) + bsize
    nd = K3V + varint(len(group))
    parts.append(nd)
    return n + len(nd)
