"""The protobuf ``SampleResponse`` (the result of a sample future): sampled sequences with their logprobs and
top-k grids, prompt logprobs, and the 0.33+ prompt tensors."""

from __future__ import annotations

import numpy as np

from . import _pb as pb
from ._errors import WireError
from ._pb import (
    DECODE_ERRORS,
    K1L,
    K1V,
    K2L,
    K3L,
    K3V,
    K4L,
    K4V,
    K5L,
    K6L,
    LEN,
    T1L,
    T1V,
    T2L,
    T3L,
    T4L,
    T4V,
    T5L,
    T6L,
    VARINT,
    MessageSpec,
    Parts,
    as_bytes,
    construct,
    context_error,
    hdr,
    iter_fields,
    read_len,
    read_varint,
    skip_field,
    varint,
    want,
)
from ._pb_tensor import F4, I4, decode_tensor, narrow_int32, put_tensor
from ._types import WirePromptAltTokens, WireSampledSequence, WireSampleResponse, WireTopk
from .tensor import TensorData

__all__ = ["decode_sample_response", "encode_sample_response"]

_STOP_REASONS = {0: "stop", 1: "length"}
_STOP_CODES = {"stop": 0, "length": 1}

# Message specs: field number -> (name, expected wire type).
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


def _dec_topk(buf: bytes, pos: int, end: int, path: str) -> WireTopk | None:
    ids_ab = lps_ab = (0, 0)
    k = length = 0
    for f, wt, a, b in iter_fields(buf, pos, end, path, _TOPK):
        if f == 1:
            want(wt, LEN, path, _TOPK, f)
            ids_ab = (a, b)
        elif f == 2:
            want(wt, LEN, path, _TOPK, f)
            lps_ab = (a, b)
        elif f == 3:
            want(wt, VARINT, path, _TOPK, f)
            k = pb.to_uint32(a)
        elif f == 4:
            want(wt, VARINT, path, _TOPK, f)
            length = pb.to_uint32(a)
    if k == 0 or length == 0:
        return None
    ids = pb.packed_view(buf, *ids_ab, I4, path, "token_ids")
    lps = pb.packed_view(buf, *lps_ab, F4, path, "logprobs")
    cells = k * length
    if ids.size != cells or lps.size != cells:
        raise WireError(
            f"{path} (TopkLogprobs): length {length} x k {k} = {cells} cells, but token_ids has {ids.size} "
            f"and logprobs has {lps.size}"
        )
    return construct(
        WireTopk,
        token_ids=ids.astype(np.int64).reshape(length, k),
        logprobs=lps.astype(np.float32).reshape(length, k),
    )


def _put_topk(parts: Parts, key_: bytes, t: WireTopk, path: str) -> int:
    if not isinstance(t, WireTopk):
        raise WireError(f"{path}: expected a WireTopk, got {type(t).__name__}")
    length, k = t.token_ids.shape
    ids = narrow_int32(t.token_ids.reshape(-1), path, "token_ids")
    lps = np.ascontiguousarray(t.logprobs.reshape(-1), dtype=F4)
    pb.check_int(k, 0, pb.UINT32_MAX, f"{path}.k")
    pb.check_int(length, 0, pb.UINT32_MAX, f"{path}.length")
    ih = hdr(K1L, ids.nbytes) if ids.nbytes else b""
    lh = hdr(K2L, lps.nbytes) if lps.nbytes else b""
    tail = (K3V + varint(k) if k else b"") + (K4V + varint(length) if length else b"")
    size = len(ih) + ids.nbytes + len(lh) + lps.nbytes + len(tail)
    h = hdr(key_, size)
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
    except DECODE_ERRORS as e:
        raise context_error(path, _SEQ, tag, e) from None
    name = _STOP_REASONS.get(reason)
    if name is None:
        raise WireError(f"{path}.stop_reason (SampledSequence field 1): unknown StopReason value {reason}")
    tokens = pb.packed_view(buf, tok_a, tok_b, I4, path, "tokens").astype(np.int64)
    logprobs = None
    if lp_a >= 0:
        logprobs = pb.packed_view(buf, lp_a, lp_b, F4, path, "logprobs").astype(np.float32)
        if logprobs.size != tokens.size:
            raise WireError(f"{path}.logprobs: {logprobs.size} logprobs for {tokens.size} tokens")
    return construct(WireSampledSequence, stop_reason=name, tokens=tokens, logprobs=logprobs, topk=topk)


def _put_sequence_body(parts: Parts, s: WireSampledSequence, path: str) -> int:
    if not isinstance(s, WireSampledSequence):
        raise WireError(f"{path}: expected a WireSampledSequence, got {type(s).__name__}")
    n = 0
    code = _STOP_CODES[s.stop_reason]
    if code:
        parts.append(K1V + varint(code))
        n += 2
    if s.tokens.size:
        toks = narrow_int32(s.tokens, path, "tokens")
        h = hdr(K2L, toks.nbytes)
        parts.append(h)
        parts.append(toks)
        n += len(h) + toks.nbytes
    if s.logprobs is not None:
        if s.logprobs.size != s.tokens.size:
            raise WireError(f"{path}.logprobs: {s.logprobs.size} logprobs for {s.tokens.size} tokens")
        lps = np.ascontiguousarray(s.logprobs, dtype=F4)
        h = hdr(K3L, lps.nbytes)  # optional: written even when empty
        parts.append(h)
        parts.append(lps)
        n += len(h) + lps.nbytes
    if s.topk is not None:
        n += _put_topk(parts, K4L, s.topk, f"{path}.topk_sampled_logprobs")
    return n


def _dec_alt(buf: bytes, pos: int, end: int, path: str) -> WirePromptAltTokens:
    toks: TensorData | None = None
    lps: TensorData | None = None
    for f, wt, a, b in iter_fields(buf, pos, end, path, _ALT):
        if f == 1:
            want(wt, LEN, path, _ALT, f)
            toks = decode_tensor(buf, a, b, f"{path}.tokens")
        elif f == 2:
            want(wt, LEN, path, _ALT, f)
            lps = decode_tensor(buf, a, b, f"{path}.logprobs")
    if toks is None:
        toks = TensorData._from_checked("int64", np.zeros(0, np.int64), None)
    if lps is None:
        lps = TensorData._from_checked("float32", np.zeros(0, np.float32), None)
    return WirePromptAltTokens(toks, lps)


def decode_sample_response(data: bytes | bytearray | memoryview) -> WireSampleResponse:
    """Decode a protobuf ``SampleResponse`` (the result of a sample future).

    Token ids (int32 on the wire) become int64; ``prompt_logprobs`` stays float32 with NaN where missing.
    A ``TopkLogprobs`` with ``k == 0`` or ``length == 0`` decodes to ``None``. An unknown stop reason
    raises :class:`WireError`.
    """
    buf = as_bytes(data)
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
                prompt_lp = pb.packed_view(buf, a, pos, F4, path, "prompt_logprobs").astype(np.float32)
            elif tag == T3L:
                a, pos = read_len(buf, pos, end)
                topk = _dec_topk(buf, a, pos, f"{path}.topk_prompt_logprobs")
            elif tag == T4V:
                v, pos = read_varint(buf, pos, end)
                cache_hits = pb.to_int32(v)
            elif tag == T5L:
                a, pos = read_len(buf, pos, end)
                target = decode_tensor(buf, a, pos, f"{path}.target_prompt_logprobs")
            elif tag == T6L:
                a, pos = read_len(buf, pos, end)
                alt = _dec_alt(buf, a, pos, f"{path}.prompt_alt_tokens")
            else:
                pos = skip_field(buf, pos, end, tag, _SR)
    except DECODE_ERRORS as e:
        raise context_error(path, _SR, tag, e) from None
    return construct(
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
        parts[idx] = hdr(K1L, n)
    if resp.prompt_logprobs is not None:
        lp = np.ascontiguousarray(resp.prompt_logprobs, dtype=F4)
        parts.append(hdr(K2L, lp.nbytes))  # optional: written even when empty
        parts.append(lp)
    if resp.topk_prompt_logprobs is not None:
        _put_topk(parts, K3L, resp.topk_prompt_logprobs, f"{path}.topk_prompt_logprobs")
    hits = pb.check_int(resp.prompt_cache_hit_tokens, pb.INT32_MIN, pb.INT32_MAX, f"{path}.prompt_cache_hit_tokens")
    if hits:
        parts.append(K4V + varint(hits))
    if resp.target_prompt_logprobs is not None:
        put_tensor(parts, K5L, resp.target_prompt_logprobs, f"{path}.target_prompt_logprobs")
    alt = resp.prompt_alt_tokens
    if alt is not None:
        apath = f"{path}.prompt_alt_tokens"
        if not isinstance(alt, WirePromptAltTokens):
            raise WireError(f"{apath}: expected a WirePromptAltTokens, got {type(alt).__name__}")
        idx = len(parts)
        parts.append(b"")
        n = put_tensor(parts, K1L, alt.tokens, f"{apath}.tokens", True)
        n += put_tensor(parts, K2L, alt.logprobs, f"{apath}.logprobs")
        parts[idx] = hdr(K6L, n)
    return b"".join(parts)
