"""Hand-written protobuf codec for the three payloads of the Tinker wire.

Message layouts and field numbers follow ``openapi/tinker.proto`` (package ``tinker_public``).

Decoding: unknown fields are skipped (forward compatibility); repeated scalars are accepted packed and
unpacked; when a singular field repeats, the last value wins (as in protobuf; sub-messages are not
merged). Anything malformed raises :class:`~tinker_wire.WireError` naming the message path and field.
Arrays are copied out of the input, so results never alias the body.

Encoding: fields are written in field-number order, proto3 defaults are omitted (fields with explicit
presence are written when set). Large buffers are appended as numpy arrays and joined once.
The hot messages (datums, chunks, tensors, sampled sequences) have hand-unrolled loops keyed on the
full tag byte; the rest use :func:`tinker_wire._pb.iter_fields`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, TypeVar

import numpy as np

from . import _pb as pb
from ._errors import WireError
from ._pb import (
    I64,
    LEN,
    VARINT,
    BadWireType,
    MessageSpec,
    Parts,
    Truncated,
    context_error,
    iter_fields,
    read_len,
    read_varint,
    skip_field,
    varint,
)
from ._tensor import _PROTO_NAMES, _validate, tensor_to_dense, validate_tensor
from ._types import (
    Dmel,
    EncodedText,
    Image,
    ImageDimensions,
    PromptSpan,
    SampledSpan,
    WireChunk,
    WireDatum,
    WireForwardBackwardOutput,
    WireForwardBackwardRequest,
    WirePromptAltTokens,
    WireSampledSequence,
    WireSampleResponse,
    WireSpan,
    WireTensor,
    WireTopk,
)

__all__ = [
    "decode_forward_backward_output",
    "decode_forward_backward_request",
    "decode_sample_response",
    "encode_forward_backward_output",
    "encode_forward_backward_request",
    "encode_sample_response",
]

_DecodeErrors = (Truncated, BadWireType)
_T = TypeVar("_T")

# --- dtypes -------------------------------------------------------------------------------------------

DTYPE_UNSPECIFIED, DTYPE_FLOAT32, DTYPE_INT64, DTYPE_INT32, DTYPE_BFLOAT16 = 0, 1, 2, 3, 4
_DTYPE_NAMES = {
    0: "DTYPE_UNSPECIFIED",
    1: "DTYPE_FLOAT32",
    2: "DTYPE_INT64",
    3: "DTYPE_INT32",
    4: "DTYPE_BFLOAT16",
}
_WIRE_NP: dict[int, np.dtype[Any]] = {
    DTYPE_FLOAT32: np.dtype("<f4"),
    DTYPE_INT64: np.dtype("<i8"),
    DTYPE_INT32: np.dtype("<i4"),
    DTYPE_BFLOAT16: np.dtype("<u2"),
}
_LABEL = {DTYPE_FLOAT32: "float32", DTYPE_INT64: "int64", DTYPE_INT32: "int64", DTYPE_BFLOAT16: "float32"}
_CODE = {"float32": DTYPE_FLOAT32, "int64": DTYPE_INT64}
_F4 = np.dtype("<f4")
_I4 = np.dtype("<i4")
_I8 = np.dtype("<i8")

_STOP_REASONS = {0: "stop", 1: "length"}
_STOP_CODES = {"stop": 0, "length": 1}

# A record without fields cannot prove its datum count from payload size; refuse absurd counts.
_MAX_EMPTY_DATUMS = 1 << 24


def _fast(cls: type[_T], **fields: Any) -> _T:
    """Build a frozen dataclass instance from already-validated values (skips ``__post_init__``)."""
    obj: _T = object.__new__(cls)
    obj.__dict__.update(fields)
    return obj


def _widen(view: np.ndarray, code: int) -> np.ndarray:
    """Owned, native-order copy of a wire buffer, widened to the public dtype."""
    if code == DTYPE_FLOAT32:
        return view.astype(np.float32)
    if code == DTYPE_BFLOAT16:
        return (view.astype(np.uint32) << 16).view(np.float32)
    return view.astype(np.int64)


def _int32(arr: np.ndarray, path: str, field: str) -> np.ndarray:
    """Narrow int64 ids to little-endian int32 after a range check (error names ``path.field``)."""
    if arr.size:
        lo = int(arr.min())
        hi = int(arr.max())
        if lo < pb.INT32_MIN or hi > pb.INT32_MAX:
            bad = lo if lo < pb.INT32_MIN else hi
            raise WireError(f"{path}.{field}: token id {bad} does not fit int32")
    return arr.astype(_I4)


def _hdr(k: bytes, n: int) -> bytes:
    return k + varint(n)


# --- message specs: field number -> (name, expected wire type) ------------------------------------------

_FBR = MessageSpec(
    "ForwardBackwardRequest",
    {
        1: ("model_id", LEN),
        2: ("seq_id", VARINT),
        3: ("data", LEN),
        4: ("loss_fn", LEN),
        5: ("loss_fn_config", LEN),
        6: ("forward_only", VARINT),
        7: ("loss_fn_config_v2", LEN),
    },
)
_DATUM = MessageSpec(
    "Datum",
    {
        1: ("model_input", LEN),
        2: ("loss_fn_inputs", LEN),
        3: ("model_input_spans", LEN),
        4: ("loss_fn_input_spans", LEN),
    },
)
_CHUNK = MessageSpec("Chunk", {1: ("encoded_text", LEN), 2: ("image", LEN), 3: ("dmel", LEN)})
_TEXT = MessageSpec("EncodedTextChunk", {1: ("tokens", LEN)})
_IMAGE = MessageSpec(
    "ImageChunk",
    {1: ("data", LEN), 2: ("format", LEN), 3: ("expected_tokens", VARINT), 4: ("override_dimensions", LEN)},
)
_DIMS = MessageSpec("ImageDimensions", {1: ("width", VARINT), 2: ("height", VARINT)})
_DMEL = MessageSpec("DmelChunk", {1: ("dmel", LEN)})
_PSPAN = MessageSpec("ProvenanceSpan", {1: ("prompt_tokens", LEN), 2: ("sampled_tokens", LEN)})
_PROMPT_SPAN = MessageSpec(
    "PromptProvenanceSpan", {1: ("sequence_id", LEN), 2: ("offset", VARINT), 3: ("length", VARINT)}
)
_SAMPLED_SPAN = MessageSpec(
    "SampledProvenanceSpan", {1: ("sequence_id", LEN), 2: ("offset", VARINT), 3: ("length", VARINT)}
)
_TENSOR = MessageSpec("Tensor", {1: ("dense", LEN), 2: ("sparse_csr", LEN), 3: ("dtype", VARINT), 4: ("shape", LEN)})
_CSR = MessageSpec("SparseCsr", {1: ("values", LEN), 2: ("crow_indices", LEN), 3: ("col_indices", LEN)})
_LCV = MessageSpec("LossConfigValue", {1: ("number", I64), 2: ("text", LEN)})
_TMAP = MessageSpec("Datum.LossFnInputsEntry", {1: ("key", LEN), 2: ("value", LEN)})
_DMAP = MessageSpec("map<string, double> entry", {1: ("key", LEN), 2: ("value", I64)})
_VMAP = MessageSpec("ForwardBackwardRequest.LossFnConfigV2Entry", {1: ("key", LEN), 2: ("value", LEN)})
_FBO = MessageSpec(
    "ForwardBackwardOutput",
    {1: ("loss_fn_output_type", LEN), 2: ("loss_fn_outputs", LEN), 3: ("metrics", LEN)},
)
_REC = MessageSpec("ArrayRecord", {1: ("type_tag", LEN), 2: ("fields", LEN), 3: ("num_datums", VARINT)})
_BMAP = MessageSpec("ArrayRecord.FieldsEntry", {1: ("key", LEN), 2: ("value", LEN)})
_BT = MessageSpec(
    "BatchedTensor", {1: ("data", LEN), 2: ("offsets", LEN), 3: ("dtype", VARINT), 4: ("trailing_shape", LEN)}
)
_SR = MessageSpec(
    "SampleResponse",
    {
        1: ("sequences", LEN),
        2: ("prompt_logprobs", LEN),
        3: ("topk_prompt_logprobs", LEN),
        4: ("prompt_cache_hit_tokens", VARINT),
        5: ("target_prompt_logprobs", LEN),
        6: ("prompt_alt_tokens", LEN),
    },
)
_SEQ = MessageSpec(
    "SampledSequence",
    {1: ("stop_reason", VARINT), 2: ("tokens", LEN), 3: ("logprobs", LEN), 4: ("topk_sampled_logprobs", LEN)},
)
_TOPK = MessageSpec(
    "TopkLogprobs", {1: ("token_ids", LEN), 2: ("logprobs", LEN), 3: ("k", VARINT), 4: ("length", VARINT)}
)
_ALT = MessageSpec("PromptAltTokens", {1: ("tokens", LEN), 2: ("logprobs", LEN)})

# Keys: K<field><L=length-delimited | V=varint | D=fixed64>.
K1L, K2L, K3L, K4L, K5L, K6L, K7L = (pb.key(i, LEN) for i in range(1, 8))
K1V, K2V, K3V, K4V, K6V = (pb.key(i, VARINT) for i in (1, 2, 3, 4, 6))
K1D, K2D = pb.key(1, I64), pb.key(2, I64)
# Tag bytes as seen by the decoders.
T1L, T2L, T3L, T4L, T5L, T6L, T7L = (k[0] for k in (K1L, K2L, K3L, K4L, K5L, K6L, K7L))
T1V, T2V, T3V, T4V, T6V = (k[0] for k in (K1V, K2V, K3V, K4V, K6V))

_DTYPE_FIELD = {code: K3V + varint(code) for code in (1, 2, 3, 4)}
_shape_cache: dict[tuple[int, ...], bytes] = {}
_key_cache: dict[str, bytes] = {}


def _shape_field(k: bytes, shape: tuple[int, ...]) -> bytes:
    """Packed repeated int64 field (cached per shape tuple)."""
    cache_key = (k[0], *shape)
    hit = _shape_cache.get(cache_key)
    if hit is None:
        payload = b"".join(varint(int(d)) for d in shape)
        hit = k + varint(len(payload)) + payload
        if len(_shape_cache) < 4096:
            _shape_cache[cache_key] = hit
    return hit


def _str_bytes(s: str, path: str) -> bytes:
    if not isinstance(s, str):
        raise WireError(f"{path}: expected a string, got {type(s).__name__}")
    try:
        return s.encode("utf-8")
    except UnicodeEncodeError as e:
        raise WireError(f"{path}: cannot encode string as UTF-8 ({e})") from None


def _map_key_field(k: str, path: str) -> bytes:
    """``key`` field (1) of a map entry, cached for the usual few key names."""
    hit = _key_cache.get(k)
    if hit is None:
        raw = _str_bytes(k, f"{path} key")
        hit = K1L + varint(len(raw)) + raw
        if len(_key_cache) < 4096:
            _key_cache[k] = hit
    return hit


def _to_bytes(data: Any) -> bytes:
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    raise TypeError(f"expected bytes, bytearray or memoryview, got {type(data).__name__}")


def _want(wt: int, expected: int, path: str, spec: MessageSpec, fnum: int) -> None:
    if wt != expected:
        raise pb.bad_wire_type(path, spec, fnum, wt, expected)


# ======================================================================================================
# Tensor
# ======================================================================================================


def _dec_tensor(buf: bytes, pos: int, end: int, path: str, key: str | None = None) -> WireTensor:
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
                    shape.extend(pb.read_packed_varints(buf, a, pos, _tpath(path, key), "shape"))
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
    except _DecodeErrors as e:
        raise context_error(_tpath(path, key), _TENSOR, tag, e) from None
    np_dt = _WIRE_NP.get(code)
    if np_dt is None:
        raise WireError(
            f"{_tpath(path, key)}.dtype (Tensor field 3): unsupported dtype {_DTYPE_NAMES.get(code, code)}; "
            "expected FLOAT32, INT64, INT32 or BFLOAT16"
        )
    label = _LABEL[code]
    shp = tuple(shape) if shape else None
    if dense_a >= 0 and csr_a < 0:
        size = dense_b - dense_a
        n, rem = divmod(size, np_dt.itemsize)
        if rem or not n:
            values = _widen(pb.packed_view(buf, dense_a, dense_b, np_dt, _tpath(path, key), "dense"), code)
        else:
            values = _widen(np.frombuffer(buf, dtype=np_dt, count=n, offset=dense_a), code)
        if shp is None or (math.prod(shp) == n and min(shp) >= 0):
            return _fast(WireTensor, dtype=label, shape=shp, values=values, crow_indices=None, col_indices=None)
        t = WireTensor(label, shp, values)  # type: ignore[arg-type]
        _validate(t, _tpath(path, key), _PROTO_NAMES)
        return t
    tpath = _tpath(path, key)
    crow = col = None
    if csr_a >= 0:
        vals_ab = crow_ab = col_ab = (0, 0)
        cpath = f"{tpath}.sparse_csr"
        for f, wt, a, b in iter_fields(buf, csr_a, csr_b, cpath, _CSR):
            if f == 1:
                _want(wt, LEN, cpath, _CSR, f)
                vals_ab = (a, b)
            elif f == 2:
                _want(wt, LEN, cpath, _CSR, f)
                crow_ab = (a, b)
            elif f == 3:
                _want(wt, LEN, cpath, _CSR, f)
                col_ab = (a, b)
        values = _widen(pb.packed_view(buf, *vals_ab, np_dt, cpath, "values"), code)
        crow = pb.packed_view(buf, *crow_ab, _I8, cpath, "crow_indices").astype(np.int64)
        col = pb.packed_view(buf, *col_ab, _I8, cpath, "col_indices").astype(np.int64)
    else:  # neither arm set: an empty dense tensor
        values = np.zeros(0, dtype=np.float32 if label == "float32" else np.int64)
    t = WireTensor(label, shp, values, crow, col)  # type: ignore[arg-type]
    _validate(t, tpath, _PROTO_NAMES)
    return t


def _tpath(path: str, key: str | None) -> str:
    return path if key is None else f"{path}[{key!r}]"


def _tensor_body(t: WireTensor, path: str, int32_ids: bool) -> tuple[list[Any], int]:
    """Parts and size of a ``Tensor`` message body."""
    if type(t) is not WireTensor and not isinstance(t, WireTensor):
        raise WireError(f"{path}: expected a WireTensor, got {type(t).__name__}")
    shape = t.shape
    crow = t.crow_indices
    if (
        crow is not None
        or t.col_indices is not None
        or (shape is not None and (math.prod(shape) != t.values.size or (shape and min(shape) < 0)))
    ):
        validate_tensor(t, path)
    code = _CODE[t.dtype]
    if int32_ids and code == DTYPE_INT64:
        vals = _int32(t.values, path, "values")
        code = DTYPE_INT32
    else:
        vals = np.ascontiguousarray(t.values, dtype=_WIRE_NP[code])
    nb = vals.nbytes
    if crow is None:
        h = _hdr(K1L, nb)  # oneof arm: written even when empty
        body: list[Any] = [h, vals]
        size = len(h) + nb
    else:
        assert t.col_indices is not None
        crow8 = np.ascontiguousarray(crow, dtype=_I8)
        col8 = np.ascontiguousarray(t.col_indices, dtype=_I8)
        inner: list[Any] = []
        isize = 0
        for kk, arr in ((K1L, vals), (K2L, crow8), (K3L, col8)):
            if arr.nbytes:
                hh = _hdr(kk, arr.nbytes)
                inner.append(hh)
                inner.append(arr)
                isize += len(hh) + arr.nbytes
        h = _hdr(K2L, isize)
        body = [h, *inner]
        size = len(h) + isize
    df = _DTYPE_FIELD[code]
    body.append(df)
    size += len(df)
    if shape:
        sf = _shape_field(K4L, shape)
        body.append(sf)
        size += len(sf)
    return body, size


def _put_tensor(parts: Parts, k: bytes, t: WireTensor, path: str, int32_ids: bool = False) -> int:
    body, size = _tensor_body(t, path, int32_ids)
    h = _hdr(k, size)
    parts.append(h)
    parts.extend(body)
    return len(h) + size


# ======================================================================================================
# ForwardBackwardRequest
# ======================================================================================================


def _dec_span(buf: bytes, pos: int, end: int, path: str) -> WireSpan:
    arm = 0
    ab = (0, 0)
    for f, wt, a, b in iter_fields(buf, pos, end, path, _PSPAN):
        if f in (1, 2):
            _want(wt, LEN, path, _PSPAN, f)
            arm, ab = f, (a, b)
    if arm == 0:
        raise WireError(f"{path} (ProvenanceSpan): neither prompt_tokens nor sampled_tokens is set")
    spec = _PROMPT_SPAN if arm == 1 else _SAMPLED_SPAN
    spath = f"{path}.{'prompt_tokens' if arm == 1 else 'sampled_tokens'}"
    seq_id = ""
    offset = length = 0
    for f, wt, a, b in iter_fields(buf, ab[0], ab[1], spath, spec):
        if f == 1:
            _want(wt, LEN, spath, spec, f)
            seq_id = pb.read_string(buf, a, b, f"{spath}.sequence_id")
        elif f == 2:
            _want(wt, VARINT, spath, spec, f)
            offset = pb.to_int64(a)
        elif f == 3:
            _want(wt, VARINT, spath, spec, f)
            length = pb.to_int64(a)
    return (PromptSpan if arm == 1 else SampledSpan)(seq_id, offset, length)


def _put_span(parts: Parts, k: bytes, s: WireSpan, path: str) -> int:
    if isinstance(s, PromptSpan):
        arm = K1L
    elif isinstance(s, SampledSpan):
        arm = K2L
    else:
        raise WireError(f"{path}: expected PromptSpan or SampledSpan, got {type(s).__name__}")
    off = pb.check_int(s.offset, pb.INT64_MIN, pb.INT64_MAX, f"{path}.offset")
    ln = pb.check_int(s.length, pb.INT64_MIN, pb.INT64_MAX, f"{path}.length")
    sid = _str_bytes(s.sequence_id, f"{path}.sequence_id")
    inner = (
        (_hdr(K1L, len(sid)) + sid if sid else b"")
        + (K2V + varint(off) if off else b"")
        + (K3V + varint(ln) if ln else b"")
    )
    wrapped = _hdr(arm, len(inner)) + inner
    out = _hdr(k, len(wrapped)) + wrapped
    parts.append(out)
    return len(out)


def _dec_chunk(buf: bytes, pos: int, end: int, parent: str, index: int) -> WireChunk:
    arm = 0
    a = b = 0
    tag = 0
    in_text = False
    try:
        while pos < end:
            tag = buf[pos]
            if tag < 0x80:
                pos += 1
            else:
                tag, pos = read_varint(buf, pos, end)
            if tag == T1L or tag == T2L or tag == T3L:
                a, pos = read_len(buf, pos, end)
                b = pos
                arm = tag >> 3
            else:
                pos = skip_field(buf, pos, end, tag, _CHUNK)
        if arm == 1:
            tok_a = tok_b = 0
            pos = a
            tag = 0
            in_text = True
            while pos < b:
                tag = buf[pos]
                if tag < 0x80:
                    pos += 1
                else:
                    tag, pos = read_varint(buf, pos, b)
                if tag == T1L:
                    tok_a, pos = read_len(buf, pos, b)
                    tok_b = pos
                else:
                    pos = skip_field(buf, pos, b, tag, _TEXT)
    except _DecodeErrors as e:
        path = f"{parent}.model_input[{index}]"
        if in_text:
            raise context_error(f"{path}.encoded_text", _TEXT, tag, e) from None
        raise context_error(path, _CHUNK, tag, e) from None
    if arm == 1:
        size = tok_b - tok_a
        if size & 3:
            raise WireError(
                f"{parent}.model_input[{index}].encoded_text.tokens: {size} bytes is not a whole number of "
                "4-byte int32 token ids"
            )
        if size == 0:
            return _fast(EncodedText, tokens=np.zeros(0, dtype=np.int64))
        return _fast(EncodedText, tokens=np.frombuffer(buf, dtype=_I4, count=size >> 2, offset=tok_a).astype(np.int64))
    path = f"{parent}.model_input[{index}]"
    if arm == 2:
        cpath = f"{path}.image"
        data = b""
        fmt = ""
        expected: int | None = None
        dims: ImageDimensions | None = None
        for f, wt, a2, b2 in iter_fields(buf, a, b, cpath, _IMAGE):
            if f == 1:
                _want(wt, LEN, cpath, _IMAGE, f)
                data = buf[a2:b2]
            elif f == 2:
                _want(wt, LEN, cpath, _IMAGE, f)
                fmt = pb.read_string(buf, a2, b2, f"{cpath}.format")
            elif f == 3:
                _want(wt, VARINT, cpath, _IMAGE, f)
                expected = pb.to_int32(a2)
            elif f == 4:
                _want(wt, LEN, cpath, _IMAGE, f)
                w = h = 0
                dpath = f"{cpath}.override_dimensions"
                for g, wt2, a3, _b3 in iter_fields(buf, a2, b2, dpath, _DIMS):
                    if g in (1, 2):
                        _want(wt2, VARINT, dpath, _DIMS, g)
                        if g == 1:
                            w = pb.to_uint32(a3)
                        else:
                            h = pb.to_uint32(a3)
                dims = ImageDimensions(w, h)
        return Image(data, fmt, expected, dims)
    if arm == 3:
        cpath = f"{path}.dmel"
        blob = b""
        for f, wt, a2, b2 in iter_fields(buf, a, b, cpath, _DMEL):
            if f == 1:
                _want(wt, LEN, cpath, _DMEL, f)
                blob = buf[a2:b2]
        return Dmel(blob)
    raise WireError(f"{path} (Chunk): no known chunk variant is set (encoded_text, image or dmel)")


def _put_chunk(parts: Parts, c: WireChunk, path: str, index: int) -> int:
    """Append ``Datum.model_input`` (field 1) holding one chunk; return the bytes appended."""
    if type(c) is EncodedText:
        toks = _int32(c.tokens, f"{path}.model_input[{index}]", "encoded_text.tokens") if c.tokens.size else None
        if toks is not None:
            nb = toks.nbytes
            inner_h = _hdr(K1L, nb)
            text_size = len(inner_h) + nb
        else:
            inner_h = b""
            text_size = 0
        chunk_h = _hdr(K1L, text_size)
        chunk_size = len(chunk_h) + text_size
        h = _hdr(K1L, chunk_size) + chunk_h + inner_h
        parts.append(h)
        if toks is None:
            return len(h)
        parts.append(toks)
        return len(h) + toks.nbytes
    cpath = f"{path}.model_input[{index}]"
    if isinstance(c, EncodedText):  # subclass
        return _put_chunk(parts, EncodedText(c.tokens), path, index)
    if isinstance(c, Image):
        ipath = f"{cpath}.image"
        data = c.data
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise WireError(f"{ipath}.data: expected bytes, got {type(data).__name__}")
        data = bytes(data)
        fmt = _str_bytes(c.format, f"{ipath}.format")
        body = (_hdr(K1L, len(data)) + data if data else b"") + (_hdr(K2L, len(fmt)) + fmt if fmt else b"")
        if c.expected_tokens is not None:
            et = pb.check_int(c.expected_tokens, pb.INT32_MIN, pb.INT32_MAX, f"{ipath}.expected_tokens")
            body += K3V + varint(et)
        dims = c.override_dimensions
        if dims is not None:
            w = pb.check_int(dims.width, 0, pb.UINT32_MAX, f"{ipath}.override_dimensions.width")
            hgt = pb.check_int(dims.height, 0, pb.UINT32_MAX, f"{ipath}.override_dimensions.height")
            d = (K1V + varint(w) if w else b"") + (K2V + varint(hgt) if hgt else b"")
            body += _hdr(K4L, len(d)) + d
        chunk = _hdr(K2L, len(body)) + body
    elif isinstance(c, Dmel):
        blob = c.data
        if not isinstance(blob, (bytes, bytearray, memoryview)):
            raise WireError(f"{cpath}.dmel.dmel: expected bytes, got {type(blob).__name__}")
        blob = bytes(blob)
        body = _hdr(K1L, len(blob)) + blob if blob else b""
        chunk = _hdr(K3L, len(body)) + body
    else:
        raise WireError(
            f"{cpath}: cannot encode a {type(c).__name__} chunk as protobuf "
            "(only EncodedText, Image and Dmel travel; image asset pointers are not allowed)"
        )
    out = _hdr(K1L, len(chunk)) + chunk
    parts.append(out)
    return len(out)


def _dec_tensor_entry(buf: bytes, pos: int, end: int, path: str) -> tuple[str, WireTensor]:
    k = ""
    ta = tb = -1
    tag = 0
    try:
        while pos < end:
            tag = buf[pos]
            if tag < 0x80:
                pos += 1
            else:
                tag, pos = read_varint(buf, pos, end)
            if tag == T1L:
                a, pos = read_len(buf, pos, end)
                k = pb.read_string(buf, a, pos, f"{path}.key")
            elif tag == T2L:
                ta, pos = read_len(buf, pos, end)
                tb = pos
            else:
                pos = skip_field(buf, pos, end, tag, _TMAP)
    except _DecodeErrors as e:
        raise context_error(path, _TMAP, tag, e) from None
    if ta < 0:
        raise WireError(f"{_tpath(path, k)}: map entry has no Tensor value")
    return k, _dec_tensor(buf, ta, tb, path, k)


def _dec_datum(buf: bytes, pos: int, end: int, path: str) -> WireDatum:
    chunks: list[WireChunk] = []
    inputs: dict[str, WireTensor] = {}
    mspans: list[WireSpan] | None = None
    lspans: list[WireSpan] | None = None
    tag = 0
    try:
        while pos < end:
            tag = buf[pos]
            if tag < 0x80:
                pos += 1
            else:
                tag, pos = read_varint(buf, pos, end)
            if tag == T1L:
                a, pos = read_len(buf, pos, end)
                chunks.append(_dec_chunk(buf, a, pos, path, len(chunks)))
            elif tag == T2L:
                a, pos = read_len(buf, pos, end)
                k, t = _dec_tensor_entry(buf, a, pos, f"{path}.loss_fn_inputs")
                inputs[k] = t
            elif tag == T3L:
                a, pos = read_len(buf, pos, end)
                if mspans is None:
                    mspans = []
                mspans.append(_dec_span(buf, a, pos, f"{path}.model_input_spans[{len(mspans)}]"))
            elif tag == T4L:
                a, pos = read_len(buf, pos, end)
                if lspans is None:
                    lspans = []
                lspans.append(_dec_span(buf, a, pos, f"{path}.loss_fn_input_spans[{len(lspans)}]"))
            else:
                pos = skip_field(buf, pos, end, tag, _DATUM)
    except _DecodeErrors as e:
        raise context_error(path, _DATUM, tag, e) from None
    return _fast(WireDatum, chunks=chunks, loss_fn_inputs=inputs, model_input_spans=mspans, loss_fn_input_spans=lspans)


def _put_datum_body(parts: Parts, d: WireDatum, path: str) -> int:
    if not isinstance(d, WireDatum):
        raise WireError(f"{path}: expected a WireDatum, got {type(d).__name__}")
    n = 0
    for i, c in enumerate(d.chunks):
        n += _put_chunk(parts, c, path, i)
    for k, t in d.loss_fn_inputs.items():
        kf = _map_key_field(k, f"{path}.loss_fn_inputs")
        body, tsize = _tensor_body(t, f"{path}.loss_fn_inputs[{k!r}]", False)
        th = _hdr(K2L, tsize)
        esize = len(kf) + len(th) + tsize
        h = _hdr(K2L, esize) + kf + th
        parts.append(h)
        parts.extend(body)
        n += len(h) + tsize
    if d.model_input_spans:
        for i, s in enumerate(d.model_input_spans):
            n += _put_span(parts, K3L, s, f"{path}.model_input_spans[{i}]")
    if d.loss_fn_input_spans:
        for i, s in enumerate(d.loss_fn_input_spans):
            n += _put_span(parts, K4L, s, f"{path}.loss_fn_input_spans[{i}]")
    return n


def _dec_double_map_entry(buf: bytes, a: int, b: int, path: str) -> tuple[str, float]:
    k = ""
    v = 0.0
    for g, wt, a2, b2 in iter_fields(buf, a, b, path, _DMAP):
        if g == 1:
            _want(wt, LEN, path, _DMAP, g)
            k = pb.read_string(buf, a2, b2, f"{path}.key")
        elif g == 2:
            _want(wt, I64, path, _DMAP, g)
            v = pb.read_double(buf, a2)
    return k, v


def _dec_config_v2_entry(buf: bytes, a: int, b: int, path: str) -> tuple[str, float | str]:
    k = ""
    vab: tuple[int, int] | None = None
    for g, wt, a2, b2 in iter_fields(buf, a, b, path, _VMAP):
        if g == 1:
            _want(wt, LEN, path, _VMAP, g)
            k = pb.read_string(buf, a2, b2, f"{path}.key")
        elif g == 2:
            _want(wt, LEN, path, _VMAP, g)
            vab = (a2, b2)
    vpath = f"{path}[{k!r}]"
    value: float | str | None = None
    if vab is not None:
        for g, wt, a2, b2 in iter_fields(buf, vab[0], vab[1], vpath, _LCV):
            if g == 1:
                _want(wt, I64, vpath, _LCV, g)
                value = pb.read_double(buf, a2)
            elif g == 2:
                _want(wt, LEN, vpath, _LCV, g)
                value = pb.read_string(buf, a2, b2, f"{vpath}.text")
    if value is None:
        raise WireError(f"{vpath} (LossConfigValue): neither number nor text is set")
    return k, value


def decode_forward_backward_request(data: bytes | bytearray | memoryview) -> WireForwardBackwardRequest:
    """Decode a protobuf ``ForwardBackwardRequest`` body.

    ``loss_fn_config`` merges both wire maps key by key: ``loss_fn_config_v2`` values win, legacy
    ``loss_fn_config`` numbers fill keys that v2 lacks. ``seq_id`` 0 means "not set".
    Unknown fields are skipped. Raises :class:`WireError` for malformed or truncated input.
    """
    buf = _to_bytes(data)
    path = "ForwardBackwardRequest"
    model_id = ""
    seq_id = 0
    datums: list[WireDatum] = []
    loss_fn = ""
    legacy: dict[str, float] = {}
    v2: dict[str, float | str] = {}
    forward_only = False
    pos = 0
    end = len(buf)
    tag = 0
    try:
        while pos < end:
            tag = buf[pos]
            if tag < 0x80:
                pos += 1
            else:
                tag, pos = read_varint(buf, pos, end)
            if tag == T3L:
                a, pos = read_len(buf, pos, end)
                datums.append(_dec_datum(buf, a, pos, f"{path}.data[{len(datums)}]"))
            elif tag == T1L:
                a, pos = read_len(buf, pos, end)
                model_id = pb.read_string(buf, a, pos, f"{path}.model_id")
            elif tag == T2V:
                v, pos = read_varint(buf, pos, end)
                seq_id = pb.to_int32(v)
            elif tag == T4L:
                a, pos = read_len(buf, pos, end)
                loss_fn = pb.read_string(buf, a, pos, f"{path}.loss_fn")
            elif tag == T5L:
                a, pos = read_len(buf, pos, end)
                k, fv = _dec_double_map_entry(buf, a, pos, f"{path}.loss_fn_config")
                legacy[k] = fv
            elif tag == T6V:
                v, pos = read_varint(buf, pos, end)
                forward_only = v != 0
            elif tag == T7L:
                a, pos = read_len(buf, pos, end)
                k, val = _dec_config_v2_entry(buf, a, pos, f"{path}.loss_fn_config_v2")
                v2[k] = val
            else:
                pos = skip_field(buf, pos, end, tag, _FBR)
    except _DecodeErrors as e:
        raise context_error(path, _FBR, tag, e) from None
    config: dict[str, float | str] = dict(legacy)
    config.update(v2)
    return WireForwardBackwardRequest(model_id, seq_id, datums, loss_fn, config, forward_only)


def encode_forward_backward_request(req: WireForwardBackwardRequest) -> bytes:
    """Encode a ``ForwardBackwardRequest`` body.

    Token ids travel as int32 (range-checked). ``loss_fn_config`` is dual-written as the 0.38 client
    does: numbers go into both ``loss_fn_config`` and ``loss_fn_config_v2``, strings only into v2.
    ``seq_id`` ``None`` is written as 0. Raises :class:`WireError` for values the wire cannot carry.
    """
    path = "ForwardBackwardRequest"
    parts: Parts = []
    mid = _str_bytes(req.model_id, f"{path}.model_id")
    if mid:
        parts.append(_hdr(K1L, len(mid)) + mid)
    seq = pb.check_int(req.seq_id if req.seq_id is not None else 0, pb.INT32_MIN, pb.INT32_MAX, f"{path}.seq_id")
    if seq:
        parts.append(K2V + varint(seq))
    for i, d in enumerate(req.data):
        idx = len(parts)
        parts.append(b"")
        n = _put_datum_body(parts, d, f"{path}.data[{i}]")
        parts[idx] = _hdr(K3L, n)
    lf = _str_bytes(req.loss_fn, f"{path}.loss_fn")
    if lf:
        parts.append(_hdr(K4L, len(lf)) + lf)
    v2: list[bytes] = []
    for k, v in req.loss_fn_config.items():
        cpath = f"{path}.loss_fn_config[{k!r}]"
        kb = _str_bytes(k, f"{cpath} key")
        kf = _hdr(K1L, len(kb)) + kb
        if isinstance(v, str):
            sb = _str_bytes(v, cpath)
            lcv = _hdr(K2L, len(sb)) + sb  # oneof arm: written even when empty
        elif isinstance(v, (int, float, np.integer, np.floating)):
            num = pb.double(float(v))
            entry = kf + K2D + num
            parts.append(_hdr(K5L, len(entry)) + entry)
            lcv = K1D + num
        else:
            raise WireError(f"{cpath}: loss_fn_config values must be numbers or strings, got {type(v).__name__}")
        entry = kf + _hdr(K2L, len(lcv)) + lcv
        v2.append(_hdr(K7L, len(entry)) + entry)
    if req.forward_only:
        parts.append(K6V + b"\x01")
    parts.extend(v2)
    return b"".join(parts)


# ======================================================================================================
# ForwardBackwardOutput
# ======================================================================================================


def _dec_batched(buf: bytes, pos: int, end: int, path: str) -> tuple[int, tuple[int, int], np.ndarray, tuple[int, ...]]:
    data_ab = (0, 0)
    off_ab = (0, 0)
    code = DTYPE_UNSPECIFIED
    trailing: list[int] = []
    for f, wt, a, b in iter_fields(buf, pos, end, path, _BT):
        if f == 1:
            _want(wt, LEN, path, _BT, f)
            data_ab = (a, b)
        elif f == 2:
            _want(wt, LEN, path, _BT, f)
            off_ab = (a, b)
        elif f == 3:
            _want(wt, VARINT, path, _BT, f)
            code = pb.to_int32(a)
        elif f == 4:
            if wt == LEN:
                trailing.extend(pb.read_packed_varints(buf, a, b, path, "trailing_shape"))
            elif wt == VARINT:
                trailing.append(pb.to_int64(a))
            else:
                raise pb.bad_wire_type(path, _BT, f, wt, LEN)
    if code not in _WIRE_NP:
        raise WireError(
            f"{path}.dtype (BatchedTensor field 3): unsupported dtype {_DTYPE_NAMES.get(code, code)}; "
            "expected FLOAT32, INT64, INT32 or BFLOAT16"
        )
    offsets = pb.packed_view(buf, off_ab[0], off_ab[1], _I8, path, "offsets")
    return code, data_ab, offsets, tuple(trailing)


def _split_batched(
    buf: bytes,
    code: int,
    data_ab: tuple[int, int],
    offsets: np.ndarray,
    trailing: tuple[int, ...],
    n: int,
    path: str,
) -> list[WireTensor]:
    np_dt = _WIRE_NP[code]
    size = data_ab[1] - data_ab[0]
    if offsets.size != n + 1:
        raise WireError(f"{path}.offsets: has {offsets.size} entries, expected num_datums + 1 = {n + 1}")
    off = offsets.astype(np.int64)
    if off[0] < 0 or off[-1] > size or bool(np.any(off[1:] < off[:-1])):
        raise WireError(f"{path}.offsets: byte offsets must be non-decreasing and within data ({size} bytes)")
    item = np_dt.itemsize
    if bool(np.any(off % item)):
        raise WireError(f"{path}.offsets: byte offsets must be multiples of the {item}-byte element size")
    for d in trailing:
        if d < 0:
            raise WireError(f"{path}.trailing_shape: dimensions must be >= 0, got {list(trailing)}")
    inner = math.prod(trailing)
    lo, hi = int(off[0]), int(off[-1])
    flat = _widen(pb.packed_view(buf, data_ab[0] + lo, data_ab[0] + hi, np_dt, path, "data"), code)
    elem = ((off - lo) // item).tolist()
    label = _LABEL[code]
    out: list[WireTensor] = []
    for i in range(n):
        s, e = elem[i], elem[i + 1]
        numel = e - s
        if inner:
            lead, rem = divmod(numel, inner)
            if rem:
                raise WireError(
                    f"{path}: datum {i} has {numel} elements, not a multiple of trailing_shape {list(trailing)}"
                )
        elif numel:
            raise WireError(f"{path}: datum {i} has {numel} elements but trailing_shape {list(trailing)} holds none")
        else:
            lead = 0
        out.append(
            _fast(
                WireTensor,
                dtype=label,
                shape=(lead, *trailing),
                values=flat[s:e],
                crow_indices=None,
                col_indices=None,
            )
        )
    return out


def _dec_record(buf: bytes, pos: int, end: int, rpath: str) -> list[dict[str, WireTensor]]:
    num = 0
    fields: list[tuple[str, int, tuple[int, int], np.ndarray, tuple[int, ...]]] = []
    for f, wt, a, b in iter_fields(buf, pos, end, rpath, _REC):
        if f == 2:
            _want(wt, LEN, rpath, _REC, f)
            epath = f"{rpath}.fields"
            k = ""
            vab: tuple[int, int] | None = None
            for g, wt2, a2, b2 in iter_fields(buf, a, b, epath, _BMAP):
                if g == 1:
                    _want(wt2, LEN, epath, _BMAP, g)
                    k = pb.read_string(buf, a2, b2, f"{epath}.key")
                elif g == 2:
                    _want(wt2, LEN, epath, _BMAP, g)
                    vab = (a2, b2)
            fpath = f"{epath}[{k!r}]"
            if vab is None:
                raise WireError(f"{fpath}: map entry has no BatchedTensor value")
            fields.append((k, *_dec_batched(buf, vab[0], vab[1], fpath)))
        elif f == 3:
            _want(wt, VARINT, rpath, _REC, f)
            num = pb.to_int64(a)
        elif f == 1:
            _want(wt, LEN, rpath, _REC, f)  # type_tag: not needed by readers
    if num < 0 or (num > _MAX_EMPTY_DATUMS and not fields):
        raise WireError(f"{rpath}.num_datums (ArrayRecord field 3): implausible value {num}")
    if num == 0 and fields:
        num = max(fields[0][3].size - 1, 0)
    datums: list[dict[str, WireTensor]] = [{} for _ in range(num)]
    for k, code, data_ab, offsets, trailing in fields:
        tensors = _split_batched(buf, code, data_ab, offsets, trailing, num, f"{rpath}.fields[{k!r}]")
        for i, t in enumerate(tensors):
            datums[i][k] = t
    return datums


def decode_forward_backward_output(data: bytes | bytearray | memoryview) -> WireForwardBackwardOutput:
    """Decode a protobuf ``ForwardBackwardOutput`` (the result of a forward / forward_backward future).

    Each ``ArrayRecord`` is a run of datums (there may be several); every ``BatchedTensor`` is cut at its
    byte offsets and each datum gets shape ``[numel / prod(trailing_shape), *trailing_shape]``. INT32 is
    widened to int64 and BFLOAT16 to float32. A record's datum count is ``num_datums``, or its first
    field's count when that is 0. ``loss_fn_output_type`` keeps the part after the last ``':'``
    (``"ArrayRecord"`` when empty).
    """
    buf = _to_bytes(data)
    path = "ForwardBackwardOutput"
    out_type = ""
    outputs: list[dict[str, WireTensor]] = []
    metrics: dict[str, float] = {}
    n_records = 0
    for f, wt, a, b in iter_fields(buf, 0, len(buf), path, _FBO):
        if f == 1:
            _want(wt, LEN, path, _FBO, f)
            out_type = pb.read_string(buf, a, b, f"{path}.loss_fn_output_type")
        elif f == 2:
            _want(wt, LEN, path, _FBO, f)
            outputs.extend(_dec_record(buf, a, b, f"{path}.loss_fn_outputs[{n_records}]"))
            n_records += 1
        elif f == 3:
            _want(wt, LEN, path, _FBO, f)
            k, v = _dec_double_map_entry(buf, a, b, f"{path}.metrics")
            metrics[k] = v
    out_type = out_type.rsplit(":", 1)[-1] or "ArrayRecord"
    return WireForwardBackwardOutput(out_type, outputs, metrics)


def _output_signature(d: Any, i: int) -> tuple[tuple[str, str, tuple[int, ...]], ...]:
    if not isinstance(d, Mapping):
        raise WireError(f"ForwardBackwardOutput.loss_fn_outputs[{i}]: expected a dict, got {type(d).__name__}")
    sig = []
    for k, t in d.items():
        if not isinstance(t, WireTensor):
            raise WireError(
                f"ForwardBackwardOutput.loss_fn_outputs[{i}][{k!r}]: expected a WireTensor, got {type(t).__name__}"
            )
        shape = t.shape
        sig.append((k, t.dtype, tuple(shape[1:]) if shape else ()))
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
    ot = _str_bytes(out.loss_fn_output_type, f"{path}.loss_fn_output_type")
    if ot:
        parts.append(_hdr(K1L, len(ot)) + ot)
    groups: list[tuple[int, list[Mapping[str, WireTensor]]]] = []
    last_sig: object = None
    for i, d in enumerate(out.loss_fn_outputs):
        sig = _output_signature(d, i)
        if not groups or sig != last_sig:
            groups.append((i, []))
            last_sig = sig
        groups[-1][1].append(d)
    tag_field = _hdr(K1L, len(ot)) + ot if ot else b""
    for start, g in groups:
        idx = len(parts)
        parts.append(b"")
        n = _put_record_body(parts, g, tag_field, f"{path}.loss_fn_outputs[{start}:{start + len(g)}]")
        parts[idx] = _hdr(K2L, n)
    for k, v in out.metrics.items():
        mpath = f"{path}.metrics[{k!r}]"
        kb = _str_bytes(k, f"{mpath} key")
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
            raise WireError(f"{mpath}: metrics values must be numbers, got {type(v).__name__}")
        entry = _hdr(K1L, len(kb)) + kb + K2D + pb.double(float(v))
        parts.append(_hdr(K3L, len(entry)) + entry)
    return b"".join(parts)


def _put_record_body(parts: Parts, group: list[Mapping[str, WireTensor]], tag_field: bytes, rpath: str) -> int:
    n = 0
    if tag_field:
        parts.append(tag_field)
        n += len(tag_field)
    for k in group[0]:
        tensors = [d[k] for d in group]
        t0 = tensors[0]
        code = _CODE[t0.dtype]
        wire_dt = _WIRE_NP[code]
        arrays = []
        for i, t in enumerate(tensors):
            if t.crow_indices is not None:
                arrays.append(tensor_to_dense(t).reshape(-1))
            else:
                if t.shape is not None and math.prod(t.shape) != t.values.size:
                    validate_tensor(t, f"{rpath}[{i}][{k!r}]")
                arrays.append(t.values)
        sizes = np.fromiter((a.size for a in arrays), dtype=np.int64, count=len(arrays))
        offsets = np.zeros(len(arrays) + 1, dtype=_I8)
        np.cumsum(sizes * wire_dt.itemsize, out=offsets[1:])
        data = np.concatenate(arrays).astype(wire_dt, copy=False)
        trailing = tuple(t0.shape[1:]) if t0.shape else ()
        body = (
            _hdr(K1L, data.nbytes) if data.nbytes else b"",
            data,
            _hdr(K2L, offsets.nbytes),
            offsets,
            _DTYPE_FIELD[code] + (_shape_field(K4L, trailing) if trailing else b""),
        )
        bsize = len(body[0]) + data.nbytes + len(body[2]) + offsets.nbytes + len(body[4])
        kf = _map_key_field(k, f"{rpath}.fields")
        bh = _hdr(K2L, bsize)
        esize = len(kf) + len(bh) + bsize
        h = _hdr(K2L, esize) + kf + bh
        parts.append(h)
        parts.extend(body)
        n += len(h) + bsize
    nd = K3V + varint(len(group))
    parts.append(nd)
    return n + len(nd)


# ======================================================================================================
# SampleResponse
# ======================================================================================================


def _dec_topk(buf: bytes, pos: int, end: int, path: str) -> WireTopk | None:
    ids_ab = lps_ab = (0, 0)
    k = length = 0
    for f, wt, a, b in iter_fields(buf, pos, end, path, _TOPK):
        if f == 1:
            _want(wt, LEN, path, _TOPK, f)
            ids_ab = (a, b)
        elif f == 2:
            _want(wt, LEN, path, _TOPK, f)
            lps_ab = (a, b)
        elif f == 3:
            _want(wt, VARINT, path, _TOPK, f)
            k = pb.to_uint32(a)
        elif f == 4:
            _want(wt, VARINT, path, _TOPK, f)
            length = pb.to_uint32(a)
    if k == 0 or length == 0:
        return None
    ids = pb.packed_view(buf, *ids_ab, _I4, path, "token_ids")
    lps = pb.packed_view(buf, *lps_ab, _F4, path, "logprobs")
    cells = k * length
    if ids.size != cells or lps.size != cells:
        raise WireError(
            f"{path} (TopkLogprobs): length {length} x k {k} = {cells} cells, but token_ids has {ids.size} "
            f"and logprobs has {lps.size}"
        )
    return _fast(
        WireTopk,
        token_ids=ids.astype(np.int64).reshape(length, k),
        logprobs=lps.astype(np.float32).reshape(length, k),
    )


def _put_topk(parts: Parts, key_: bytes, t: WireTopk, path: str) -> int:
    if not isinstance(t, WireTopk):
        raise WireError(f"{path}: expected a WireTopk, got {type(t).__name__}")
    length, k = t.token_ids.shape
    ids = _int32(t.token_ids.reshape(-1), path, "token_ids")
    lps = np.ascontiguousarray(t.logprobs.reshape(-1), dtype=_F4)
    pb.check_int(k, 0, pb.UINT32_MAX, f"{path}.k")
    pb.check_int(length, 0, pb.UINT32_MAX, f"{path}.length")
    ih = _hdr(K1L, ids.nbytes) if ids.nbytes else b""
    lh = _hdr(K2L, lps.nbytes) if lps.nbytes else b""
    tail = (K3V + varint(k) if k else b"") + (K4V + varint(length) if length else b"")
    size = len(ih) + ids.nbytes + len(lh) + lps.nbytes + len(tail)
    h = _hdr(key_, size)
    parts.extend((h + ih, ids, lh, lps, tail))
    return len(h) + size


def _dec_sequence(buf: bytes, pos: int, end: int, path: str) -> WireSampledSequence:
    reason = 0
    tok_a = tok_b = 0
    lp_a = lp_b = -1
    topk: WireTopk | None = None
    tag = 0
    try:
        while pos < end:
            tag = buf[pos]
            if tag < 0x80:
                pos += 1
            else:
                tag, pos = read_varint(buf, pos, end)
            if tag == T2L:
                tok_a, pos = read_len(buf, pos, end)
                tok_b = pos
            elif tag == T3L:
                lp_a, pos = read_len(buf, pos, end)
                lp_b = pos
            elif tag == T1V:
                v, pos = read_varint(buf, pos, end)
                reason = pb.to_int32(v)
            elif tag == T4L:
                a, pos = read_len(buf, pos, end)
                topk = _dec_topk(buf, a, pos, f"{path}.topk_sampled_logprobs")
            else:
                pos = skip_field(buf, pos, end, tag, _SEQ)
    except _DecodeErrors as e:
        raise context_error(path, _SEQ, tag, e) from None
    name = _STOP_REASONS.get(reason)
    if name is None:
        raise WireError(f"{path}.stop_reason (SampledSequence field 1): unknown StopReason value {reason}")
    tokens = pb.packed_view(buf, tok_a, tok_b, _I4, path, "tokens").astype(np.int64)
    logprobs = None
    if lp_a >= 0:
        logprobs = pb.packed_view(buf, lp_a, lp_b, _F4, path, "logprobs").astype(np.float32)
        if logprobs.size != tokens.size:
            raise WireError(f"{path}.logprobs: {logprobs.size} logprobs for {tokens.size} tokens")
    return _fast(WireSampledSequence, stop_reason=name, tokens=tokens, logprobs=logprobs, topk=topk)


def _put_sequence_body(parts: Parts, s: WireSampledSequence, path: str) -> int:
    if not isinstance(s, WireSampledSequence):
        raise WireError(f"{path}: expected a WireSampledSequence, got {type(s).__name__}")
    n = 0
    code = _STOP_CODES[s.stop_reason]
    if code:
        parts.append(K1V + varint(code))
        n += 2
    if s.tokens.size:
        toks = _int32(s.tokens, path, "tokens")
        h = _hdr(K2L, toks.nbytes)
        parts.append(h)
        parts.append(toks)
        n += len(h) + toks.nbytes
    if s.logprobs is not None:
        if s.logprobs.size != s.tokens.size:
            raise WireError(f"{path}.logprobs: {s.logprobs.size} logprobs for {s.tokens.size} tokens")
        lps = np.ascontiguousarray(s.logprobs, dtype=_F4)
        h = _hdr(K3L, lps.nbytes)  # optional: written even when empty
        parts.append(h)
        parts.append(lps)
        n += len(h) + lps.nbytes
    if s.topk is not None:
        n += _put_topk(parts, K4L, s.topk, f"{path}.topk_sampled_logprobs")
    return n


def _dec_alt(buf: bytes, pos: int, end: int, path: str) -> WirePromptAltTokens:
    toks: WireTensor | None = None
    lps: WireTensor | None = None
    for f, wt, a, b in iter_fields(buf, pos, end, path, _ALT):
        if f == 1:
            _want(wt, LEN, path, _ALT, f)
            toks = _dec_tensor(buf, a, b, f"{path}.tokens")
        elif f == 2:
            _want(wt, LEN, path, _ALT, f)
            lps = _dec_tensor(buf, a, b, f"{path}.logprobs")
    if toks is None:
        toks = WireTensor("int64", None, np.zeros(0, np.int64))
    if lps is None:
        lps = WireTensor("float32", None, np.zeros(0, np.float32))
    return WirePromptAltTokens(toks, lps)


def decode_sample_response(data: bytes | bytearray | memoryview) -> WireSampleResponse:
    """Decode a protobuf ``SampleResponse`` (the result of a sample future).

    Token ids (int32 on the wire) become int64; ``prompt_logprobs`` stays float32 with NaN where missing.
    A ``TopkLogprobs`` with ``k == 0`` or ``length == 0`` decodes to ``None``. An unknown stop reason
    raises :class:`WireError`.
    """
    buf = _to_bytes(data)
    path = "SampleResponse"
    seqs: list[WireSampledSequence] = []
    prompt_lp = None
    topk = None
    cache_hits = 0
    target = None
    alt = None
    pos = 0
    end = len(buf)
    tag = 0
    try:
        while pos < end:
            tag = buf[pos]
            if tag < 0x80:
                pos += 1
            else:
                tag, pos = read_varint(buf, pos, end)
            if tag == T1L:
                a, pos = read_len(buf, pos, end)
                seqs.append(_dec_sequence(buf, a, pos, f"{path}.sequences[{len(seqs)}]"))
            elif tag == T2L:
                a, pos = read_len(buf, pos, end)
                prompt_lp = pb.packed_view(buf, a, pos, _F4, path, "prompt_logprobs").astype(np.float32)
            elif tag == T3L:
                a, pos = read_len(buf, pos, end)
                topk = _dec_topk(buf, a, pos, f"{path}.topk_prompt_logprobs")
            elif tag == T4V:
                v, pos = read_varint(buf, pos, end)
                cache_hits = pb.to_int32(v)
            elif tag == T5L:
                a, pos = read_len(buf, pos, end)
                target = _dec_tensor(buf, a, pos, f"{path}.target_prompt_logprobs")
            elif tag == T6L:
                a, pos = read_len(buf, pos, end)
                alt = _dec_alt(buf, a, pos, f"{path}.prompt_alt_tokens")
            else:
                pos = skip_field(buf, pos, end, tag, _SR)
    except _DecodeErrors as e:
        raise context_error(path, _SR, tag, e) from None
    return _fast(
        WireSampleResponse,
        sequences=seqs,
        prompt_logprobs=prompt_lp,
        topk_prompt_logprobs=topk,
        prompt_cache_hit_tokens=cache_hits,
        target_prompt_logprobs=target,
        prompt_alt_tokens=alt,
    )


def encode_sample_response(resp: WireSampleResponse) -> bytes:
    """Encode a ``SampleResponse``.

    Token ids travel as int32 (range-checked; :class:`WireError` names the field otherwise);
    ``prompt_alt_tokens.tokens`` is written as an INT32 tensor. ``None`` fields are left out.
    """
    path = "SampleResponse"
    parts: Parts = []
    for i, s in enumerate(resp.sequences):
        idx = len(parts)
        parts.append(b"")
        n = _put_sequence_body(parts, s, f"{path}.sequences[{i}]")
        parts[idx] = _hdr(K1L, n)
    if resp.prompt_logprobs is not None:
        lp = np.ascontiguousarray(resp.prompt_logprobs, dtype=_F4)
        parts.append(_hdr(K2L, lp.nbytes))  # optional: written even when empty
        parts.append(lp)
    if resp.topk_prompt_logprobs is not None:
        _put_topk(parts, K3L, resp.topk_prompt_logprobs, f"{path}.topk_prompt_logprobs")
    hits = pb.check_int(resp.prompt_cache_hit_tokens, pb.INT32_MIN, pb.INT32_MAX, f"{path}.prompt_cache_hit_tokens")
    if hits:
        parts.append(K4V + varint(hits))
    if resp.target_prompt_logprobs is not None:
        _put_tensor(parts, K5L, resp.target_prompt_logprobs, f"{path}.target_prompt_logprobs")
    alt = resp.prompt_alt_tokens
    if alt is not None:
        apath = f"{path}.prompt_alt_tokens"
        if not isinstance(alt, WirePromptAltTokens):
            raise WireError(f"{apath}: expected a WirePromptAltTokens, got {type(alt).__name__}")
        idx = len(parts)
        parts.append(b"")
        n = _put_tensor(parts, K1L, alt.tokens, f"{apath}.tokens", True)
        n += _put_tensor(parts, K2L, alt.logprobs, f"{apath}.logprobs")
        parts[idx] = _hdr(K6L, n)
    return b"".join(parts)
