"""tinker._convert: public types → wire → protobuf → decode round trips, and result conversions."""

from __future__ import annotations

import numpy as np
import pytest
from fake_tinker import SEEDED, datum, decoded_fb
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinker
import tinker_wire as wire
from tinker import _convert


def _roundtrip(d: tinker.Datum, **kw) -> wire.WireForwardBackwardRequest:
    raw = _convert.forward_backward_request_bytes(
        kw.get("model_id", "m:train:0"),
        kw.get("seq_id", 7),
        [d],
        kw.get("loss_fn", "cross_entropy"),
        kw.get("config"),
        kw.get("forward_only", False),
    )
    return wire.decode_forward_backward_request(raw)


def test_request_envelope_roundtrip() -> None:
    req = _roundtrip(
        datum(),
        model_id="sess:train:3",
        seq_id=42,
        loss_fn="ppo",
        config={"clip_low_threshold": 0.8, "mode": "seq"},
        forward_only=True,
    )
    assert (req.model_id, req.seq_id, req.loss_fn, req.forward_only) == ("sess:train:3", 42, "ppo", True)
    assert req.loss_fn_config == {"clip_low_threshold": 0.8, "mode": "seq"}


def test_dense_tensors_roundtrip() -> None:
    targets = np.arange(12, dtype=np.int64).reshape(4, 3)
    weights = np.linspace(0, 1, 12, dtype=np.float32).reshape(4, 3)
    d = tinker.Datum(
        model_input=tinker.ModelInput.from_ints([1, 2, 3, 4]),
        loss_fn_inputs={
            "target_tokens": targets,
            "weights": weights,
            "advantages": tinker.TensorData([0.5, -1.0, 2.0, 0.0], dtype="float32"),
        },
    )
    (wd,) = _roundtrip(d).data
    sent = _convert.datum_to_wire(d)
    assert wd == sent
    assert all(sent.loss_fn_inputs[k] is t for k, t in d.loss_fn_inputs.items())  # the user's tensors, no copies
    assert wd.chunks[0].tokens.tolist() == [1, 2, 3, 4]
    for key, original in d.loss_fn_inputs.items():
        back = wd.loss_fn_inputs[key]
        assert type(back) is tinker.TensorData
        assert back == original, key
        assert back.dtype == original.dtype
        assert back.shape == (original.shape or [len(original.data)])  # a flat tensor gains its 1-D shape
    assert wd.loss_fn_inputs["target_tokens"].shape == [4, 3]


def test_csr_tensor_roundtrip() -> None:
    csr = tinker.TensorData(
        [3, 9, 4], dtype="int64", shape=[3, 5], sparse_crow_indices=[0, 2, 2, 3], sparse_col_indices=[1, 4, 0]
    )
    w = tinker.TensorData(
        [1.0, 0.5, 2.0], dtype="float32", shape=[3, 5], sparse_crow_indices=[0, 2, 2, 3], sparse_col_indices=[1, 4, 0]
    )
    d = tinker.Datum(
        model_input=tinker.ModelInput.from_ints([7, 8, 9]), loss_fn_inputs={"target_tokens": csr, "weights": w}
    )
    (wd,) = _roundtrip(d).data
    back = wd.loss_fn_inputs["target_tokens"]
    assert back.is_sparse and back.sparse_crow_indices == [0, 2, 2, 3] and back.sparse_col_indices == [1, 4, 0]
    assert back == csr
    np.testing.assert_array_equal(back.to_numpy(), csr.to_numpy())
    assert wd.loss_fn_inputs["weights"] == w


def test_image_and_dmel_chunks_roundtrip() -> None:
    img = tinker.ImageChunk(data=b"\x89PNG\r\n\x1a\n" + bytes(range(50)), format="png", expected_tokens=6)
    jpg = tinker.ImageChunk(data=b"\xff\xd8\xff" + b"j" * 10, format="jpeg")
    dmel = tinker.DmelChunk(dmel=b"\x01\x02\x03" * 7)
    mi = tinker.ModelInput(
        chunks=[tinker.EncodedTextChunk(tokens=[1, 2]), img, jpg, dmel, tinker.EncodedTextChunk(tokens=[3])]
    )
    d = tinker.Datum(model_input=mi, loss_fn_inputs={"target_tokens": [5], "weights": [1.0]})
    (wd,) = _roundtrip(d).data
    kinds = [type(c).__name__ for c in wd.chunks]
    assert kinds == ["EncodedText", "Image", "Image", "Dmel", "EncodedText"]
    assert wd.chunks[1].data == img.data and wd.chunks[1].format == "png" and wd.chunks[1].expected_tokens == 6
    assert wd.chunks[2].data == jpg.data and wd.chunks[2].format == "jpeg" and wd.chunks[2].expected_tokens is None
    assert wd.chunks[3].data == dmel.dmel
    assert wd.chunks[4].tokens.tolist() == [3]


def test_provenance_spans_roundtrip() -> None:
    d = datum(4).with_provenance(
        [
            tinker.PromptProvenanceSpan(sequence_id="seq-a", offset=0, length=1),
            tinker.SampledProvenanceSpan(sequence_id="seq-a", offset=2, length=3),
        ],
        [tinker.SampledProvenanceSpan(sequence_id="seq-b", offset=1, length=4)],
    )
    (wd,) = _roundtrip(d).data
    assert wd.model_input_spans == [wire.PromptSpan("seq-a", 0, 1), wire.SampledSpan("seq-a", 2, 3)]
    assert wd.loss_fn_input_spans == [wire.SampledSpan("seq-b", 1, 4)]
    plain = _roundtrip(datum()).data[0]
    assert plain.model_input_spans is None and plain.loss_fn_input_spans is None


@SEEDED
@given(
    arr=hnp.arrays(
        dtype=st.sampled_from([np.int64, np.float32]),
        shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5),
        elements={"allow_nan": False, "allow_infinity": False, "min_value": -1000, "max_value": 1000},
    )
)
def test_dense_tensor_roundtrip_property(arr: np.ndarray) -> None:
    td = tinker.TensorData.from_numpy(arr)
    d = tinker.Datum(model_input=tinker.ModelInput.from_ints([1]), loss_fn_inputs={"x": td})
    (wd,) = _roundtrip(d).data
    back = wd.loss_fn_inputs["x"]
    assert back == td
    np.testing.assert_array_equal(back.to_numpy(), arr)


def test_image_asset_pointer_is_rejected_with_a_clear_error() -> None:
    ptr = tinker.ImageAssetPointerChunk(format="png", location="s3://bucket/cat.png", expected_tokens=2)
    d = tinker.Datum(
        model_input=tinker.ModelInput(chunks=[tinker.EncodedTextChunk(tokens=[1]), ptr]),
        loss_fn_inputs={"target_tokens": [1, 2, 3], "weights": [1.0, 1.0, 1.0]},
    )
    with pytest.raises(ValueError) as info:
        _convert.datum_to_wire(d)
    msg = str(info.value)
    assert "chunks[1]" in msg and "ImageAssetPointerChunk" in msg and "ImageChunk" in msg


def test_image_asset_pointer_through_forward_backward(training, server) -> None:
    ptr = tinker.ImageAssetPointerChunk(format="png", location="s3://bucket/cat.png", expected_tokens=2)
    d = tinker.Datum(
        model_input=tinker.ModelInput(chunks=[ptr]), loss_fn_inputs={"target_tokens": [1, 2], "weights": [1.0, 1.0]}
    )
    with pytest.raises(ValueError, match="ImageAssetPointerChunk"):
        training.forward_backward([d], "cross_entropy").result(timeout=10)
    assert decoded_fb(server) == []


def test_conversion_error_does_not_wedge_the_client(training) -> None:
    ptr = tinker.ImageAssetPointerChunk(format="png", location="s3://bucket/cat.png", expected_tokens=2)
    d = tinker.Datum(
        model_input=tinker.ModelInput(chunks=[ptr]), loss_fn_inputs={"target_tokens": [1, 2], "weights": [1.0, 1.0]}
    )
    with pytest.raises(ValueError):
        training.forward_backward([d], "cross_entropy").result(timeout=10)
    fut = training.optim_step(tinker.AdamParams())
    try:
        fut.result(timeout=1)
    finally:
        fut.cancel()  # do not leave a task waiting forever on the SDK loop


# ------------------------------------------------------------------ results


def test_forward_backward_output_from_wire() -> None:
    out = wire.WireForwardBackwardOutput(
        "target_token_logprobs",
        [
            {
                "logprobs": wire.TensorData.from_numpy(np.array([-1.0, -2.0], np.float32)),
                "elementwise_loss": wire.TensorData.from_numpy(np.array([[0.5, 0.25]], np.float32)),
            }
        ],
        {"loss:sum": 3.0},
    )
    back = wire.decode_forward_backward_output(wire.encode_forward_backward_output(out))
    pub = _convert.forward_backward_output_from_wire(back)
    assert pub.loss_fn_outputs[0]["logprobs"] is back.loss_fn_outputs[0]["logprobs"]  # decoded once, kept as is
    assert pub.loss_fn_output_type == "target_token_logprobs"
    assert pub.loss_fn_outputs[0]["logprobs"].tolist() == [-1.0, -2.0]
    assert pub.loss_fn_outputs[0]["elementwise_loss"].shape == [1, 2]
    assert pub.metrics == {"loss:sum": 3.0}


def test_sample_response_from_wire_stamps_ids_and_converts_fields() -> None:
    topk = wire.WireTopk(np.array([[4, 5], [6, 0]]), np.array([[-0.1, -0.2], [-0.3, -99999.0]]))
    resp = wire.WireSampleResponse(
        [
            wire.WireSampledSequence("stop", np.array([1, 2]), np.array([-0.5, -0.6]), topk),
            wire.WireSampledSequence("length", np.array([3])),
        ],
        prompt_logprobs=np.array([np.nan, -1.5], np.float32),
        prompt_cache_hit_tokens=3,
    )
    back = wire.decode_sample_response(wire.encode_sample_response(resp))
    pub = _convert.sample_response_from_wire(back, ["a", "b"])
    assert [s.sequence_id for s in pub.sequences] == ["a", "b"]
    assert pub.sequences[0].tokens == [1, 2] and pub.sequences[0].stop_reason == "stop"
    assert pub.sequences[0].logprobs == pytest.approx([-0.5, -0.6])
    assert pub.sequences[1].logprobs is None
    assert pub.prompt_logprobs == [None, -1.5]
    assert pub.prompt_cache_hit_tokens == 3
    assert pub.sequences[0].topk_logprobs is not None
    # fewer ids than sequences: the rest stay None
    assert [s.sequence_id for s in _convert.sample_response_from_wire(back, ["only"]).sequences] == ["only", None]
    assert [s.sequence_id for s in _convert.sample_response_from_wire(back, None).sequences] == [None, None]
