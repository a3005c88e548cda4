"""Byte strings written by hand from the field tables, so a wrong field number cannot go unnoticed.

Tags are spelled out in hex: tag = (field_number << 3) | wire_type, with wire types
0 = varint, 1 = fixed64, 2 = length-delimited, 5 = fixed32.
"""

from __future__ import annotations

import functools
import struct

import numpy as np

import tinker_wire as w
from tests import helpers

# A length-delimited field with a one-byte tag and a one-byte length; asserts wire type 2 and payload < 128.
ld = functools.partial(helpers.ld, one_byte_length=True)


def i32(*vals: int) -> bytes:
    return struct.pack(f"<{len(vals)}i", *vals)


def f32(*vals: float) -> bytes:
    return struct.pack(f"<{len(vals)}f", *vals)


def i64(*vals: int) -> bytes:
    return struct.pack(f"<{len(vals)}q", *vals)


def f64(v: float) -> bytes:
    return struct.pack("<d", v)


# ForwardBackwardRequest ---------------------------------------------------------------------------------
TEXT_CHUNK = ld(0x0A, ld(0x0A, ld(0x0A, i32(1, 300))))  # Datum.model_input(1) > Chunk.encoded_text(1) > tokens(1)
IMAGE_CHUNK = ld(
    0x0A,  # Datum.model_input
    ld(
        0x12,  # Chunk.image (2)
        ld(0x0A, b"\x89PNG")  # data (1)
        + ld(0x12, b"png")  # format (2)
        + b"\x18\x05"  # expected_tokens (3) = 5
        + ld(0x22, b"\x08\x10\x10\x20"),  # override_dimensions (4): width 16, height 32
    ),
)
DMEL_CHUNK = ld(0x0A, ld(0x1A, ld(0x0A, b"\xfe\x01")))  # Chunk.dmel (3) > dmel (1)
WEIGHTS_ENTRY = ld(
    0x12,  # Datum.loss_fn_inputs (2), map entry
    ld(0x0A, b"weights")  # key
    + ld(0x12, ld(0x0A, f32(1.0, 0.5)) + b"\x18\x01" + ld(0x22, b"\x02")),  # Tensor: dense, FLOAT32, shape [2]
)
TARGETS_ENTRY = ld(
    0x12,
    ld(0x0A, b"target_tokens")
    + ld(
        0x12,
        ld(0x12, ld(0x0A, i64(9)) + ld(0x12, i64(0, 0, 1)) + ld(0x1A, i64(1)))  # sparse_csr (2)
        + b"\x18\x02"  # INT64
        + ld(0x22, b"\x02\x03"),  # shape [2, 3]
    ),
)
MODEL_SPAN = ld(0x1A, ld(0x0A, ld(0x0A, b"seq-1") + b"\x10\x02" + b"\x18\x03"))  # prompt_tokens: id, offset 2, length 3
LOSS_SPAN = ld(0x22, ld(0x12, ld(0x0A, b"seq-1") + b"\x18\x04"))  # sampled_tokens: id, offset 0 (omitted), length 4
DATUM = TEXT_CHUNK + IMAGE_CHUNK + DMEL_CHUNK + WEIGHTS_ENTRY + TARGETS_ENTRY + MODEL_SPAN + LOSS_SPAN

REQUEST = (
    ld(0x0A, b"run-1")  # model_id (1)
    + b"\x10\x07"  # seq_id (2) = 7
    + bytes([0x1A])
    + bytes([len(DATUM) & 0x7F | 0x80, len(DATUM) >> 7])
    + DATUM  # data (3), 2-byte length
    + ld(0x22, b"ppo")  # loss_fn (4)
    + ld(0x2A, ld(0x0A, b"beta") + b"\x11" + f64(0.25))  # loss_fn_config (5): beta -> 0.25
    + b"\x30\x01"  # forward_only (6)
    + ld(0x3A, ld(0x0A, b"loss_id") + ld(0x12, ld(0x12, b"abc")))  # loss_fn_config_v2 (7): text
    + ld(0x3A, ld(0x0A, b"beta") + ld(0x12, b"\x09" + f64(0.5)))  # v2 number wins over legacy
)


def test_handbuilt_forward_backward_request() -> None:
    assert len(DATUM) >= 128  # exercises a two-byte length prefix
    req = w.decode_forward_backward_request(REQUEST)
    assert req.model_id == "run-1"
    assert req.seq_id == 7
    assert req.loss_fn == "ppo"
    assert req.forward_only is True
    assert req.loss_fn_config == {"beta": 0.5, "loss_id": "abc"}
    (d,) = req.data
    text, image, dmel = d.chunks
    assert isinstance(text, w.EncodedText) and text.tokens.tolist() == [1, 300] and text.tokens.dtype == np.int64
    assert image == w.Image(b"\x89PNG", "png", 5, w.ImageDimensions(16, 32))
    assert dmel == w.Dmel(b"\xfe\x01")
    assert d.loss_fn_inputs["weights"] == w.TensorData(np.array([1.0, 0.5], np.float32), "float32", [2])
    tt = d.loss_fn_inputs["target_tokens"]
    assert tt.is_sparse and tt.shape == [2, 3]
    assert tt.to_numpy(pad_value=-1).tolist() == [[-1, -1, -1], [-1, 9, -1]]
    assert d.model_input_spans == [w.PromptSpan("seq-1", 2, 3)]
    assert d.loss_fn_input_spans == [w.SampledSpan("seq-1", 0, 4)]


def test_handbuilt_request_encode_exact_bytes() -> None:
    req = w.WireForwardBackwardRequest(
        model_id="m",
        seq_id=3,
        data=[w.WireDatum([w.EncodedText([1, 2])], {"weights": w.TensorData([2.0], "float32", [1])})],
        loss_fn="cross_entropy",
        loss_fn_config={"kl_coeff": 0.01, "mode": "x"},
        forward_only=True,
    )
    datum = ld(0x0A, ld(0x0A, ld(0x0A, i32(1, 2)))) + ld(
        0x12, ld(0x0A, b"weights") + ld(0x12, ld(0x0A, f32(2.0)) + b"\x18\x01" + ld(0x22, b"\x01"))
    )
    expected = (
        ld(0x0A, b"m")
        + b"\x10\x03"
        + ld(0x1A, datum)
        + ld(0x22, b"cross_entropy")
        + ld(0x2A, ld(0x0A, b"kl_coeff") + b"\x11" + f64(0.01))  # numbers: legacy map ...
        + b"\x30\x01"
        + ld(0x3A, ld(0x0A, b"kl_coeff") + ld(0x12, b"\x09" + f64(0.01)))  # ... and v2 number
        + ld(0x3A, ld(0x0A, b"mode") + ld(0x12, ld(0x12, b"x")))  # strings: v2 text only
    )
    assert w.encode_forward_backward_request(req) == expected


# ForwardBackwardOutput ----------------------------------------------------------------------------------
def output_bytes(output_type: bytes, type_tag: bytes) -> bytes:
    return (
        ld(0x0A, output_type)  # loss_fn_output_type (1)
        + ld(
            0x12,  # loss_fn_outputs (2): ArrayRecord
            ld(0x0A, type_tag)  # type_tag (1)
            + ld(
                0x12,  # fields (2)
                ld(0x0A, b"logprobs")
                + ld(
                    0x12,  # BatchedTensor
                    ld(0x0A, f32(-1.0, -2.0, -3.0, -4.0, -5.0, -6.0))  # data (1)
                    + ld(0x12, i64(0, 8, 24))  # offsets (2), bytes
                    + b"\x18\x01"  # dtype FLOAT32 (3)
                    + ld(0x22, b"\x02"),  # trailing_shape (4) = [2]
                ),
            )
            + b"\x18\x02",  # num_datums (3)
        )
        + ld(0x1A, ld(0x0A, b"loss:sum") + b"\x11" + f64(21.0))  # metrics (3)
    )


OUTPUT = output_bytes(b"tinker.types:ArrayRecord", b"ArrayRecord")


def test_handbuilt_forward_backward_output() -> None:
    out = w.decode_forward_backward_output(OUTPUT)
    assert out.loss_fn_output_type == "ArrayRecord"
    assert out.metrics == {"loss:sum": 21.0}
    a, b = out.loss_fn_outputs
    assert a["logprobs"] == w.TensorData([-1.0, -2.0], "float32", [1, 2])
    assert b["logprobs"] == w.TensorData([-3.0, -4.0, -5.0, -6.0], "float32", [2, 2])
    # and our encoder writes the same single record back
    again = w.encode_forward_backward_output(out)
    assert again == output_bytes(b"ArrayRecord", b"ArrayRecord")


# SampleResponse -----------------------------------------------------------------------------------------
SENT = -99999.0
SEQUENCE = (
    b"\x08\x01"  # stop_reason (1) = LENGTH
    + ld(0x12, i32(5, 70000))  # tokens (2)
    + ld(0x1A, f32(-0.5, -1.5))  # logprobs (3)
    + ld(
        0x22,
        ld(0x0A, i32(5, 0, 70000, 3)) + ld(0x12, f32(-0.5, SENT, -1.5, -2.0)) + b"\x18\x02" + b"\x20\x02",
    )
)
SAMPLE = (
    ld(0x0A, SEQUENCE)  # sequences (1)
    + ld(0x0A, b"")  # a second, empty sequence: STOP, no tokens, no logprobs
    + ld(0x12, f32(float("nan"), -1.0, -2.0))  # prompt_logprobs (2)
    + ld(0x1A, ld(0x0A, i32(0, 0, 8, 9)) + ld(0x12, f32(SENT, SENT, -0.1, -0.2)) + b"\x18\x02\x20\x02")  # topk (3)
    + b"\x20\x05"  # prompt_cache_hit_tokens (4)
    + ld(0x2A, ld(0x0A, f32(0.0, -3.0)) + b"\x18\x01" + ld(0x22, b"\x01\x02"))  # target_prompt_logprobs (5)
    + ld(
        0x32,  # prompt_alt_tokens (6)
        ld(0x0A, ld(0x0A, i32(7, 8)) + b"\x18\x03" + ld(0x22, b"\x02\x01"))  # tokens: INT32 [2, 1]
        + ld(0x12, ld(0x0A, f32(-0.7, -0.8)) + b"\x18\x01" + ld(0x22, b"\x02\x01")),  # logprobs
    )
)


def test_handbuilt_sample_response() -> None:
    r = w.decode_sample_response(SAMPLE)
    s, empty = r.sequences
    assert s.stop_reason == "length"
    assert s.tokens.tolist() == [5, 70000] and s.tokens.dtype == np.int64
    assert s.logprobs is not None and s.logprobs.tolist() == [-0.5, -1.5]
    assert s.topk is not None
    assert s.topk.token_ids.tolist() == [[5, 0], [70000, 3]]
    assert w.topk_to_lists(s.topk) == [[(5, -0.5)], [(70000, -1.5), (3, -2.0)]]
    assert empty.stop_reason == "stop" and empty.tokens.size == 0 and empty.logprobs is None and empty.topk is None
    assert w.logprobs_to_list(r.prompt_logprobs) == [None, -1.0, -2.0]
    assert r.topk_prompt_logprobs is not None
    assert w.topk_to_lists(r.topk_prompt_logprobs) == [
        None,
        [(8, np.float32(-0.1).item()), (9, np.float32(-0.2).item())],
    ]
    assert r.prompt_cache_hit_tokens == 5
    assert r.target_prompt_logprobs == w.TensorData([0.0, -3.0], "float32", [1, 2])
    assert r.prompt_alt_tokens is not None
    assert r.prompt_alt_tokens.tokens == w.TensorData([7, 8], "int64", [2, 1])
    assert r.prompt_alt_tokens.logprobs.to_numpy().shape == (2, 1)
    # Encoding the decoded value reproduces the bytes exactly.
    assert w.encode_sample_response(r) == SAMPLE
