"""JSON bodies, the TensorData JSON form, densification and the JSON result forms."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from wire_pb_helpers import fwdbwd_outputs, sample_responses, tensors

import tinker_wire as w

# --- dumps / loads -----------------------------------------------------------------------------------------


def test_dumps_numpy_and_plain() -> None:
    obj = {
        "a": np.arange(3),
        "b": np.array([[1.5, 2.0]], np.float32),
        "c": np.float32(0.5),
        "d": np.int64(7),
        "e": np.arange(6).reshape(2, 3)[:, 1],  # not C-contiguous
        "f": [None, True, "x"],
    }
    assert w.loads(w.dumps(obj)) == {
        "a": [0, 1, 2],
        "b": [[1.5, 2.0]],
        "c": 0.5,
        "d": 7,
        "e": [1, 4],
        "f": [None, True, "x"],
    }
    assert w.dumps({"k": None}) == b'{"k":null}'
    assert isinstance(w.dumps([]), bytes)


@pytest.mark.parametrize(
    ("obj", "where"),
    [
        ({"x": float("nan")}, "$.x"),
        ({"x": [1.0, float("inf")]}, "$.x[1]"),
        ({"t": {"data": np.array([0.0, -np.inf], np.float32)}}, "$.t.data[1]"),
        ([np.float64("nan")], "$[0]"),
        ({"m": np.array([[0.0], [np.nan]])}, "$.m[1][0]"),
    ],
)
def test_dumps_rejects_nan_and_infinity(obj: object, where: str) -> None:
    with pytest.raises(
        w.WireError,
        match=r"NaN or Infinity \(found at " + where.replace("$", r"\$").replace("[", r"\[").replace("]", r"\]"),
    ):
        w.dumps(obj)


@pytest.mark.parametrize(
    ("obj", "where", "value"),
    [
        ({"sampling_params": {"seed": 2**70}}, "$.sampling_params.seed", 2**70),
        ({"tokens": [1, 2**64]}, "$.tokens[1]", 2**64),
        ({"x": [{"y": -(2**63) - 1}]}, "$.x[0].y", -(2**63) - 1),
        ({"o": np.array([3, 2**65], dtype=object)}, "$.o[1]", 2**65),
    ],
)
def test_dumps_names_an_integer_beyond_64_bits(obj: object, where: str, value: int) -> None:
    with pytest.raises(w.WireError) as caught:
        w.dumps(obj)
    assert str(caught.value).startswith(f"{where} is {value}, beyond the 64-bit integers")


def test_dumps_carries_the_64_bit_extremes() -> None:
    assert w.loads(w.dumps([2**64 - 1, -(2**63)])) == [2**64 - 1, -(2**63)]


def test_dumps_null_text_is_not_a_false_alarm() -> None:
    assert w.loads(w.dumps({"null": "nullable", "v": None})) == {"null": "nullable", "v": None}


def test_dumps_unserialisable_and_loads_invalid() -> None:
    with pytest.raises(w.WireError, match="cannot serialise to JSON"):
        w.dumps({"x": object()})
    with pytest.raises(w.WireError, match="invalid JSON"):
        w.loads(b'{"x": NaN}')
    with pytest.raises(w.WireError, match="invalid JSON"):
        w.loads(b"{")
    assert issubclass(w.WireError, ValueError)
    assert w.loads(memoryview(b"[1]")) == [1]
    assert w.loads("[2]") == [2]


# --- TensorData JSON ----------------------------------------------------------------------------------------


def test_tensor_from_json_dense_and_sparse() -> None:
    t = w.tensor_from_json({"data": [1, 2, 3, 4], "dtype": "int64", "shape": [2, 2]})
    assert t == w.TensorData([1, 2, 3, 4], "int64", [2, 2])
    assert t.to_numpy().tolist() == [[1, 2], [3, 4]]
    f = w.tensor_from_json({"data": [1, 2.5], "dtype": "float32"})
    assert f.shape is None and f.to_numpy().dtype == np.float32 and f.data == [1.0, 2.5]
    s = w.tensor_from_json(
        {
            "data": [0.5, 0.25],
            "dtype": "float32",
            "shape": [3, 4],
            "sparse_crow_indices": [0, 1, 1, 2],
            "sparse_col_indices": [3, 0],
        }
    )
    assert s.is_sparse
    assert s.to_numpy(pad_value=-1).tolist() == [
        [-1, -1, -1, 0.5],
        [-1, -1, -1, -1],
        [0.25, -1, -1, -1],
    ]
    assert s.to_json_dict() == {
        "data": [0.5, 0.25],
        "dtype": "float32",
        "shape": [3, 4],
        "sparse_crow_indices": [0, 1, 1, 2],
        "sparse_col_indices": [3, 0],
    }
    assert f.to_json_dict() == {"data": [1.0, 2.5], "dtype": "float32"}  # no shape, never null
    empty = w.tensor_from_json({"data": [], "dtype": "int64", "shape": [0, 3]})
    assert empty.to_numpy().shape == (0, 3)


@settings(derandomize=True, max_examples=40, deadline=None)
@given(t=tensors())
def test_tensor_json_roundtrip(t: w.TensorData) -> None:
    d = t.to_json_dict()
    if t.dtype == "float32" and not np.all(np.isfinite(t.data)):
        with pytest.raises(w.WireError):
            w.dumps(d)
        return
    back = w.tensor_from_json(w.loads(w.dumps(d)))
    assert back == t
    np.testing.assert_array_equal(back.to_numpy(), t.to_numpy())


CSR = {
    "data": [1.0, 2.0],
    "dtype": "float32",
    "shape": [2, 3],
    "sparse_crow_indices": [0, 1, 2],
    "sparse_col_indices": [0, 2],
}


@pytest.mark.parametrize(
    ("patch", "pattern"),
    [
        ({"dtype": "float64"}, r"TensorData\.dtype: must be 'int64' or 'float32'"),
        ({"data": "abc"}, r"TensorData\.data: expected an array"),
        ({"data": [1.0, None]}, r"TensorData\.data: every element must be a number"),
        ({"data": [[1.0], [2.0]]}, r"TensorData\.data: expected a flat array"),
        ({"data": [True, False]}, r"TensorData\.data: booleans"),
        ({"shape": [2, "3"]}, r"TensorData\.shape: expected a list of integers"),
        ({"shape": [2]}, r"TensorData\.shape: a sparse CSR tensor needs a 2-D shape"),
        (
            {"sparse_crow_indices": [0, 1]},
            r"TensorData\.sparse_crow_indices: has 2 entries, expected rows \+ 1 = 3",
        ),
        ({"sparse_crow_indices": [1, 1, 2]}, r"TensorData\.sparse_crow_indices: must start at 0"),
        ({"sparse_crow_indices": [0, 2, 1]}, r"TensorData\.sparse_crow_indices: must be non-decreasing"),
        (
            {"sparse_crow_indices": [0, 1, 3]},
            r"TensorData\.sparse_crow_indices: last entry 3 must equal the number of values \(2",
        ),
        (
            {"sparse_col_indices": [0]},
            r"TensorData\.sparse_col_indices: has 1 entries, expected one per value \(2\)",
        ),
        (
            {"sparse_col_indices": [0, 3]},
            r"TensorData\.sparse_col_indices: column index 3 is out of range \[0, 3\)",
        ),
        ({"sparse_col_indices": [-1, 0]}, r"TensorData\.sparse_col_indices: column index -1 is out of range"),
        ({"sparse_col_indices": None}, r"TensorData\.sparse_col_indices: CSR tensors need both"),
        (
            {"sparse_col_indices": [0.5, 1]},
            r"TensorData\.sparse_col_indices: int64 tensors need integer values",
        ),
    ],
)
def test_csr_and_tensor_validation_names_the_field(patch: dict[str, object], pattern: str) -> None:
    with pytest.raises(w.WireError, match=pattern):
        w.tensor_from_json({**CSR, **patch})


def test_tensor_validation_more() -> None:
    with pytest.raises(w.WireError, match=r"loss_fn_inputs\['w'\]\.data: 3 values do not match shape \[2, 2\]"):
        w.tensor_from_json({"data": [1, 2, 3], "dtype": "int64", "shape": [2, 2]}, "loss_fn_inputs['w']")
    with pytest.raises(w.WireError, match=r"TensorData\.data: int64 tensors need integer values"):
        w.tensor_from_json({"data": [1.5], "dtype": "int64"})
    with pytest.raises(w.WireError, match=r"TensorData\.data: value 18446744073709551615 does not fit int64"):
        w.tensor_from_json({"data": [2**64 - 1], "dtype": "int64"})
    with pytest.raises(w.WireError, match=r"TensorData\.data: every element must be a number"):
        w.tensor_from_json({"data": [2**70], "dtype": "int64"})
    with pytest.raises(w.WireError, match=r"finite float32"):
        w.tensor_from_json({"data": [1e39], "dtype": "float32"})
    with pytest.raises(w.WireError, match=r"TensorData\.data: required field is missing"):
        w.tensor_from_json({"dtype": "int64"})
    with pytest.raises(w.WireError, match=r"TensorData\.shape: dimensions must be >= 0"):
        w.tensor_from_json({"data": [], "dtype": "int64", "shape": [-1]})
    with pytest.raises(w.WireError, match=r"TensorData: expected an object"):
        w.tensor_from_json([1, 2])
    assert w.tensor_from_json({"data": [1.0, 2.0], "dtype": "int64"}).data == [1, 2]
    assert w.tensor_from_json({"data": [1, 2], "dtype": "float32", "extra": 1}).to_numpy().dtype == np.float32


# --- JSON result forms ------------------------------------------------------------------------------------------


def test_sample_response_json_form() -> None:
    resp = w.WireSampleResponse(
        [w.WireSampledSequence("length", [1, 2], [-0.5, -0.25]), w.WireSampledSequence("stop", [3])],
        prompt_logprobs=np.array([np.nan, -1.0], np.float32),
        topk_prompt_logprobs=w.topk_from_lists([None, [(5, -0.5), (6, -1.0)]]),
        prompt_cache_hit_tokens=4,
    )
    d = w.sample_response_to_json(resp)
    assert d == {
        "sequences": [
            {"stop_reason": "length", "tokens": [1, 2], "logprobs": [-0.5, -0.25]},
            {"stop_reason": "stop", "tokens": [3]},
        ],
        "type": "sample",
        "prompt_logprobs": [None, -1.0],
        "topk_prompt_logprobs": [None, [[5, -0.5], [6, -1.0]]],
        "prompt_cache_hit_tokens": 4,
    }
    assert w.sample_response_from_json(w.loads(w.dumps(d))) == resp
    with pytest.raises(w.WireError, match=r"SampleResponse\.sequences\[0\]\.stop_reason"):
        w.sample_response_from_json({"sequences": [{"stop_reason": "eos", "tokens": []}]})
    with pytest.raises(w.WireError, match=r"SampleResponse\.sequences: required field is missing"):
        w.sample_response_from_json({})


@settings(derandomize=True, max_examples=40, deadline=None)
@given(resp=sample_responses())
def test_sample_response_json_keeps_json_fields(resp: w.WireSampleResponse) -> None:
    d = w.sample_response_to_json(resp)
    floats = [resp.target_prompt_logprobs, resp.prompt_alt_tokens and resp.prompt_alt_tokens.logprobs]
    if not all(np.isfinite(t.to_numpy()).all() for t in floats if t is not None):
        with pytest.raises(w.WireError, match="finite"):  # JSON cannot carry NaN/Infinity
            w.sample_response_from_json(d)
        return
    back = w.sample_response_from_json(d)
    assert back.target_prompt_logprobs == resp.target_prompt_logprobs
    assert back.prompt_alt_tokens == resp.prompt_alt_tokens
    assert back.prompt_cache_hit_tokens == resp.prompt_cache_hit_tokens
    assert [s.tokens.tolist() for s in back.sequences] == [s.tokens.tolist() for s in resp.sequences]
    # repr: NaN logprobs must survive too, and NaN != NaN under ==
    assert repr(w.logprobs_to_list(back.prompt_logprobs)) == repr(w.logprobs_to_list(resp.prompt_logprobs))
    assert repr(w.topk_to_lists(back.topk_prompt_logprobs)) == repr(w.topk_to_lists(resp.topk_prompt_logprobs))


@settings(derandomize=True, max_examples=30, deadline=None)
@given(out=fwdbwd_outputs())
def test_forward_backward_output_json_roundtrip(out: w.WireForwardBackwardOutput) -> None:
    finite = all(np.isfinite(t.to_numpy()).all() for d in out.loss_fn_outputs for t in d.values())
    d = w.forward_backward_output_to_json(out)
    if not finite:  # JSON cannot carry NaN/Infinity: rejected on both sides
        with pytest.raises(w.WireError):
            w.dumps(d)
        with pytest.raises(w.WireError, match="finite"):
            w.forward_backward_output_from_json(d)
        return
    assert w.forward_backward_output_from_json(d) == out


def test_forward_backward_output_json_errors() -> None:
    with pytest.raises(w.WireError, match=r"ForwardBackwardOutput\.loss_fn_outputs\[0\]\['lp'\]\.dtype"):
        w.forward_backward_output_from_json({"loss_fn_outputs": [{"lp": {"data": [], "dtype": "x"}}]})
    with pytest.raises(w.WireError, match=r"metrics\['m'\]: expected a number"):
        w.forward_backward_output_from_json({"loss_fn_outputs": [], "metrics": {"m": "1"}})
    out = w.forward_backward_output_from_json({"loss_fn_outputs": []})
    assert out == w.WireForwardBackwardOutput("ArrayRecord", [], {})


# --- sampling helpers -------------------------------------------------------------------------------------------


def test_topk_sentinel_conventions() -> None:
    t = w.topk_from_lists([[(3, -0.5)], None, [(1, -1.0), (2, -2.0)]], k=3)
    assert t.k == 3 and t.length == 3
    assert t.token_ids.tolist() == [[3, 0, 0], [0, 0, 0], [1, 2, 0]]
    assert t.logprobs[1].tolist() == [w.TOPK_SENTINEL_LOGPROB] * 3
    assert w.topk_to_lists(t) == [[(3, -0.5)], None, [(1, -1.0), (2, -2.0)]]
    ids, lps = t  # unpacks like a tuple
    assert ids.shape == lps.shape == (3, 3)
    # token 0 with a real logprob is a real candidate, not a sentinel
    real_zero = w.WireTopk(np.array([[0, 0]]), np.array([[-0.1, -99999.0]], np.float32))
    assert w.topk_to_lists(real_zero) == [[(0, np.float32(-0.1).item())]]
    assert w.topk_to_lists(None) is None
    with pytest.raises(w.WireError, match="more than k = 1"):
        w.topk_from_lists([[(1, 0.0), (2, 0.0)]], k=1)


def test_logprob_list_helpers() -> None:
    arr = w.logprobs_from_list([None, -1.0, None])
    assert arr is not None and arr.dtype == np.float32 and math.isnan(arr[0])
    assert w.logprobs_to_list(arr) == [None, -1.0, None]
    assert w.logprobs_to_list(None) is None and w.logprobs_from_list(None) is None
