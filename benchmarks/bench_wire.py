"""Wire-codec benchmark: tinker_wire's hand-written protobuf codec against protoc's generated classes.

Run: ``python benchmarks/bench_wire.py [--repeats N]``. Both sides start from and end at the same numpy
data: the protoc side includes building messages from numpy (``tobytes``) before ``SerializeToString``,
and converting back to numpy after ``ParseFromString``. Times are the best of N runs; ``ratio`` is
protoc time / tinker_wire time (> 1 means tinker_wire is faster).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np

_ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, _ROOT)
sys.path.insert(1, os.path.join(_ROOT, "generated"))

import tinker_wire as w

N_DATUMS = 64
SEQ_LEN = 2048


def _pb2() -> ModuleType:
    from tinker_proto import tinker_pb2

    return tinker_pb2


def _best(fn: Callable[[], object], repeats: int) -> float:
    fn()  # warm-up
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


# --- workloads --------------------------------------------------------------------------------------------


def make_request(rng: np.random.Generator) -> w.WireForwardBackwardRequest:
    data = []
    for _ in range(N_DATUMS):
        toks = rng.integers(0, 150_000, SEQ_LEN)
        data.append(
            w.WireDatum(
                [w.EncodedText(toks)],
                {
                    "target_tokens": w.TensorData(np.roll(toks, -1), "int64", (SEQ_LEN,)),
                    "weights": w.TensorData(np.ones(SEQ_LEN, np.float32), "float32", (SEQ_LEN,)),
                },
            )
        )
    return w.WireForwardBackwardRequest("model", 1, data, "cross_entropy", {"beta": 0.1})


def make_output(rng: np.random.Generator) -> w.WireForwardBackwardOutput:
    outs = [
        {"logprobs": w.TensorData(rng.standard_normal(SEQ_LEN).astype(np.float32), "float32", (SEQ_LEN,))}
        for _ in range(N_DATUMS)
    ]
    return w.WireForwardBackwardOutput("ArrayRecord", outs, {"loss:sum": 1.0})


def make_sample(rng: np.random.Generator) -> w.WireSampleResponse:
    seqs = []
    for _ in range(16):
        n = 512
        topk = w.WireTopk(rng.integers(0, 150_000, (n, 5)), rng.standard_normal((n, 5)).astype(np.float32))
        seqs.append(
            w.WireSampledSequence(
                "length", rng.integers(0, 150_000, n), rng.standard_normal(n).astype(np.float32), topk
            )
        )
    return w.WireSampleResponse(seqs, prompt_logprobs=rng.standard_normal(1024).astype(np.float32))


# --- the protoc side ------------------------------------------------------------------------------------------

_DT = {"float32": 1, "int64": 2}


def pb_encode_request(pb2: ModuleType, req: w.WireForwardBackwardRequest) -> bytes:
    m = pb2.ForwardBackwardRequest(model_id=req.model_id, seq_id=req.seq_id, loss_fn=req.loss_fn)
    for k, v in req.loss_fn_config.items():
        m.loss_fn_config[k] = float(v)
        m.loss_fn_config_v2[k].number = float(v)
    for d in req.data:
        md = m.data.add()
        for c in d.chunks:
            md.model_input.add().encoded_text.tokens = c.tokens.astype("<i4").tobytes()  # type: ignore[union-attr]
        for k, t in d.loss_fn_inputs.items():
            mt = md.loss_fn_inputs[k]
            values = t._values  # the array itself, as tinker_wire reads it (to_numpy() adds a per-call check)
            mt.dense = values.tobytes()
            mt.dtype = _DT[t.dtype]
            mt.shape.extend(values.shape)
    return m.SerializeToString()  # type: ignore[no-any-return]


def pb_decode_request(pb2: ModuleType, raw: bytes) -> list[Any]:
    m = pb2.ForwardBackwardRequest()
    m.ParseFromString(raw)
    out = []
    for md in m.data:
        toks = [np.frombuffer(c.encoded_text.tokens, "<i4").astype(np.int64) for c in md.model_input]
        inputs = {
            k: np.frombuffer(t.dense, "<f4" if t.dtype == 1 else "<i8").copy().reshape(tuple(t.shape))
            for k, t in md.loss_fn_inputs.items()
        }
        out.append((toks, inputs))
    return out


def pb_encode_output(pb2: ModuleType, o: w.WireForwardBackwardOutput) -> bytes:
    m = pb2.ForwardBackwardOutput(loss_fn_output_type=o.loss_fn_output_type)
    rec = m.loss_fn_outputs.add()
    rec.num_datums = len(o.loss_fn_outputs)
    arrays = [d["logprobs"]._values for d in o.loss_fn_outputs]
    bt = rec.fields["logprobs"]
    bt.data = np.concatenate(arrays).tobytes()
    bt.offsets = np.concatenate([[0], np.cumsum([a.nbytes for a in arrays])]).astype("<i8").tobytes()
    bt.dtype = 1
    for k, v in o.metrics.items():
        m.metrics[k] = v
    return m.SerializeToString()  # type: ignore[no-any-return]


def pb_decode_output(pb2: ModuleType, raw: bytes) -> list[dict[str, np.ndarray]]:
    m = pb2.ForwardBackwardOutput()
    m.ParseFromString(raw)
    outs: list[dict[str, np.ndarray]] = []
    for rec in m.loss_fn_outputs:
        datums: list[dict[str, np.ndarray]] = [{} for _ in range(rec.num_datums)]
        for k, bt in rec.fields.items():
            flat = np.frombuffer(bt.data, "<f4").astype(np.float32)
            offs = (np.frombuffer(bt.offsets, "<i8") // 4).tolist()
            for i in range(rec.num_datums):
                datums[i][k] = flat[offs[i] : offs[i + 1]]
        outs.extend(datums)
    return outs


def pb_encode_sample(pb2: ModuleType, r: w.WireSampleResponse) -> bytes:
    m = pb2.SampleResponse()
    for s in r.sequences:
        ms = m.sequences.add()
        ms.stop_reason = 1 if s.stop_reason == "length" else 0
        ms.tokens = s.tokens.astype("<i4").tobytes()
        if s.logprobs is not None:
            ms.logprobs = s.logprobs.tobytes()
        if s.topk is not None:
            ms.topk_sampled_logprobs.token_ids = s.topk.token_ids.astype("<i4").tobytes()
            ms.topk_sampled_logprobs.logprobs = s.topk.logprobs.tobytes()
            ms.topk_sampled_logprobs.k = s.topk.k
            ms.topk_sampled_logprobs.length = s.topk.length
    if r.prompt_logprobs is not None:
        m.prompt_logprobs = r.prompt_logprobs.tobytes()
    return m.SerializeToString()  # type: ignore[no-any-return]


def pb_decode_sample(pb2: ModuleType, raw: bytes) -> list[Any]:
    m = pb2.SampleResponse()
    m.ParseFromString(raw)
    out = []
    for s in m.sequences:
        t = s.topk_sampled_logprobs
        out.append(
            (
                np.frombuffer(s.tokens, "<i4").astype(np.int64),
                np.frombuffer(s.logprobs, "<f4").copy(),
                np.frombuffer(t.token_ids, "<i4").astype(np.int64).reshape(t.length, t.k),
                np.frombuffer(t.logprobs, "<f4").copy().reshape(t.length, t.k),
            )
        )
    out.append(np.frombuffer(m.prompt_logprobs, "<f4").copy())
    return out


# --- main -------------------------------------------------------------------------------------------------------


def main(repeats: int = 20) -> dict[str, tuple[float, float]]:
    pb2 = _pb2()
    from google.protobuf.internal import api_implementation

    rng = np.random.default_rng(0)
    req, out, sample = make_request(rng), make_output(rng), make_sample(rng)
    raw_req = w.encode_forward_backward_request(req)
    raw_out = w.encode_forward_backward_output(out)
    raw_sample = w.encode_sample_response(sample)
    assert w.decode_forward_backward_request(pb_encode_request(pb2, req)) == req
    assert w.decode_forward_backward_output(pb_encode_output(pb2, out)) == out
    assert w.decode_sample_response(pb_encode_sample(pb2, sample)) == sample

    cases: list[tuple[str, int, Callable[[], object], Callable[[], object]]] = [
        (
            f"encode ForwardBackwardRequest {N_DATUMS}x{SEQ_LEN} tokens",
            len(raw_req),
            lambda: w.encode_forward_backward_request(req),
            lambda: pb_encode_request(pb2, req),
        ),
        (
            f"decode ForwardBackwardRequest {N_DATUMS}x{SEQ_LEN} tokens",
            len(raw_req),
            lambda: w.decode_forward_backward_request(raw_req),
            lambda: pb_decode_request(pb2, raw_req),
        ),
        (
            f"encode ForwardBackwardOutput {N_DATUMS}x{SEQ_LEN} float32",
            len(raw_out),
            lambda: w.encode_forward_backward_output(out),
            lambda: pb_encode_output(pb2, out),
        ),
        (
            f"decode ForwardBackwardOutput {N_DATUMS}x{SEQ_LEN} float32",
            len(raw_out),
            lambda: w.decode_forward_backward_output(raw_out),
            lambda: pb_decode_output(pb2, raw_out),
        ),
        (
            "encode SampleResponse 16x512 tokens, top-5",
            len(raw_sample),
            lambda: w.encode_sample_response(sample),
            lambda: pb_encode_sample(pb2, sample),
        ),
        (
            "decode SampleResponse 16x512 tokens, top-5",
            len(raw_sample),
            lambda: w.decode_sample_response(raw_sample),
            lambda: pb_decode_sample(pb2, raw_sample),
        ),
    ]
    print(f"protobuf runtime: {api_implementation.Type()}, best of {repeats} runs")
    print(f"{'case':<48} {'bytes':>9} {'tinker_wire':>12} {'protoc':>10} {'ratio':>7}")
    results: dict[str, tuple[float, float]] = {}
    for name, size, ours, theirs in cases:
        t_ours = _best(ours, repeats)
        t_pb = _best(theirs, repeats)
        results[name] = (t_ours, t_pb)
        print(f"{name:<48} {size:>9} {t_ours * 1e3:>10.3f}ms {t_pb * 1e3:>8.3f}ms {t_pb / t_ours:>6.2f}x")
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    main(parser.parse_args().repeats)
