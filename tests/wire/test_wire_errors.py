"""Robustness: unknown fields, truncation, wrong wire types, out-of-range values, garbage input."""

from __future__ import annotations

import re
import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinker_wire as w
from tests.helpers import ld  # any tag (wrong wire types on purpose), any length

DECODERS = [w.decode_forward_backward_request, w.decode_forward_backward_output, w.decode_sample_response]


def _request() -> w.WireForwardBackwardRequest:
    return w.WireForwardBackwardRequest(
        "model",
        5,
        [
            w.WireDatum(
                [w.EncodedText(np.arange(40)), w.Image(b"img", "png", 3)],
                {"weights": w.TensorData.from_numpy(np.ones(40, np.float32))},
                [w.PromptSpan("a", 0, 40)],
                [w.SampledSpan("a", 1, 40)],
            )
        ],
        "cross_entropy",
        {"beta": 0.1, "loss_id": "x"},
    )


def _sample() -> w.WireSampleResponse:
    return w.WireSampleResponse(
        [w.WireSampledSequence("stop", np.arange(6), np.zeros(6, np.float32), w.topk_from_lists([[(1, -0.5)]] * 6))],
        prompt_logprobs=np.array([np.nan, -1.0], np.float32),
        prompt_cache_hit_tokens=2,
    )


def _output() -> w.WireForwardBackwardOutput:
    return w.WireForwardBackwardOutput(
        "ArrayRecord", [{"logprobs": w.TensorData.from_numpy(np.zeros(5, np.float32))}] * 3, {"loss:sum": 1.0}
    )


# --- forward compatibility ------------------------------------------------------------------------------

# One unknown field of every wire type: 90 varint (a 10-byte negative), 91 fixed64, 92 bytes, 93 fixed32.
UNKNOWN = (
    b"\xd0\x05" + b"\xff" * 9 + b"\x01"
    + b"\xd9\x05" + b"\x00" * 8
    + b"\xe2\x05\x03abc"
    + b"\xed\x05" + b"\x00" * 4
)  # fmt: skip


def test_unknown_fields_skipped_everywhere() -> None:
    # top level, inside a Datum, inside a Chunk, inside a Tensor and inside a SampledSequence
    weights = ld(0x12, ld(0x0A, b"w") + ld(0x12, UNKNOWN + ld(0x0A, struct.pack("<f", 2.0)) + b"\x18\x01"))
    chunk = ld(0x0A, UNKNOWN + ld(0x0A, UNKNOWN + ld(0x0A, struct.pack("<2i", 4, 5))))
    body = UNKNOWN + ld(0x0A, b"m") + ld(0x1A, UNKNOWN + chunk + weights + UNKNOWN) + UNKNOWN
    req = w.decode_forward_backward_request(body)
    assert req.model_id == "m"
    assert req.data[0].chunks == [w.EncodedText([4, 5])]
    assert req.data[0].loss_fn_inputs == {"w": w.TensorData([2.0], "float32")}

    sample = UNKNOWN + ld(0x0A, UNKNOWN + b"\x08\x01" + ld(0x12, struct.pack("<i", 9))) + UNKNOWN + b"\x20\x03"
    r = w.decode_sample_response(sample)
    assert r.prompt_cache_hit_tokens == 3
    assert r.sequences == [w.WireSampledSequence("length", [9])]

    out = UNKNOWN + w.encode_forward_backward_output(_output()) + UNKNOWN
    assert w.decode_forward_backward_output(out) == _output()


def test_unknown_fields_appended_to_encoded_messages() -> None:
    assert w.decode_forward_backward_request(w.encode_forward_backward_request(_request()) + UNKNOWN) == _request()
    assert w.decode_sample_response(w.encode_sample_response(_sample()) + UNKNOWN) == _sample()


def test_packed_and_unpacked_shape_both_accepted() -> None:
    dense = ld(0x0A, struct.pack("<6f", *range(6))) + b"\x18\x01"
    packed = dense + ld(0x22, b"\x02\x03")
    unpacked = dense + b"\x20\x02\x20\x03"
    for tensor in (packed, unpacked):
        body = ld(0x1A, ld(0x12, ld(0x0A, b"t") + ld(0x12, tensor)))
        t = w.decode_forward_backward_request(body).data[0].loss_fn_inputs["t"]
        assert t.shape == [2, 3]


# --- truncation --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["request", "sample", "output"])
def test_every_prefix_decodes_or_raises_wire_error(which: str) -> None:
    encode, decode, value = {
        "request": (w.encode_forward_backward_request, w.decode_forward_backward_request, _request()),
        "sample": (w.encode_sample_response, w.decode_sample_response, _sample()),
        "output": (w.encode_forward_backward_output, w.decode_forward_backward_output, _output()),
    }[which]
    raw = encode(value)  # type: ignore[operator]
    failures = 0
    for cut in range(len(raw)):
        try:
            decode(raw[:cut])  # type: ignore[operator]
        except w.WireError:
            failures += 1
    assert failures > len(raw) // 2  # most cuts land inside a field


def test_truncation_names_message_and_field() -> None:
    raw = w.encode_forward_backward_request(_request())
    with pytest.raises(
        w.WireError, match=r"ForwardBackwardRequest\.data \(ForwardBackwardRequest field 3\).*truncated"
    ):
        w.decode_forward_backward_request(raw[:30])
    raw = w.encode_sample_response(_sample())
    with pytest.raises(w.WireError, match=r"SampleResponse\.sequences .*truncated"):
        w.decode_sample_response(raw[:10])
    with pytest.raises(w.WireError, match=r"ForwardBackwardRequest.*varint"):
        w.decode_forward_backward_request(b"\x10\xff")  # seq_id varint cut short
    with pytest.raises(w.WireError, match=r"fixed64"):
        w.decode_forward_backward_request(b"\xd9\x05\x00")  # unknown fixed64 cut short


# --- wrong wire types and bad values ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decode", "raw", "pattern"),
    [
        (
            w.decode_forward_backward_request,
            b"\x08\x01",
            r"ForwardBackwardRequest\.model_id .*wrong wire type varint",
        ),
        (
            w.decode_forward_backward_request,
            ld(0x12, b""),
            r"ForwardBackwardRequest\.seq_id .*wrong wire type",
        ),
        (w.decode_forward_backward_request, ld(0x1A, b"\x08\x00"), r"data\[0\]\.model_input .*Datum field 1"),
        (w.decode_sample_response, ld(0x0A, ld(0x0A, b"")), r"sequences\[0\]\.stop_reason .*wrong wire type"),
        (w.decode_sample_response, b"\x21" + b"\x00" * 8, r"prompt_cache_hit_tokens .*fixed64"),
        (w.decode_forward_backward_output, b"\x18\x01", r"ForwardBackwardOutput\.metrics .*wrong wire type"),
    ],
)
def test_wrong_wire_type(decode: object, raw: bytes, pattern: str) -> None:
    with pytest.raises(w.WireError, match=pattern):
        decode(raw)  # type: ignore[operator]


def test_group_wire_types_rejected() -> None:
    with pytest.raises(w.WireError, match="unsupported wire type 3"):
        w.decode_forward_backward_request(b"\xdb\x05")
    with pytest.raises(w.WireError, match="field number 0"):
        w.decode_sample_response(b"\x00\x01")


def test_bad_tensor_contents_named() -> None:
    def req_with_tensor(tensor: bytes) -> bytes:
        return ld(0x1A, ld(0x12, ld(0x0A, b"weights") + ld(0x12, tensor)))

    cases = [
        (ld(0x0A, b"\x00" * 4), r"loss_fn_inputs\['weights'\]\.dtype .*DTYPE_UNSPECIFIED"),
        (ld(0x0A, b"\x00" * 4) + b"\x18\x09", r"unsupported dtype 9"),
        (ld(0x0A, b"\x00" * 6) + b"\x18\x01", r"loss_fn_inputs\['weights'\]\.dense: 6 bytes"),
        (
            ld(0x0A, b"\x00" * 8) + b"\x18\x01" + ld(0x22, b"\x03"),
            r"\['weights'\]\.dense: 2 values do not match shape \[3\]",
        ),
        (
            ld(
                0x12,
                ld(0x0A, b"\x00" * 4) + ld(0x12, struct.pack("<3q", 0, 1, 0)) + ld(0x1A, struct.pack("<q", 0)),
            )
            + b"\x18\x01"
            + ld(0x22, b"\x02\x02"),
            r"\['weights'\]\.sparse_csr\.crow_indices: must be non-decreasing",
        ),
        (
            ld(
                0x12,
                ld(0x0A, b"\x00" * 4) + ld(0x12, struct.pack("<3q", 0, 0, 1)) + ld(0x1A, struct.pack("<q", 5)),
            )
            + b"\x18\x01"
            + ld(0x22, b"\x02\x02"),
            r"\['weights'\]\.sparse_csr\.col_indices: column index 5 is out of range",
        ),
    ]
    for tensor, pattern in cases:
        with pytest.raises(w.WireError, match=pattern):
            w.decode_forward_backward_request(req_with_tensor(tensor))


def test_bad_chunks_and_entries() -> None:
    with pytest.raises(w.WireError, match=r"data\[0\]\.model_input\[0\] \(Chunk\): no known chunk variant"):
        w.decode_forward_backward_request(ld(0x1A, ld(0x0A, b"")))
    with pytest.raises(w.WireError, match=r"encoded_text\.tokens: 3 bytes"):
        w.decode_forward_backward_request(ld(0x1A, ld(0x0A, ld(0x0A, ld(0x0A, b"abc")))))
    with pytest.raises(w.WireError, match=r"loss_fn_inputs\['x'\]: map entry has no Tensor value"):
        w.decode_forward_backward_request(ld(0x1A, ld(0x12, ld(0x0A, b"x"))))
    with pytest.raises(w.WireError, match=r"loss_fn_config_v2\['k'\] \(LossConfigValue\): neither"):
        w.decode_forward_backward_request(ld(0x3A, ld(0x0A, b"k") + ld(0x12, b"")))
    with pytest.raises(w.WireError, match=r"model_input_spans\[0\] \(ProvenanceSpan\): neither"):
        w.decode_forward_backward_request(ld(0x1A, ld(0x1A, b"")))
    with pytest.raises(w.WireError, match=r"model_id: string is not valid UTF-8"):
        w.decode_forward_backward_request(ld(0x0A, b"\xff\xfe"))


def test_bad_batched_tensors() -> None:
    def out_with(bt: bytes, num: int = 2) -> bytes:
        return ld(0x12, ld(0x12, ld(0x0A, b"lp") + ld(0x12, bt)) + bytes([0x18, num]))

    data = ld(0x0A, b"\x00" * 8)
    cases = [
        (data + ld(0x12, struct.pack("<2q", 0, 8)) + b"\x18\x01", r"\['lp'\]\.offsets: has 2 entries, expected num_datums \+ 1 = 3"),
        (data + ld(0x12, struct.pack("<3q", 0, 8, 4)) + b"\x18\x01", r"offsets: byte offsets must be non-decreasing"),
        (data + ld(0x12, struct.pack("<3q", 0, 2, 8)) + b"\x18\x01", r"multiples of the 4-byte element size"),
        (data + ld(0x12, struct.pack("<3q", 0, 4, 16)) + b"\x18\x01", r"within data \(8 bytes\)"),
        (data + ld(0x12, struct.pack("<3q", 0, 4, 8)) + b"\x18\x01" + ld(0x22, b"\x03"), r"not a multiple of trailing_shape \[3\]"),
        (data + ld(0x12, struct.pack("<3q", 0, 4, 8)), r"\['lp'\]\.dtype .*DTYPE_UNSPECIFIED"),
    ]  # fmt: skip
    for bt, pattern in cases:
        with pytest.raises(w.WireError, match=pattern):
            w.decode_forward_backward_output(out_with(bt))
    with pytest.raises(w.WireError, match=r"num_datums .*implausible"):
        w.decode_forward_backward_output(ld(0x12, b"\x18" + b"\xff" * 7 + b"\x7f"))


def test_topk_size_mismatch() -> None:
    topk = ld(0x0A, b"\x00" * 4) + ld(0x12, b"\x00" * 4) + b"\x18\x02\x20\x01"
    with pytest.raises(w.WireError, match=r"topk_prompt_logprobs \(TopkLogprobs\): length 1 x k 2"):
        w.decode_sample_response(ld(0x1A, topk))
    seq = b"\x08\x00" + ld(0x12, b"\x00" * 8) + ld(0x1A, b"\x00" * 4)
    with pytest.raises(w.WireError, match=r"sequences\[0\]\.logprobs: 1 logprobs for 2 tokens"):
        w.decode_sample_response(ld(0x0A, seq))


# --- encoding errors -----------------------------------------------------------------------------------------


def test_token_ids_must_fit_int32_on_encode() -> None:
    req = _request()
    bad = w.WireForwardBackwardRequest(req.model_id, 1, [w.WireDatum([w.EncodedText([1, 2**31])], {})], "cross_entropy")
    with pytest.raises(
        w.WireError,
        match=re.escape("ForwardBackwardRequest.data[0].model_input[0].encoded_text.tokens: token id 2147483648"),
    ):
        w.encode_forward_backward_request(bad)
    with pytest.raises(w.WireError, match=re.escape("SampleResponse.sequences[0].tokens: token id -2147483649")):
        w.encode_sample_response(w.WireSampleResponse([w.WireSampledSequence("stop", [-(2**31) - 1])]))
    topk = w.WireTopk(np.array([[2**40]]), np.zeros((1, 1), np.float32))
    with pytest.raises(w.WireError, match=re.escape("SampleResponse.topk_prompt_logprobs.token_ids")):
        w.encode_sample_response(w.WireSampleResponse([], topk_prompt_logprobs=topk))
    alt = w.WirePromptAltTokens(w.TensorData([2**33], "int64", [1, 1]), w.TensorData([0.0], "float32", [1, 1]))
    with pytest.raises(w.WireError, match=re.escape("SampleResponse.prompt_alt_tokens.tokens.values")):
        w.encode_sample_response(w.WireSampleResponse([], prompt_alt_tokens=alt))


def test_other_encode_errors() -> None:
    with pytest.raises(w.WireError, match=r"ForwardBackwardRequest\.seq_id: value 2147483648 is out of range"):
        w.encode_forward_backward_request(w.WireForwardBackwardRequest("m", 2**31, [], "x"))
    with pytest.raises(w.WireError, match=r"loss_fn_config\['a'\]: loss_fn_config values must be numbers or strings"):
        w.encode_forward_backward_request(w.WireForwardBackwardRequest("m", 0, [], "x", {"a": [1]}))  # type: ignore[dict-item]
    with pytest.raises(w.WireError, match=r"data\[0\]\.loss_fn_inputs\['t'\]: expected a TensorData, got ndarray"):
        not_a_tensor = w.WireDatum([], {"t": np.arange(3)})  # type: ignore[dict-item]
        w.encode_forward_backward_request(w.WireForwardBackwardRequest("m", 0, [not_a_tensor], "x"))
    with pytest.raises(w.WireError, match=r"model_input\[0\]: cannot encode a str chunk"):
        bad_chunk = w.WireDatum(["hi"], {})  # type: ignore[list-item]
        w.encode_forward_backward_request(w.WireForwardBackwardRequest("m", 0, [bad_chunk], "x"))
    with pytest.raises(w.WireError, match=r"sequences\[0\]\.logprobs: 1 logprobs for 2 tokens"):
        w.encode_sample_response(w.WireSampleResponse([w.WireSampledSequence("stop", [1, 2], [0.0])]))


def test_seq_id_none_is_zero() -> None:
    raw = w.encode_forward_backward_request(w.WireForwardBackwardRequest("m", None, [], "x"))  # type: ignore[arg-type]
    assert w.decode_forward_backward_request(raw).seq_id == 0


# --- garbage ---------------------------------------------------------------------------------------------------


@settings(derandomize=True, max_examples=150, deadline=None)
@given(data=st.binary(max_size=64))
def test_garbage_only_raises_wire_error(data: bytes) -> None:
    for decode in DECODERS:
        try:
            decode(data)
        except w.WireError:
            pass


@settings(derandomize=True, max_examples=100, deadline=None)
@given(pos=st.integers(0, 10_000), byte=st.integers(0, 255))
def test_bit_flips_only_raise_wire_error(pos: int, byte: int) -> None:
    for encode, decode, value in (
        (w.encode_forward_backward_request, w.decode_forward_backward_request, _request()),
        (w.encode_sample_response, w.decode_sample_response, _sample()),
        (w.encode_forward_backward_output, w.decode_forward_backward_output, _output()),
    ):
        raw = bytearray(encode(value))  # type: ignore[operator]
        raw[pos % len(raw)] = byte
        try:
            decode(bytes(raw))  # type: ignore[operator]
        except w.WireError:
            pass


def test_memoryview_and_bytearray_input() -> None:
    raw = w.encode_sample_response(_sample())
    assert w.decode_sample_response(memoryview(raw)) == _sample()
    assert w.decode_sample_response(bytearray(raw)) == _sample()
