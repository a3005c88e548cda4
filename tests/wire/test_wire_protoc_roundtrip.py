"""Our codec against protoc's generated code, in both directions, for every payload we handle."""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wire_pb_helpers import (
    fwdbwd_outputs,
    fwdbwd_requests,
    output_from_pb,
    output_to_pb,
    request_from_pb,
    request_to_pb,
    sample_from_pb,
    sample_responses,
    sample_to_pb,
)

import tinker_wire as w

SETTINGS = settings(
    derandomize=True,
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# --- ForwardBackwardRequest ---------------------------------------------------------------------------


@SETTINGS
@given(req=fwdbwd_requests(), dual=st.booleans())
def test_request_both_directions(pb2: ModuleType, req: w.WireForwardBackwardRequest, dual: bool) -> None:
    # ours -> protoc
    raw = w.encode_forward_backward_request(req)
    msg = pb2.ForwardBackwardRequest()
    msg.ParseFromString(raw)
    assert request_from_pb(msg) == req
    # 0.38 dual write: numbers in both maps, strings only in v2
    numbers = {k: v for k, v in req.loss_fn_config.items() if not isinstance(v, str)}
    assert dict(msg.loss_fn_config) == numbers
    assert set(msg.loss_fn_config_v2) == set(req.loss_fn_config)
    for k, v in req.loss_fn_config.items():
        assert msg.loss_fn_config_v2[k].WhichOneof("value") == ("text" if isinstance(v, str) else "number")
    # protoc -> ours (as a 0.38 client, or a 0.25 client that only fills the legacy map)
    assert w.decode_forward_backward_request(request_to_pb(pb2, req, dual_write=dual).SerializeToString()) == req
    # byte-identical to protoc for everything but maps (protobuf leaves map order unspecified)
    no_maps = w.WireForwardBackwardRequest(
        req.model_id,
        req.seq_id,
        [w.WireDatum(d.chunks, {}, d.model_input_spans, d.loss_fn_input_spans) for d in req.data],
        req.loss_fn,
        {},
        req.forward_only,
    )
    expected = request_to_pb(pb2, no_maps).SerializeToString(deterministic=True)
    assert w.encode_forward_backward_request(no_maps) == expected


def test_request_config_v2_wins_over_legacy(pb2: ModuleType) -> None:
    msg = pb2.ForwardBackwardRequest(model_id="m", loss_fn="ppo")
    msg.loss_fn_config["clip_low_threshold"] = 0.5
    msg.loss_fn_config["beta"] = 0.1
    msg.loss_fn_config_v2["clip_low_threshold"].number = 0.8
    msg.loss_fn_config_v2["loss_id"].text = "abc"
    got = w.decode_forward_backward_request(msg.SerializeToString())
    assert got.loss_fn_config == {"clip_low_threshold": 0.8, "beta": 0.1, "loss_id": "abc"}


# --- ForwardBackwardOutput ------------------------------------------------------------------------------


@SETTINGS
@given(out=fwdbwd_outputs(), per_datum=st.booleans())
def test_output_both_directions(pb2: ModuleType, out: w.WireForwardBackwardOutput, per_datum: bool) -> None:
    # ours -> protoc
    raw = w.encode_forward_backward_output(out)
    msg = pb2.ForwardBackwardOutput()
    msg.ParseFromString(raw)
    assert output_from_pb(msg) == out
    sigs = {tuple(sorted((k, t.dtype, tuple(t.shape[1:])) for k, t in d.items())) for d in out.loss_fn_outputs}
    uniform = len(sigs) <= 1
    if out.loss_fn_outputs and uniform:
        assert len(msg.loss_fn_outputs) == 1  # uniform outputs travel as ONE ArrayRecord
        assert msg.loss_fn_outputs[0].num_datums == len(out.loss_fn_outputs)
    # protoc -> ours, as one record or as one record per datum (chunked results)
    records = "per_datum" if per_datum or not uniform else "single"
    assert w.decode_forward_backward_output(output_to_pb(pb2, out, records=records).SerializeToString()) == out


def test_output_widening_int32_and_bf16(pb2: ModuleType) -> None:
    msg = pb2.ForwardBackwardOutput(loss_fn_output_type="ArrayRecord")
    rec = msg.loss_fn_outputs.add()
    rec.num_datums = 2
    ids = np.array([1, -2, 3, 2**31 - 1, -(2**31)], dtype="<i4")
    bt = rec.fields["ids"]
    bt.data = ids.tobytes()
    bt.offsets = np.array([0, 8, 20], dtype="<i8").tobytes()
    bt.dtype = pb2.DTYPE_INT32
    vals = np.array([1.0, -2.5, 0.15625, 3.0e38], dtype=np.float32)
    bf16 = (vals.view(np.uint32) >> 16).astype("<u2")  # exact for these values except the last
    bt2 = rec.fields["lp"]
    bt2.data = bf16.tobytes()
    bt2.offsets = np.array([0, 4, 8], dtype="<i8").tobytes()
    bt2.dtype = pb2.DTYPE_BFLOAT16
    bt2.trailing_shape.append(2)
    out = w.decode_forward_backward_output(msg.SerializeToString())
    assert [d["ids"].dtype for d in out.loss_fn_outputs] == ["int64", "int64"]
    np.testing.assert_array_equal(out.loss_fn_outputs[0]["ids"].to_numpy(), [1, -2])
    np.testing.assert_array_equal(out.loss_fn_outputs[1]["ids"].to_numpy(), [3, 2**31 - 1, -(2**31)])
    assert out.loss_fn_outputs[0]["lp"].dtype == "float32"
    assert out.loss_fn_outputs[0]["lp"].shape == [1, 2]
    expected = (bf16.astype(np.uint32) << 16).view(np.float32)
    np.testing.assert_array_equal(out.loss_fn_outputs[0]["lp"].data, expected[:2])
    np.testing.assert_array_equal(out.loss_fn_outputs[1]["lp"].data, expected[2:])
    assert out.loss_fn_outputs[0]["lp"].data == [1.0, -2.5]


def test_output_datum_count_fallback_and_empty(pb2: ModuleType) -> None:
    msg = pb2.ForwardBackwardOutput(loss_fn_output_type="x.y:ArrayRecord")
    rec = msg.loss_fn_outputs.add()  # num_datums left at 0: count comes from the first field
    bt = rec.fields["logprobs"]
    bt.data = np.arange(3, dtype="<f4").tobytes()
    bt.offsets = np.array([0, 4, 12], dtype="<i8").tobytes()
    bt.dtype = pb2.DTYPE_FLOAT32
    rec2 = msg.loss_fn_outputs.add()  # a record of datums without any field
    rec2.num_datums = 2
    out = w.decode_forward_backward_output(msg.SerializeToString())
    assert out.loss_fn_output_type == "ArrayRecord"
    assert [sorted(d) for d in out.loss_fn_outputs] == [["logprobs"], ["logprobs"], [], []]
    assert out.loss_fn_outputs[1]["logprobs"].data == [1.0, 2.0]
    empty = w.decode_forward_backward_output(b"")
    assert empty == w.WireForwardBackwardOutput("ArrayRecord", [], {})


def test_output_ragged_and_sparse_encode(pb2: ModuleType) -> None:
    t = w.TensorData.from_numpy
    out = w.WireForwardBackwardOutput(
        "ArrayRecord",
        [
            {"logprobs": t(np.array([1.0, 2.0], np.float32))},
            {"logprobs": t(np.zeros((2, 3), np.float32))},  # different trailing shape -> new record
            {},  # no fields -> another record
            {"logprobs": w.TensorData([5.0], "float32", [2, 2], [0, 0, 1], [1])},  # sparse -> densified
        ],
        {"loss:sum": 3.5},
    )
    raw = w.encode_forward_backward_output(out)
    msg = pb2.ForwardBackwardOutput()
    msg.ParseFromString(raw)
    assert [r.num_datums for r in msg.loss_fn_outputs] == [1, 1, 1, 1]
    got = w.decode_forward_backward_output(raw)
    assert got.loss_fn_outputs[:3] == out.loss_fn_outputs[:3]
    assert got.loss_fn_outputs[3]["logprobs"].to_numpy().tolist() == [[0.0, 0.0], [0.0, 5.0]]
    assert got.metrics == {"loss:sum": 3.5}


# --- SampleResponse ------------------------------------------------------------------------------------


@SETTINGS
@given(resp=sample_responses())
def test_sample_both_directions(pb2: ModuleType, resp: w.WireSampleResponse) -> None:
    raw = w.encode_sample_response(resp)
    msg = pb2.SampleResponse()
    msg.ParseFromString(raw)
    assert sample_from_pb(msg) == resp
    if resp.prompt_alt_tokens is not None:
        assert msg.prompt_alt_tokens.tokens.dtype == pb2.DTYPE_INT32
        assert msg.prompt_alt_tokens.logprobs.dtype == pb2.DTYPE_FLOAT32
    built = sample_to_pb(pb2, resp)
    assert w.decode_sample_response(built.SerializeToString()) == resp
    assert raw == built.SerializeToString(deterministic=True)  # byte-identical to protoc


def test_sample_topk_zero_length_is_none(pb2: ModuleType) -> None:
    msg = pb2.SampleResponse()
    msg.topk_prompt_logprobs.k = 3  # length 0
    s = msg.sequences.add()
    s.topk_sampled_logprobs.length = 2  # k 0
    got = w.decode_sample_response(msg.SerializeToString())
    assert got.topk_prompt_logprobs is None
    assert got.sequences[0].topk is None


def test_sample_unknown_stop_reason_rejected(pb2: ModuleType) -> None:
    msg = pb2.SampleResponse()
    msg.sequences.add().stop_reason = 7
    with pytest.raises(w.WireError, match=r"SampleResponse\.sequences\[0\]\.stop_reason.*7"):
        w.decode_sample_response(msg.SerializeToString())


def test_sample_nan_prompt_logprobs_survive(pb2: ModuleType) -> None:
    resp = w.WireSampleResponse([], prompt_logprobs=np.array([np.nan, -1.5, np.nan], np.float32))
    msg = pb2.SampleResponse()
    msg.ParseFromString(w.encode_sample_response(resp))
    arr = np.frombuffer(msg.prompt_logprobs, "<f4")
    assert np.isnan(arr[0]) and arr[1] == -1.5 and np.isnan(arr[2])
    assert w.logprobs_to_list(w.decode_sample_response(msg.SerializeToString()).prompt_logprobs) == [
        None,
        -1.5,
        None,
    ]
