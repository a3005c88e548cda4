"""Memory of a forward/backward call: chunks are encoded in their turn (never the whole batch as bodies or wire
forms at once) and a protobuf result keeps its values, not a dict, a TensorData and a view per datum, until
``loss_fn_outputs`` is first read. The lazily built result must look exactly like the eagerly decoded one."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import threading
import tracemalloc
from typing import Any

import httpx
import numpy as np
import pytest
from fake_tinker import BASE_MODEL, FakeServer, datum, decoded_fb, fake_logprobs, make_service

import tinker
import tinker._chunking as chunking
import tinker_wire as wire
from tinker import _convert
from tinker._chunking import merge_outputs


def _body(n: int, width: int = 5, keys: tuple[str, ...] = ("logprobs",), ragged: bool = False) -> bytes:
    rng = np.random.default_rng(n)
    outputs = [
        {k: wire.TensorData.from_numpy(rng.random(width + (i % 3 if ragged else 0), dtype=np.float32)) for k in keys}
        for i in range(n)
    ]
    return wire.encode_forward_backward_output(
        wire.WireForwardBackwardOutput("ArrayRecord", outputs, {"loss:sum": 2.5})
    )


# ------------------------------------------------------------------ the lazily built result


@pytest.mark.parametrize(
    "body",
    [_body(7), _body(6, keys=("logprobs", "elementwise_loss")), _body(5, ragged=True), _body(0)],
    ids=["uniform", "two-keys", "ragged", "empty"],
)
def test_lazy_result_equals_the_eager_one(body: bytes) -> None:
    eager = _convert.forward_backward_output_from_wire(wire.decode_forward_backward_output(body))
    lazy = _convert.forward_backward_output_from_protobuf(body)
    assert lazy._pending_records() is not None
    assert lazy.metrics == eager.metrics and lazy.loss_fn_output_type == eager.loss_fn_output_type
    assert lazy == eager  # reads loss_fn_outputs: built now
    assert lazy._pending_records() is None
    assert lazy.loss_fn_outputs is lazy.loss_fn_outputs  # built once
    assert type(lazy.loss_fn_outputs) is list
    assert [{k: t.tolist() for k, t in r.items()} for r in lazy.loss_fn_outputs] == [
        {k: t.tolist() for k, t in r.items()} for r in eager.loss_fn_outputs
    ]
    assert repr(lazy) == repr(eager)
    assert vars(lazy).keys() == vars(eager).keys()
    assert list(vars(lazy)) == ["loss_fn_output_type", "loss_fn_outputs", "metrics"]


def test_lazy_result_pickles_and_copies_like_the_eager_one() -> None:
    body = _body(4, keys=("logprobs", "elementwise_loss"))
    eager = _convert.forward_backward_output_from_wire(wire.decode_forward_backward_output(body))
    lazy = _convert.forward_backward_output_from_protobuf(body)
    assert pickle.dumps(lazy) == pickle.dumps(eager)  # the same eager layout goes out, built on the way
    for other in (
        _convert.forward_backward_output_from_protobuf(body),
        _convert.forward_backward_output_from_protobuf(body),
    ):
        assert pickle.loads(pickle.dumps(other)) == eager
    assert copy.deepcopy(_convert.forward_backward_output_from_protobuf(body)) == eager
    assert copy.copy(_convert.forward_backward_output_from_protobuf(body)) == eager
    replaced = dataclasses.replace(_convert.forward_backward_output_from_protobuf(body), metrics={})
    assert replaced.loss_fn_outputs == eager.loss_fn_outputs and replaced.metrics == {}
    assert lazy.to_json_dict() == eager.to_json_dict()


def test_lazy_result_values_are_owned_writable_arrays() -> None:
    body = _body(3)
    out = _convert.forward_backward_output_from_protobuf(body)
    arr = out.loss_fn_outputs[1]["logprobs"].to_numpy()
    assert arr.flags.writeable and not np.shares_memory(arr, np.frombuffer(body, dtype=np.uint8))
    arr[0] = 42.0  # a view of the record's one copy: other datums keep their values
    assert out.loss_fn_outputs[0]["logprobs"].tolist() != [42.0] * 5


def test_lazy_result_unknown_attribute_and_threads() -> None:
    out = _convert.forward_backward_output_from_protobuf(_body(50))
    with pytest.raises(AttributeError, match="'ForwardBackwardOutput' object has no attribute 'nope'"):
        out.nope  # noqa: B018
    assert not hasattr(out, "_records_x")
    seen: list[Any] = []
    threads = [threading.Thread(target=lambda: seen.append(out.loss_fn_outputs)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 8 and all(s is seen[0] for s in seen)


def test_bad_result_bodies_fail_when_decoded_not_when_read() -> None:
    out = wire.WireForwardBackwardOutput(
        "ArrayRecord", [{"x": wire.TensorData(np.zeros((2, 3), np.float32), "float32", [2, 3])}], {}
    )
    body = bytearray(wire.encode_forward_backward_output(out))
    with pytest.raises(wire.WireError):
        _convert.forward_backward_output_from_protobuf(bytes(body[:-9]))  # truncated
    # trailing_shape [3] with 6 elements is fine; claim [4] instead: 6 is not a multiple of 4
    fixed = bytes(body).replace(b"\x22\x01\x03", b"\x22\x01\x04")
    assert fixed != bytes(body)
    with pytest.raises(wire.WireError, match="not a multiple of trailing_shape"):
        _convert.forward_backward_output_from_protobuf(fixed)


def test_merge_keeps_lazy_chunks_lazy_and_matches_eager_merge() -> None:
    bodies = [_body(3), _body(2, ragged=True), _body(4)]
    lazy = merge_outputs([_convert.forward_backward_output_from_protobuf(b) for b in bodies])
    assert lazy._pending_records() is not None
    eager = merge_outputs(
        [_convert.forward_backward_output_from_wire(wire.decode_forward_backward_output(b)) for b in bodies]
    )
    assert lazy.metrics == eager.metrics == {"loss:sum": 7.5}
    assert lazy == eager and len(lazy.loss_fn_outputs) == 9
    mixed = [_convert.forward_backward_output_from_protobuf(b) for b in bodies]
    mixed[1].loss_fn_outputs  # noqa: B018 - one already built: the merge builds the rest
    assert merge_outputs(mixed) == eager


def test_lazy_result_holds_about_its_values() -> None:
    n, width = 4000, 16
    body = _body(n, width)
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        out = _convert.forward_backward_output_from_protobuf(body)
        held = tracemalloc.get_traced_memory()[0] - base
        values = n * width * 4
        assert held < values + 64 * 1024, f"{held} bytes held for {values} bytes of values"
        out.loss_fn_outputs  # noqa: B018
        built = tracemalloc.get_traced_memory()[0] - base
        assert built > values + n * 200  # per-datum objects exist only once read
    finally:
        tracemalloc.stop()


# ------------------------------------------------------------------ chunks encoded in their turn


class _MeasuringServer(FakeServer):
    """Records, as each chunk arrives, how much memory the client holds for encoding (traces allocated under
    ``tinker/_chunking.py``), and forgets request bodies so that only the client's references keep them."""

    def __init__(self) -> None:
        super().__init__()
        self.held: list[int] = []
        self.sizes: list[int] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/forward_backward"):
            snap = tracemalloc.take_snapshot().filter_traces(
                [tracemalloc.Filter(True, "*tinker/_chunking.py", all_frames=True)]
            )
            self.held.append(sum(s.size for s in snap.statistics("filename")))
            self.sizes.append(len(request.read()))
        resp = super().handler(request)
        with self._lock:
            rec = self.requests[-1]
            if rec.path.endswith("/forward_backward"):
                self.requests[-1] = dataclasses.replace(rec, raw=b"", body=None)
        return resp


@pytest.mark.parametrize("parallel", [True, False])
def test_encoding_memory_is_bounded_by_the_window_not_the_batch(
    monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    server = _MeasuringServer()
    server.config = {"fwdbwd_max_chunk_len": 8, "parallel_fwdbwd_chunks": parallel}
    monkeypatch.setattr(chunking, "KEEP_WIRE_BYTES", 0)
    svc = make_service(server)
    tc = svc.create_lora_training_client(BASE_MODEL).result(timeout=10)
    data = [datum(128, start=i + 1) for i in range(24 * 8)]  # 24 chunks
    window = 2
    chunk_estimate = 8 * chunking.estimate_bytes(data[0])
    monkeypatch.setattr(chunking, "IN_FLIGHT_BYTES", window * chunk_estimate)
    tracemalloc.start(10)
    try:
        out = tc.forward_backward(data, "cross_entropy").result(timeout=60)
    finally:
        tracemalloc.stop()
    assert len(server.sizes) == 24
    total, body = sum(server.sizes), max(server.sizes)
    # At most `window` chunks are encoded and unanswered at once, each held as its body plus, while it is being
    # encoded, its wire form (int64 tokens: about one more body); the batch would be `total` and more.
    bound = window * body + 2 * body
    assert max(server.held) <= bound < total / 4, (max(server.held), bound, total)
    assert len(out.loss_fn_outputs) == len(data)
    np.testing.assert_allclose(
        out.loss_fn_outputs[-1]["logprobs"].to_numpy(),
        fake_logprobs(data[-1].loss_fn_inputs["target_tokens"].to_numpy()),
    )
    svc.close().result(timeout=10)


def test_small_batches_keep_their_wire_forms(server: FakeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    # Under KEEP_WIRE_BYTES a batch is converted once; above it each chunk is converted again in its turn.
    calls: list[int] = []
    import tinker._convert as convert

    real = convert.datum_to_wire

    def counting(d: Any, where: str = "") -> Any:
        calls.append(1)
        return real(d, where)

    monkeypatch.setattr(convert, "datum_to_wire", counting)
    svc = make_service(server)
    tc = svc.create_lora_training_client(BASE_MODEL).result(timeout=10)
    tc.forward_backward([datum(), datum(start=5)], "cross_entropy").result(timeout=10)
    assert len(calls) == 2
    monkeypatch.setattr(chunking, "KEEP_WIRE_BYTES", 0)
    tc.forward_backward([datum(), datum(start=5)], "cross_entropy").result(timeout=10)
    assert len(calls) == 2 + 4
    assert [len(r.data) for r in decoded_fb(server)] == [2, 2]
    svc.close().result(timeout=10)


def test_what_only_the_encoder_checks_fails_at_call_time(server: FakeServer) -> None:
    # Chunks are encoded in their turn: anything the encoder refuses must be refused before ids are reserved.
    svc = make_service(server)
    tc = svc.create_lora_training_client(BASE_MODEL).result(timeout=10)
    image = tinker.ImageChunk(data=b"\x89PNG", format="png", expected_tokens=2**31)
    bad_image = tinker.Datum(
        model_input=tinker.ModelInput(chunks=[image]), loss_fn_inputs={"target_tokens": [1], "weights": [1.0]}
    )
    with pytest.raises(ValueError, match=r"data\[1\].*expected_tokens"):
        tc.forward_backward([datum(), bad_image], "cross_entropy")
    bad_key = tinker.Datum(
        model_input=tinker.ModelInput.from_ints([1, 2]),
        loss_fn_inputs={"target_tokens": [2, 3], "weights": [1.0, 1.0], "\ud800": np.zeros(2, np.float32)},
    )
    with pytest.raises(ValueError, match=r"data\[0\].*UTF-8"):
        tc.forward_backward([bad_key], "cross_entropy")
    with pytest.raises(ValueError, match="UTF-8"):
        tc.forward_backward([datum()], "cross_\ud800")
    assert server.op_calls("forward_backward") == []
    tc.optim_step(tinker.AdamParams()).result(timeout=10)
    assert server.op_calls("optim_step")[0].body["seq_id"] == 1  # no id was spent on the refused calls
    svc.close().result(timeout=10)
