"""``decode_forward_backward_records`` + ``split_output_records``: the same outputs as the eager decoder in every
layout (uniform and ragged datums, trailing shapes, several keys, several records, widened dtypes), with the
values copied out of the body at decode time and every check made then, not when the records are split."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import tinker_wire as w


def _out(outputs: list[dict[str, w.TensorData]]) -> bytes:
    return w.encode_forward_backward_output(w.WireForwardBackwardOutput("ArrayRecord", outputs, {"m:sum": 1.0}))


def _td(arr: np.ndarray) -> w.TensorData:
    return w.TensorData.from_numpy(arr)


rng = np.random.default_rng(3)
CASES = {
    "uniform": [{"logprobs": _td(rng.random(4, dtype=np.float32))} for _ in range(5)],
    "ragged": [{"logprobs": _td(rng.random(n, dtype=np.float32))} for n in (3, 0, 5, 1)],
    "trailing-uniform": [{"x": _td(rng.random((2, 3), dtype=np.float32))} for _ in range(3)],
    "trailing-ragged": [{"x": _td(rng.random((n, 3), dtype=np.float32))} for n in (1, 4, 0)],
    "two-keys": [
        {"logprobs": _td(rng.random(3, dtype=np.float32)), "ids": _td(np.arange(3, dtype=np.int64) + i)}
        for i in range(4)
    ],
    # consecutive datums with other keys start new records
    "records": [
        {"a": _td(np.ones(2, np.float32))},
        {"b": _td(np.zeros(3, np.int64))},
        {"a": _td(np.ones(1, np.float32))},
    ],
    "empty-tensors": [{"x": _td(np.zeros((0, 4), np.float32))} for _ in range(2)],
    "none": [],
}


@pytest.mark.parametrize("outputs", list(CASES.values()), ids=list(CASES))
def test_records_split_to_the_eager_outputs(outputs: list[dict[str, w.TensorData]]) -> None:
    body = _out(outputs)
    recs = w.decode_forward_backward_records(body)
    assert recs.metrics == {"m:sum": 1.0} and recs.loss_fn_output_type == "ArrayRecord"
    split = w.split_output_records(recs.records)
    assert split == w.decode_forward_backward_output(body).loss_fn_outputs == outputs
    for rec in split:
        for t in rec.values():
            assert t._values.flags.writeable and t._shape == t._values.shape
    for rec in recs.records:
        for f in rec.fields:
            assert not np.shares_memory(f.values, np.frombuffer(body, np.uint8))  # copied at decode time


def test_int32_and_bfloat16_are_widened_at_decode_time() -> None:
    # hand-built: one record, "ids" INT32 [1, -2, 3] for one datum, "lp" BFLOAT16 [1.0, -2.0]
    def ld(tag: int, payload: bytes) -> bytes:
        return bytes([tag, len(payload)]) + payload

    def batched(key: bytes, data: bytes, offsets: list[int], code: int) -> bytes:
        bt = ld(0x0A, data) + ld(0x12, np.array(offsets, "<i8").tobytes()) + bytes([0x18, code])
        return ld(0x12, ld(0x0A, key) + ld(0x12, bt))

    ids = np.array([1, -2, 3], "<i4").tobytes()
    lp = (np.array([1.0, -2.0], np.float32).view(np.uint32) >> 16).astype("<u2").tobytes()
    body = ld(0x12, batched(b"ids", ids, [0, 12], 3) + batched(b"lp", lp, [0, 4], 4) + b"\x18\x01")
    recs = w.decode_forward_backward_records(body)
    assert [(f.key, f.dtype, f.values.dtype) for f in recs.records[0].fields] == [
        ("ids", "int64", np.dtype(np.int64)),
        ("lp", "float32", np.dtype(np.float32)),
    ]
    (out,) = w.split_output_records(recs.records)
    assert out["ids"].tolist() == [1, -2, 3] and out["lp"].tolist() == [1.0, -2.0]


def test_bad_records_fail_at_decode_time() -> None:
    body = _out([{"x": _td(np.ones((2, 3), np.float32))}])
    bad = body.replace(b"\x22\x01\x03", b"\x22\x01\x04")  # trailing_shape [4]: 6 elements do not divide
    with pytest.raises(w.WireError, match=r"datum 0 has 6 elements, not a multiple of trailing_shape \[4\]"):
        w.decode_forward_backward_records(bad)
    zero = body.replace(b"\x22\x01\x03", b"\x22\x01\x00")  # trailing_shape [0] holds no element
    with pytest.raises(w.WireError, match="holds none"):
        w.decode_forward_backward_records(zero)


def test_encoding_attaches_nothing_to_the_callers_arrays() -> None:
    # numpy keeps the buffer description an array exports (~56 bytes) until the array dies: the encoder must not
    # leave one on every tensor of the caller's datums (2 per datum, for as long as the datums live).
    def batch(n: int) -> list[w.WireDatum]:
        return [
            w.WireDatum(
                chunks=[w.EncodedText(tokens=np.arange(1, 9, dtype=np.int64))],
                loss_fn_inputs={"target_tokens": _td(np.arange(2, 10)), "weights": _td(np.ones(8, np.float32))},
            )
            for _ in range(n)
        ]

    def encode(data: list[w.WireDatum]) -> None:
        w.encode_forward_backward_request(w.WireForwardBackwardRequest("m", 1, data, "cross_entropy"))

    encode(batch(4))  # caches of the encoder (key and shape fields) are filled once
    n = 2048
    data = batch(n)
    tracemalloc.start()
    try:
        encode(data)
        retained = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert retained < n * 8, f"{retained} bytes stayed behind after encoding {n} datums"
