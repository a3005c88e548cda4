"""Test helpers: hypothesis strategies for the wire types, and converters between our types and the
protoc-generated messages (written against the protobuf runtime, independently of tinker_wire)."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np
from hypothesis import strategies as st

from tinker_wire import (
    Dmel,
    EncodedText,
    Image,
    ImageDimensions,
    PromptSpan,
    SampledSpan,
    WireDatum,
    WireForwardBackwardOutput,
    WireForwardBackwardRequest,
    WirePromptAltTokens,
    WireSampledSequence,
    WireSampleResponse,
    WireTopk,
)
from tinker_wire.tensor import TensorData

INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)

# --------------------------------------------------------------------------------------------------
# strategies
# --------------------------------------------------------------------------------------------------

small_text = st.text(max_size=12)
ident = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=10)


# Arrays come from a drawn seed plus a few drawn edge values at drawn positions: far cheaper than drawing
# every element through hypothesis, still deterministic (derandomize) and still hitting the extremes.


@st.composite
def int_arrays(draw: Any, n: int, lo: int = INT32[0], hi: int = INT32[1]) -> np.ndarray:
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    arr = rng.integers(max(lo, -(2**62)), min(hi, 2**62), size=n, dtype=np.int64, endpoint=True)
    if n:
        for v in draw(st.lists(st.sampled_from([lo, hi, 0, -1, 1]), max_size=3)):
            arr[draw(st.integers(0, n - 1))] = v
    return arr


_FLOAT_EDGES = [0.0, -0.0, 1.0, -1.0, -99999.0, 3.4028235e38, -3.4028235e38, 1e-45, -1e-45]


@st.composite
def float_arrays(draw: Any, n: int, allow_nan: bool = True) -> np.ndarray:
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    arr = (rng.standard_normal(n) * 10.0 ** rng.integers(-3, 4, size=n)).astype(np.float32)
    edges = _FLOAT_EDGES + ([float("nan"), float("inf"), float("-inf")] if allow_nan else [])
    if n:
        for v in draw(st.lists(st.sampled_from(edges), max_size=3)):
            arr[draw(st.integers(0, n - 1))] = v
    return arr


@st.composite
def tensors(
    draw: Any,
    dtype: str | None = None,
    allow_sparse: bool = True,
    allow_no_shape: bool = True,
    int_range: tuple[int, int] = INT64,
    min_rank: int = 1,
) -> TensorData:
    dtype = dtype or draw(st.sampled_from(["float32", "int64"]))
    sparse = allow_sparse and draw(st.booleans())
    if sparse:
        rows = draw(st.integers(0, 5))
        cols = draw(st.integers(1, 5))
        mask = np.array(draw(st.lists(st.booleans(), min_size=rows * cols, max_size=rows * cols)), dtype=bool)
        mask = mask.reshape(rows, cols)
        nnz = int(mask.sum())
        crow = np.concatenate([[0], np.cumsum(mask.sum(axis=1))]).astype(np.int64)
        col = np.nonzero(mask)[1].astype(np.int64)
        vals = draw(float_arrays(nnz)) if dtype == "float32" else draw(int_arrays(nnz, *int_range))
        return TensorData(vals, dtype, (rows, cols), crow, col)  # type: ignore[arg-type]
    rank = draw(st.integers(min_rank, 3))
    shape = tuple(draw(st.lists(st.integers(0, 4), min_size=rank, max_size=rank)))
    n = int(np.prod(shape)) if shape else 1
    vals = draw(float_arrays(n)) if dtype == "float32" else draw(int_arrays(n, *int_range))
    if allow_no_shape and len(shape) == 1 and draw(st.booleans()):
        return TensorData(vals, dtype)  # type: ignore[arg-type]
    return TensorData(vals, dtype, shape)  # type: ignore[arg-type]


@st.composite
def chunks(draw: Any) -> Any:
    kind = draw(st.sampled_from(["text", "text", "image", "dmel"]))
    if kind == "text":
        return EncodedText(draw(int_arrays(draw(st.integers(0, 20)))))
    if kind == "image":
        dims = draw(st.none() | st.builds(ImageDimensions, st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1)))
        return Image(
            draw(st.binary(max_size=20)),
            draw(st.sampled_from(["png", "jpeg", ""])),
            draw(st.none() | st.integers(*INT32)),
            dims,
        )
    return Dmel(draw(st.binary(max_size=20)))


spans = st.builds(
    lambda cls, sid, off, ln: cls(sid, off, ln),
    st.sampled_from([PromptSpan, SampledSpan]),
    small_text,
    st.one_of(st.integers(0, 2**40), st.integers(*INT64)),
    st.one_of(st.integers(0, 2**40), st.integers(*INT64)),
)


@st.composite
def datums(draw: Any) -> WireDatum:
    keys = draw(
        st.lists(
            st.sampled_from(["target_tokens", "weights", "advantages", "logprobs", "x"]),
            unique=True,
            max_size=3,
        )
    )
    inputs = {k: draw(tensors()) for k in keys}
    mspans = draw(st.none() | st.lists(spans, min_size=1, max_size=3))
    lspans = draw(st.none() | st.lists(spans, min_size=1, max_size=3))
    return WireDatum(draw(st.lists(chunks(), max_size=3)), inputs, mspans, lspans)


config_values = st.one_of(
    st.floats(allow_nan=False),
    st.integers(-(10**6), 10**6).map(float),
    small_text,
)


@st.composite
def fwdbwd_requests(draw: Any) -> WireForwardBackwardRequest:
    return WireForwardBackwardRequest(
        model_id=draw(small_text),
        seq_id=draw(st.integers(*INT32)),
        data=draw(st.lists(datums(), max_size=4)),
        loss_fn=draw(st.sampled_from(["cross_entropy", "ppo", "custom", ""])),
        loss_fn_config=draw(st.dictionaries(small_text, config_values, max_size=4)),
        forward_only=draw(st.booleans()),
    )


@st.composite
def output_tensors(draw: Any, dtype: str, trailing: tuple[int, ...]) -> TensorData:
    lead = draw(st.integers(0, 5))
    shape = (lead, *trailing)
    n = int(np.prod(shape))
    vals = draw(float_arrays(n)) if dtype == "float32" else draw(int_arrays(n, *INT64))
    return TensorData(vals, dtype, shape)  # type: ignore[arg-type]


@st.composite
def fwdbwd_outputs(draw: Any, uniform: bool | None = None) -> WireForwardBackwardOutput:
    if uniform is None:
        uniform = draw(st.booleans())
    n = draw(st.integers(0, 5))

    def schema() -> dict[str, tuple[str, tuple[int, ...]]]:
        keys = draw(st.lists(st.sampled_from(["logprobs", "elementwise_loss", "ids"]), unique=True, max_size=3))
        return {
            k: (
                draw(st.sampled_from(["float32", "int64"])),
                tuple(draw(st.lists(st.integers(1, 3), max_size=2))),
            )
            for k in keys
        }

    shared = schema()
    outs = []
    for _ in range(n):
        sch = shared if uniform else schema()
        outs.append({k: draw(output_tensors(dt, tr)) for k, (dt, tr) in sch.items()})
    metrics = draw(st.dictionaries(small_text, st.floats(allow_nan=False), max_size=3))
    return WireForwardBackwardOutput(draw(st.sampled_from(["ArrayRecord", "TorchLossReturn"])), outs, metrics)


@st.composite
def topks(draw: Any) -> WireTopk:
    n = draw(st.integers(1, 4))
    k = draw(st.integers(1, 3))
    return WireTopk(draw(int_arrays(n * k)).reshape(n, k), draw(float_arrays(n * k)).reshape(n, k))


@st.composite
def sequences(draw: Any) -> WireSampledSequence:
    n = draw(st.integers(0, 10))
    return WireSampledSequence(
        draw(st.sampled_from(["stop", "length"])),
        draw(int_arrays(n)),
        draw(st.none() | float_arrays(n)),
        draw(st.none() | topks()),
    )


@st.composite
def sample_responses(draw: Any) -> WireSampleResponse:
    alt = None
    if draw(st.booleans()):
        rows = draw(st.integers(0, 4))
        k = draw(st.integers(0, 3))
        alt = WirePromptAltTokens(
            TensorData(draw(int_arrays(rows * k)), "int64", (rows, k)),
            TensorData(draw(float_arrays(rows * k)), "float32", (rows, k)),
        )
    return WireSampleResponse(
        sequences=draw(st.lists(sequences(), max_size=3)),
        prompt_logprobs=draw(st.none() | st.integers(0, 8).flatmap(lambda n: float_arrays(n))),
        topk_prompt_logprobs=draw(st.none() | topks()),
        prompt_cache_hit_tokens=draw(st.integers(*INT32)),
        target_prompt_logprobs=draw(st.none() | tensors(dtype="float32", allow_no_shape=False)),
        prompt_alt_tokens=alt,
    )


# --------------------------------------------------------------------------------------------------
# our types <-> protoc messages (reference implementation on top of the protobuf runtime)
# --------------------------------------------------------------------------------------------------

_DT = {"float32": 1, "int64": 2}
_NP = {1: "<f4", 2: "<i8", 3: "<i4", 4: "<u2"}


def _widen(raw: bytes, code: int) -> np.ndarray:
    arr = np.frombuffer(raw, dtype=_NP[code])
    if code == 4:
        return (arr.astype(np.uint32) << 16).view(np.float32)
    return arr.astype(np.float32 if code == 1 else np.int64)


def tensor_to_pb(pb2: ModuleType, t: TensorData, int32: bool = False) -> Any:
    m = pb2.Tensor()
    code = _DT[t.dtype]
    if int32 and code == 2:
        code = 3
    vals = np.asarray(t.data, dtype=_NP[code])
    if t.is_sparse:
        m.sparse_csr.values = vals.tobytes()
        m.sparse_csr.crow_indices = np.asarray(t.sparse_crow_indices, "<i8").tobytes()
        m.sparse_csr.col_indices = np.asarray(t.sparse_col_indices, "<i8").tobytes()
    else:
        m.dense = vals.tobytes()
    m.dtype = code
    if t.shape is not None:
        m.shape.extend(t.shape)
    return m


def tensor_from_pb(m: Any) -> TensorData:
    code = m.dtype
    label = "float32" if code in (1, 4) else "int64"
    shape = tuple(m.shape) if len(m.shape) else None
    if m.WhichOneof("encoding") == "sparse_csr":
        return TensorData(
            _widen(m.sparse_csr.values, code),
            label,  # type: ignore[arg-type]
            shape,
            np.frombuffer(m.sparse_csr.crow_indices, "<i8").astype(np.int64),
            np.frombuffer(m.sparse_csr.col_indices, "<i8").astype(np.int64),
        )
    return TensorData(_widen(m.dense, code), label, shape)  # type: ignore[arg-type]


def span_to_pb(pb2: ModuleType, s: Any) -> Any:
    m = pb2.ProvenanceSpan()
    arm = m.prompt_tokens if isinstance(s, PromptSpan) else m.sampled_tokens
    arm.sequence_id = s.sequence_id
    arm.offset = s.offset
    arm.length = s.length
    if not (s.sequence_id or s.offset or s.length):
        arm.SetInParent()
    return m


def span_from_pb(m: Any) -> Any:
    which = m.WhichOneof("span")
    arm = getattr(m, which)
    return (PromptSpan if which == "prompt_tokens" else SampledSpan)(arm.sequence_id, arm.offset, arm.length)


def request_to_pb(pb2: ModuleType, req: WireForwardBackwardRequest, *, dual_write: bool = True) -> Any:
    """What an official 0.38 client would send (``dual_write=False``: a 0.25 client, numbers only)."""
    m = pb2.ForwardBackwardRequest(model_id=req.model_id, seq_id=req.seq_id, loss_fn=req.loss_fn)
    m.forward_only = req.forward_only
    for d in req.data:
        md = m.data.add()
        for c in d.chunks:
            mc = md.model_input.add()
            if isinstance(c, EncodedText):
                mc.encoded_text.tokens = c.tokens.astype("<i4").tobytes()
            elif isinstance(c, Image):
                mc.image.data = c.data
                mc.image.format = c.format
                if c.expected_tokens is not None:
                    mc.image.expected_tokens = c.expected_tokens
                if c.override_dimensions is not None:
                    mc.image.override_dimensions.width = c.override_dimensions.width
                    mc.image.override_dimensions.height = c.override_dimensions.height
                mc.image.SetInParent()
            else:
                mc.dmel.dmel = c.data
                mc.dmel.SetInParent()
        for k, t in d.loss_fn_inputs.items():
            md.loss_fn_inputs[k].CopyFrom(tensor_to_pb(pb2, t))
        for s in d.model_input_spans or []:
            md.model_input_spans.append(span_to_pb(pb2, s))
        for s in d.loss_fn_input_spans or []:
            md.loss_fn_input_spans.append(span_to_pb(pb2, s))
    for k, v in req.loss_fn_config.items():
        if isinstance(v, str):
            m.loss_fn_config_v2[k].text = v
        else:
            m.loss_fn_config[k] = float(v)
            if dual_write:
                m.loss_fn_config_v2[k].number = float(v)
    return m


def request_from_pb(m: Any) -> WireForwardBackwardRequest:
    data = []
    for md in m.data:
        chunks_: list[Any] = []
        for mc in md.model_input:
            which = mc.WhichOneof("chunk")
            if which == "encoded_text":
                chunks_.append(EncodedText(np.frombuffer(mc.encoded_text.tokens, "<i4").astype(np.int64)))
            elif which == "image":
                im = mc.image
                dims = (
                    ImageDimensions(im.override_dimensions.width, im.override_dimensions.height)
                    if im.HasField("override_dimensions")
                    else None
                )
                et = im.expected_tokens if im.HasField("expected_tokens") else None
                chunks_.append(Image(im.data, im.format, et, dims))
            else:
                chunks_.append(Dmel(mc.dmel.dmel))
        inputs = {k: tensor_from_pb(t) for k, t in md.loss_fn_inputs.items()}
        ms = [span_from_pb(s) for s in md.model_input_spans] or None
        ls = [span_from_pb(s) for s in md.loss_fn_input_spans] or None
        data.append(WireDatum(chunks_, inputs, ms, ls))
    config: dict[str, float | str] = dict(m.loss_fn_config)
    for k, v in m.loss_fn_config_v2.items():
        config[k] = v.number if v.WhichOneof("value") == "number" else v.text
    return WireForwardBackwardRequest(m.model_id, m.seq_id, data, m.loss_fn, config, m.forward_only)


def output_to_pb(pb2: ModuleType, out: WireForwardBackwardOutput, *, records: str = "single") -> Any:
    """``records``: "single" (one ArrayRecord, needs uniform datums) or "per_datum" (one record each)."""
    m = pb2.ForwardBackwardOutput(loss_fn_output_type="tinker.types:" + out.loss_fn_output_type)
    groups = [out.loss_fn_outputs] if records == "single" else [[d] for d in out.loss_fn_outputs]
    for g in groups:
        if not g:
            continue
        rec = m.loss_fn_outputs.add()
        rec.type_tag = "ArrayRecord"
        rec.num_datums = len(g)
        for k in g[0]:
            arrs = [d[k].to_numpy().astype(_NP[_DT[d[k].dtype]]) for d in g]
            bt = rec.fields[k]
            bt.data = b"".join(a.tobytes() for a in arrs)
            bt.offsets = np.concatenate([[0], np.cumsum([a.nbytes for a in arrs])]).astype("<i8").tobytes()
            bt.dtype = _DT[g[0][k].dtype]
            bt.trailing_shape.extend(g[0][k].shape[1:])
    for k, v in out.metrics.items():
        m.metrics[k] = v
    return m


def output_from_pb(m: Any) -> WireForwardBackwardOutput:
    outs: list[dict[str, TensorData]] = []
    for rec in m.loss_fn_outputs:
        n = rec.num_datums
        recs: list[dict[str, TensorData]] = [{} for _ in range(n)]
        for k, bt in rec.fields.items():
            offs = np.frombuffer(bt.offsets, "<i8")
            item = np.dtype(_NP[bt.dtype]).itemsize
            trailing = tuple(bt.trailing_shape)
            for i in range(n):
                vals = _widen(bt.data[offs[i] : offs[i + 1]], bt.dtype)
                inner = int(np.prod(trailing)) if trailing else 1
                lead = vals.size // inner if inner else 0
                assert (offs[i + 1] - offs[i]) % item == 0
                recs[i][k] = TensorData(vals, "float32" if bt.dtype in (1, 4) else "int64", (lead, *trailing))
        outs.extend(recs)
    out_type = m.loss_fn_output_type.rsplit(":", 1)[-1] or "ArrayRecord"
    return WireForwardBackwardOutput(out_type, outs, dict(m.metrics))


def topk_to_pb(pb2: ModuleType, msg: Any, t: WireTopk) -> None:
    msg.token_ids = t.token_ids.astype("<i4").tobytes()
    msg.logprobs = t.logprobs.astype("<f4").tobytes()
    msg.k = t.k
    msg.length = t.length
    msg.SetInParent()


def topk_from_pb(msg: Any) -> WireTopk | None:
    if msg.k == 0 or msg.length == 0:
        return None
    ids = np.frombuffer(msg.token_ids, "<i4").astype(np.int64).reshape(msg.length, msg.k)
    lps = np.frombuffer(msg.logprobs, "<f4").astype(np.float32).reshape(msg.length, msg.k)
    return WireTopk(ids, lps)


def sample_to_pb(pb2: ModuleType, r: WireSampleResponse) -> Any:
    m = pb2.SampleResponse(prompt_cache_hit_tokens=r.prompt_cache_hit_tokens)
    for s in r.sequences:
        ms = m.sequences.add()
        ms.stop_reason = 0 if s.stop_reason == "stop" else 1
        ms.tokens = s.tokens.astype("<i4").tobytes()
        if s.logprobs is not None:
            ms.logprobs = s.logprobs.astype("<f4").tobytes()
        if s.topk is not None:
            topk_to_pb(pb2, ms.topk_sampled_logprobs, s.topk)
    if r.prompt_logprobs is not None:
        m.prompt_logprobs = r.prompt_logprobs.astype("<f4").tobytes()
    if r.topk_prompt_logprobs is not None:
        topk_to_pb(pb2, m.topk_prompt_logprobs, r.topk_prompt_logprobs)
    if r.target_prompt_logprobs is not None:
        m.target_prompt_logprobs.CopyFrom(tensor_to_pb(pb2, r.target_prompt_logprobs))
    if r.prompt_alt_tokens is not None:
        m.prompt_alt_tokens.tokens.CopyFrom(tensor_to_pb(pb2, r.prompt_alt_tokens.tokens, int32=True))
        m.prompt_alt_tokens.logprobs.CopyFrom(tensor_to_pb(pb2, r.prompt_alt_tokens.logprobs))
    return m


def sample_from_pb(m: Any) -> WireSampleResponse:
    seqs = []
    for ms in m.sequences:
        seqs.append(
            WireSampledSequence(
                {0: "stop", 1: "length"}[ms.stop_reason],  # type: ignore[arg-type]
                np.frombuffer(ms.tokens, "<i4").astype(np.int64),
                np.frombuffer(ms.logprobs, "<f4").astype(np.float32) if ms.HasField("logprobs") else None,
                topk_from_pb(ms.topk_sampled_logprobs) if ms.HasField("topk_sampled_logprobs") else None,
            )
        )
    alt = None
    if m.HasField("prompt_alt_tokens"):
        alt = WirePromptAltTokens(
            tensor_from_pb(m.prompt_alt_tokens.tokens), tensor_from_pb(m.prompt_alt_tokens.logprobs)
        )
    return WireSampleResponse(
        seqs,
        np.frombuffer(m.prompt_logprobs, "<f4").astype(np.float32) if m.HasField("prompt_logprobs") else None,
        topk_from_pb(m.topk_prompt_logprobs) if m.HasField("topk_prompt_logprobs") else None,
        m.prompt_cache_hit_tokens,
        tensor_from_pb(m.target_prompt_logprobs) if m.HasField("target_prompt_logprobs") else None,
        alt,
    )
