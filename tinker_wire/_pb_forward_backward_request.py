"""The protobuf ``ForwardBackwardRequest`` (``POST /api/v1/forward_backward``): datums with their model-input
chunks, ``loss_fn_inputs`` tensors and provenance spans, plus the loss function and its config maps."""

from __future__ import annotations

import numpy as np

from . import _pb as pb
from ._errors import WireError
from ._pb import (
    DECODE_ERRORS,
    I64,
    K1D,
    K1L,
    K1V,
    K2D,
    K2L,
    K2V,
    K3L,
    K3V,
    K4L,
    K5L,
    K6V,
    K7L,
    LEN,
    T1L,
    T2L,
    T2V,
    T3L,
    T4L,
    T5L,
    T6V,
    T7L,
    VARINT,
    MessageSpec,
    Parts,
    as_bytes,
    construct,
    context_error,
    hdr,
    iter_fields,
    map_key_field,
    read_double_map_entry,
    read_len,
    read_varint,
    skip_field,
    str_bytes,
    varint,
    want,
)
from ._pb_tensor import I4, decode_tensor, narrow_int32, tensor_body, tensor_path
from ._types import (
    Dmel,
    EncodedText,
    Image,
    ImageDimensions,
    PromptSpan,
    SampledSpan,
    WireChunk,
    WireDatum,
    WireForwardBackwardRequest,
    WireSpan,
)
from .tensor import TensorData

__all__ = ["decode_forward_backward_request", "encode_forward_backward_request"]

# Message specs: field number -> (name, expected wire type).
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
_LCV = MessageSpec("LossConfigValue", {1: ("number", I64), 2: ("text", LEN)})
_TMAP = MessageSpec("Datum.LossFnInputsEntry", {1: ("key", LEN), 2: ("value", LEN)})
_VMAP = MessageSpec("ForwardBackwardRequest.LossFnConfigV2Entry", {1: ("key", LEN), 2: ("value", LEN)})


def _dec_span(buf: bytes, pos: int, end: int, path: str) -> WireSpan:
    arm = 0
    ab = (0, 0)
    for f, wt, a, b in iter_fields(buf, pos, end, path, _PSPAN):
        if f in (1, 2):
            want(wt, LEN, path, _PSPAN, f)
            arm, ab = f, (a, b)
    if arm == 0:
        raise WireError(f"{path} (ProvenanceSpan): neither prompt_tokens nor sampled_tokens is set")
    spec = _PROMPT_SPAN if arm == 1 else _SAMPLED_SPAN
    spath = f"{path}.{'prompt_tokens' if arm == 1 else 'sampled_tokens'}"
    seq_id = ""
    offset = length = 0
    for f, wt, a, b in iter_fields(buf, ab[0], ab[1], spath, spec):
        if f == 1:
            want(wt, LEN, spath, spec, f)
            seq_id = pb.read_string(buf, a, b, f"{spath}.sequence_id")
        elif f == 2:
            want(wt, VARINT, spath, spec, f)
            offset = pb.to_int64(a)
        elif f == 3:
            want(wt, VARINT, spath, spec, f)
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
    sid = str_bytes(s.sequence_id, f"{path}.sequence_id")
    inner = (
        (hdr(K1L, len(sid)) + sid if sid else b"")
        + (K2V + varint(off) if off else b"")
        + (K3V + varint(ln) if ln else b"")
    )
    wrapped = hdr(arm, len(inner)) + inner
    out = hdr(k, len(wrapped)) + wrapped
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
    except DECODE_ERRORS as e:
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
            return construct(EncodedText, tokens=np.zeros(0, dtype=np.int64))
        return construct(
            EncodedText, tokens=np.frombuffer(buf, dtype=I4, count=size >> 2, offset=tok_a).astype(np.int64)
        )
    path = f"{parent}.model_input[{index}]"
    if arm == 2:
        cpath = f"{path}.image"
        data = b""
        fmt = ""
        expected: int | None = None
        dims: ImageDimensions | None = None
        for f, wt, a2, b2 in iter_fields(buf, a, b, cpath, _IMAGE):
            if f == 1:
                want(wt, LEN, cpath, _IMAGE, f)
                data = buf[a2:b2]
            elif f == 2:
                want(wt, LEN, cpath, _IMAGE, f)
                fmt = pb.read_string(buf, a2, b2, f"{cpath}.format")
            elif f == 3:
                want(wt, VARINT, cpath, _IMAGE, f)
                expected = pb.to_int32(a2)
            elif f == 4:
                want(wt, LEN, cpath, _IMAGE, f)
                w = h = 0
                dpath = f"{cpath}.override_dimensions"
                for g, wt2, a3, _b3 in iter_fields(buf, a2, b2, dpath, _DIMS):
                    if g in (1, 2):
                        want(wt2, VARINT, dpath, _DIMS, g)
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
                want(wt, LEN, cpath, _DMEL, f)
                blob = buf[a2:b2]
        return Dmel(blob)
    raise WireError(f"{path} (Chunk): no known chunk variant is set (encoded_text, image or dmel)")


def _put_chunk(parts: Parts, c: WireChunk, path: str, index: int) -> int:
    """Append ``Datum.model_input`` (field 1) holding one chunk; return the bytes appended."""
    if type(c) is EncodedText:
        toks = narrow_int32(c.tokens, f"{path}.model_input[{index}]", "encoded_text.tokens") if c.tokens.size else None
        if toks is not None:
            nb = toks.nbytes
            inner_h = hdr(K1L, nb)
            text_size = len(inner_h) + nb
        else:
            inner_h = b""
            text_size = 0
        chunk_h = hdr(K1L, text_size)
        chunk_size = len(chunk_h) + text_size
        h = hdr(K1L, chunk_size) + chunk_h + inner_h
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
        fmt = str_bytes(c.format, f"{ipath}.format")
        body = (hdr(K1L, len(data)) + data if data else b"") + (hdr(K2L, len(fmt)) + fmt if fmt else b"")
        if c.expected_tokens is not None:
            et = pb.check_int(c.expected_tokens, pb.INT32_MIN, pb.INT32_MAX, f"{ipath}.expected_tokens")
            body += K3V + varint(et)
        dims = c.override_dimensions
        if dims is not None:
            w = pb.check_int(dims.width, 0, pb.UINT32_MAX, f"{ipath}.override_dimensions.width")
            hgt = pb.check_int(dims.height, 0, pb.UINT32_MAX, f"{ipath}.override_dimensions.height")
            d = (K1V + varint(w) if w else b"") + (K2V + varint(hgt) if hgt else b"")
            body += hdr(K4L, len(d)) + d
        chunk = hdr(K2L, len(body)) + body
    elif isinstance(c, Dmel):
        blob = c.data
        if not isinstance(blob, (bytes, bytearray, memoryview)):
            raise WireError(f"{cpath}.dmel.dmel: expected bytes, got {type(blob).__name__}")
        blob = bytes(blob)
        body = hdr(K1L, len(blob)) + blob if blob else b""
        chunk = hdr(K3L, len(body)) + body
    else:
        raise WireError(
            f"{cpath}: cannot encode a {type(c).__name__} chunk as protobuf "
            "(only EncodedText, Image and Dmel travel; image asset pointers are not allowed)"
        )
    out = hdr(K1L, len(chunk)) + chunk
    parts.append(out)
    return len(out)


def _dec_tensor_entry(buf: bytes, pos: int, end: int, path: str) -> tuple[str, TensorData]:
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
    except DECODE_ERRORS as e:
        raise context_error(path, _TMAP, tag, e) from None
    if ta < 0:
        raise WireError(f"{tensor_path(path, k)}: map entry has no Tensor value")
    return k, decode_tensor(buf, ta, tb, path, k)


def _dec_datum(buf: bytes, pos: int, end: int, path: str) -> WireDatum:
    chunks: list[WireChunk] = []
    inputs: dict[str, TensorData] = {}
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
    except DECODE_ERRORS as e:
        raise context_error(path, _DATUM, tag, e) from None
    return construct(
        WireDatum, chunks=chunks, loss_fn_inputs=inputs, model_input_spans=mspans, loss_fn_input_spans=lspans
    )


def _put_datum_body(parts: Parts, d: WireDatum, path: str) -> int:
    if not isinstance(d, WireDatum):
        raise WireError(f"{path}: expected a WireDatum, got {type(d).__name__}")
    n = 0
    for i, c in enumerate(d.chunks):
        n += _put_chunk(parts, c, path, i)
    for k, t in d.loss_fn_inputs.items():
        kf = map_key_field(k, f"{path}.loss_fn_inputs")
        body, tsize = tensor_body(t, f"{path}.loss_fn_inputs[{k!r}]", False)
        th = hdr(K2L, tsize)
        esize = len(kf) + len(th) + tsize
        h = hdr(K2L, esize) + kf + th
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


def _dec_config_v2_entry(buf: bytes, a: int, b: int, path: str) -> tuple[str, float | str]:
    k = ""
    vab: tuple[int, int] | None = None
    for g, wt, a2, b2 in iter_fields(buf, a, b, path, _VMAP):
        if g == 1:
            want(wt, LEN, path, _VMAP, g)
            k = pb.read_string(buf, a2, b2, f"{path}.key")
        elif g == 2:
            want(wt, LEN, path, _VMAP, g)
            vab = (a2, b2)
    vpath = f"{path}[{k!r}]"
    value: float | str | None = None
    if vab is not None:
        for g, wt, a2, b2 in iter_fields(buf, vab[0], vab[1], vpath, _LCV):
            if g == 1:
                want(wt, I64, vpath, _LCV, g)
                value = pb.read_double(buf, a2)
            elif g == 2:
                want(wt, LEN, vpath, _LCV, g)
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
    buf = as_bytes(data)
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
                k, fv = read_double_map_entry(buf, a, pos, f"{path}.loss_fn_config")
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
    except DECODE_ERRORS as e:
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
    mid = str_bytes(req.model_id, f"{path}.model_id")
    if mid:
        parts.append(hdr(K1L, len(mid)) + mid)
    seq = pb.check_int(req.seq_id if req.seq_id is not None else 0, pb.INT32_MIN, pb.INT32_MAX, f"{path}.seq_id")
    if seq:
        parts.append(K2V + varint(seq))
    for i, d in enumerate(req.data):
        idx = len(parts)
        parts.append(b"")
        n = _put_datum_body(parts, d, f"{path}.data[{i}]")
        parts[idx] = hdr(K3L, n)
    lf = str_bytes(req.loss_fn, f"{path}.loss_fn")
    if lf:
        parts.append(hdr(K4L, len(lf)) + lf)
    v2: list[bytes] = []
    for k, v in req.loss_fn_config.items():
        cpath = f"{path}.loss_fn_config[{k!r}]"
        kb = str_bytes(k, f"{cpath} key")
        kf = hdr(K1L, len(kb)) + kb
        if isinstance(v, str):
            sb = str_bytes(v, cpath)
            lcv = hdr(K2L, len(sb)) + sb  # oneof arm: written even when empty
        elif isinstance(v, (int, float, np.integer, np.floating)):
            num = pb.double(float(v))
            entry = kf + K2D + num
            parts.append(hdr(K5L, len(entry)) + entry)
            lcv = K1D + num
        else:
            raise WireError(f"{cpath}: loss_fn_config values must be numbers or strings, got {type(v).__name__}")
        entry = kf + hdr(K2L, len(lcv)) + lcv
        v2.append(hdr(K7L, len(entry)) + entry)
    if req.forward_only:
        parts.append(K6V + b"\x01")
    parts.extend(v2)
    return b"".join(parts)
