"""Chunking of forward/forward_backward batches (docs/protocol.md#chunking) and merging of chunk results."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from fake_tinker import BASE_MODEL, SEEDED, FakeServer, datum, decoded_fb, fake_logprobs, make_service
from hypothesis import given
from hypothesis import strategies as st

import tinker
from tinker._chunking import estimate_bytes, merge_metrics, merge_outputs, split_batch

# ------------------------------------------------------------------ estimate_bytes


def test_estimate_bytes_per_kind() -> None:
    text = tinker.Datum(model_input=tinker.ModelInput.from_ints([1, 2, 3]))
    assert estimate_bytes(text) == 12  # 4 bytes per token
    img = tinker.ImageChunk(data=b"x" * 100, format="png", expected_tokens=4)
    dmel = tinker.DmelChunk(dmel=b"y" * 33)
    ptr = tinker.ImageAssetPointerChunk(format="jpeg", location="s3://bucket/img.jpg", expected_tokens=2)
    mixed = tinker.Datum(model_input=tinker.ModelInput(chunks=[img, dmel, ptr]))
    assert estimate_bytes(mixed) == 100 + 33 + len("s3://bucket/img.jpg")
    dense = tinker.Datum(
        model_input=tinker.ModelInput.from_ints([1]),
        loss_fn_inputs={
            "target_tokens": np.arange(6, dtype=np.int64).reshape(2, 3),
            "weights": np.ones(6, dtype=np.float32),
        },
    )
    assert estimate_bytes(dense) == 4 + 6 * 8 + 6 * 4
    csr = tinker.TensorData(
        [5.0, 7.0], dtype="float32", shape=[2, 3], sparse_crow_indices=[0, 1, 2], sparse_col_indices=[0, 2]
    )
    sparse = tinker.Datum(model_input=tinker.ModelInput.from_ints([1]), loss_fn_inputs={"weights": csr})
    assert estimate_bytes(sparse) == 4 + 2 * 4 + 8 * (3 + 2)


# ------------------------------------------------------------------ split_batch


def _sized(n_tokens: int, tag: int) -> tinker.Datum:
    return tinker.Datum(model_input=tinker.ModelInput.from_ints([tag] * n_tokens))


@SEEDED
@given(
    sizes=st.lists(st.integers(min_value=1, max_value=60), min_size=1, max_size=40),
    max_len=st.integers(min_value=1, max_value=12),
    max_bytes=st.integers(min_value=1, max_value=600),
)
def test_split_batch_properties(sizes: list[int], max_len: int, max_bytes: int) -> None:
    data = [_sized(n, i) for i, n in enumerate(sizes)]
    chunks = split_batch(data, max_len, max_bytes)
    # order kept and nothing lost or duplicated
    flat = [d for c in chunks for d in c]
    assert len(flat) == len(data) and all(a is b for a, b in zip(flat, data))
    for c in chunks:
        assert 1 <= len(c) <= max_len
        size = sum(estimate_bytes(d) for d in c)
        assert size <= max_bytes or len(c) == 1  # only a lone datum may exceed the byte limit
    # greedy: a chunk was closed only because the next datum would not fit
    for c, nxt in itertools.pairwise(chunks):
        assert len(c) == max_len or sum(estimate_bytes(d) for d in c) + estimate_bytes(nxt[0]) > max_bytes


def test_split_batch_oversize_datum_travels_alone() -> None:
    small, big = _sized(2, 0), _sized(100, 1)
    chunks = split_batch([small, big, small], max_len=10, max_bytes=50)
    assert [len(c) for c in chunks] == [1, 1, 1]
    assert chunks[1][0] is big


def test_split_batch_errors() -> None:
    with pytest.raises(ValueError, match="No data"):
        split_batch([], 10, 100)
    with pytest.raises(ValueError):
        split_batch([_sized(1, 0)], 0, 100)


# ------------------------------------------------------------------ merge_metrics


def _reference_merge(per_chunk: list[dict[str, float]], weights: list[int]) -> dict[str, float]:
    """Independent reference of the reductions (docs/protocol.md#merging-chunk-metrics), keys in every chunk."""
    out: dict[str, float] = {}
    for key in per_chunk[0]:
        vals = [m[key] for m in per_chunk]
        red = key.split(":")[-1]
        total_w = sum(weights)
        wmean = sum(v * w for v, w in zip(vals, weights)) / total_w if total_w else sum(vals) / len(vals)
        if red == "sum":
            out[key] = math.fsum(vals)
        elif red == "mean":
            out[key] = wmean
        elif red == "min":
            out[key] = min(vals)
        elif red == "max":
            out[key] = max(vals)
        elif red == "slack":
            out[key] = max(vals) - wmean
        elif red == "hash2":
            out[key] = float(sum(int(v) % 2**64 for v in vals) % 2**64)
        elif red == "unique":
            for i, v in enumerate(vals):
                out[key if i == 0 else f"{key}_{i}"] = v
    return out


REDUCTIONS = ["sum", "mean", "min", "max", "slack", "hash2", "unique"]
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
hash_value = st.integers(min_value=0, max_value=2**53).map(float)


@st.composite
def chunk_metrics(draw: st.DrawFn) -> tuple[list[dict[str, float]], list[int]]:
    n_chunks = draw(st.integers(min_value=2, max_value=6))
    reds = draw(st.lists(st.sampled_from(REDUCTIONS), min_size=1, max_size=7, unique=True))
    per_chunk = []
    for _ in range(n_chunks):
        m = {}
        for r in reds:
            m[f"m_{r}:{r}"] = draw(hash_value if r == "hash2" else finite)
        per_chunk.append(m)
    weights = draw(st.lists(st.integers(min_value=1, max_value=50), min_size=n_chunks, max_size=n_chunks))
    return per_chunk, weights


@SEEDED
@given(chunk_metrics())
def test_merge_metrics_matches_reference(case: tuple[list[dict[str, float]], list[int]]) -> None:
    per_chunk, weights = case
    merged = merge_metrics(per_chunk, weights)
    expected = _reference_merge(per_chunk, weights)
    assert set(merged) == set(expected)
    for key, value in expected.items():
        assert merged[key] == pytest.approx(value, rel=1e-9, abs=1e-6), key


def test_merge_metrics_examples() -> None:
    per_chunk = [
        {"loss:sum": 1.0, "acc:mean": 0.5, "lr:unique": 0.1, "h:hash2": float(2**63)},
        {"loss:sum": 2.0, "acc:mean": 1.0, "lr:unique": 0.2, "h:hash2": float(2**63 + 4096)},
    ]
    merged = merge_metrics(per_chunk, [1, 3])
    assert merged["loss:sum"] == 3.0
    assert merged["acc:mean"] == pytest.approx((0.5 * 1 + 1.0 * 3) / 4)
    assert merged["lr:unique"] == 0.1 and merged["lr:unique_1"] == 0.2
    assert merged["h:hash2"] == float((2**64 + 4096) % 2**64)


def test_merge_metrics_single_chunk_is_a_copy() -> None:
    m = {"loss:sum": 1.0}
    out = merge_metrics([m], [3])
    assert out == m and out is not m


def test_merge_metrics_zero_weights_do_not_crash() -> None:
    assert merge_metrics([{"a:mean": 1.0}, {"a:mean": 3.0}], [0, 0])["a:mean"] == 2.0


def test_merge_outputs_concatenates_in_order() -> None:
    outs = [
        tinker.ForwardBackwardOutput(
            "t",
            [{"logprobs": tinker.TensorData([float(i)], dtype="float32")} for i in range(k, k + n)],
            {"loss:sum": float(n)},
        )
        for k, n in ((0, 2), (2, 1), (3, 3))
    ]
    merged = merge_outputs(outs)
    assert [o["logprobs"].tolist() for o in merged.loss_fn_outputs] == [[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]]
    assert merged.metrics == {"loss:sum": 6.0}
    assert merged.loss_fn_output_type == "t"


# ------------------------------------------------------------------ end to end


def _chunked_client(server: FakeServer, **config) -> tuple:
    server.config = config
    svc = make_service(server)
    return svc, svc.create_lora_training_client(BASE_MODEL).result(timeout=10)


def test_batch_of_five_with_chunk_len_two(server: FakeServer) -> None:
    svc, tc = _chunked_client(server, fwdbwd_max_chunk_len=2)
    data = [datum(3, start=10 * (i + 1)) for i in range(5)]
    out = tc.forward_backward(data, "cross_entropy").result(timeout=10)
    reqs = decoded_fb(server)
    assert len(reqs) == 3
    assert sorted(r.seq_id for r in reqs) == [1, 2, 3]
    assert reqs[-1].seq_id == 1  # the lowest seq_id is submitted last
    by_seq = {r.seq_id: r for r in reqs}
    assert [len(by_seq[s].data) for s in (1, 2, 3)] == [2, 2, 1]
    firsts = [int(d.chunks[0].tokens[0]) for s in (1, 2, 3) for d in by_seq[s].data]
    assert firsts == [10, 20, 30, 40, 50]  # chunks keep the batch order
    # outputs concatenated in input order
    assert len(out.loss_fn_outputs) == 5
    for d, o in zip(data, out.loss_fn_outputs):
        np.testing.assert_allclose(
            o["logprobs"].to_numpy(), fake_logprobs(d.loss_fn_inputs["target_tokens"].to_numpy())
        )
    # metrics merged by suffix: sums add up, means are weighted by datum count
    assert out.metrics["n:sum"] == 5.0
    assert out.metrics["seq:mean"] == pytest.approx((1 * 2 + 2 * 2 + 3 * 1) / 5)
    expected_loss = sum(float(-fake_logprobs(d.loss_fn_inputs["target_tokens"].to_numpy()).sum()) for d in data)
    assert out.metrics["loss:sum"] == pytest.approx(expected_loss, rel=1e-5)
    # the next call continues after the reserved chunk ids
    tc.optim_step(tinker.AdamParams()).result(timeout=10)
    assert server.op_calls("optim_step")[0].body["seq_id"] == 4
    svc.close().result(timeout=10)


def test_serial_chunks_submit_in_seq_order(server: FakeServer) -> None:
    svc, tc = _chunked_client(server, fwdbwd_max_chunk_len=2, parallel_fwdbwd_chunks=False)
    tc.forward([datum(2, start=i + 1) for i in range(5)], "cross_entropy").result(timeout=10)
    assert [r.seq_id for r in decoded_fb(server)] == [1, 2, 3]
    assert all(r.forward_only for r in decoded_fb(server))
    svc.close().result(timeout=10)


def test_chunks_split_by_bytes(server: FakeServer) -> None:
    # each datum: 4 tokens (16 bytes) + target_tokens int64 (32) + weights float32 (16) = 64 bytes
    svc, tc = _chunked_client(server, fwdbwd_max_chunk_bytes_count=130)
    out = tc.forward_backward([datum(4, start=i + 1) for i in range(5)], "cross_entropy").result(timeout=10)
    assert sorted(len(r.data) for r in decoded_fb(server)) == [1, 2, 2]
    assert len(out.loss_fn_outputs) == 5
    svc.close().result(timeout=10)


def test_zstd_compressed_chunks(server: FakeServer) -> None:
    svc, tc = _chunked_client(server, proto_compress_fwdbwd=True)
    tc.forward_backward([datum()], "cross_entropy").result(timeout=10)
    (sub,) = server.op_calls("forward_backward")
    assert sub.header("content-encoding") == "zstd"
    assert decoded_fb(server)[0].seq_id == 1
    svc.close().result(timeout=10)


def test_failed_chunk_fails_the_call_and_keeps_the_client_usable(server: FakeServer) -> None:
    svc, tc = _chunked_client(server, fwdbwd_max_chunk_len=1)
    server.script_polls({"error": "chunk exploded", "category": "server"})
    with pytest.raises(tinker.RequestFailedError, match="chunk exploded"):
        tc.forward_backward([datum(), datum()], "cross_entropy").result(timeout=10)
    tc.optim_step(tinker.AdamParams()).result(timeout=10)
    assert server.op_calls("optim_step")[0].body["seq_id"] == 3
    svc.close().result(timeout=10)
