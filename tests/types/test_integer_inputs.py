"""Integer tensors never silently truncate floats: integral floats (2.0) are accepted, anything else refused."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tinker.types import Datum, ModelInput, TensorData

MI = ModelInput.from_ints([1, 2, 3])
BAD = [[2.5, 3.9, -0.7], [1.0, math.nan, 2.0], [1.0, math.inf, 2.0]]


@pytest.mark.parametrize("values", BAD)
@pytest.mark.parametrize("as_array", [False, True])
def test_tensor_data_int64_refuses_non_integral_floats(values: list[float], as_array: bool) -> None:
    data = np.array(values, dtype=np.float64) if as_array else values
    with pytest.raises(ValueError, match="non-integral float") as info:
        TensorData(data=data, dtype="int64")
    assert "2.0 are accepted" in str(info.value)  # the error says what is accepted


@pytest.mark.parametrize("as_array", [False, True])
def test_tensor_data_int64_refuses_integral_floats_outside_its_range(as_array: bool) -> None:
    values = [1.0, 2.0**70]
    with pytest.raises(ValueError, match="outside int64's range"):
        TensorData(data=np.array(values) if as_array else values, dtype="int64")


def test_tensor_data_int64_keeps_big_ints_mixed_with_floats_exact() -> None:
    # float64 holds integers exactly only up to 2**53; a list mixing them with floats is converted value by value.
    assert TensorData(data=[2**53 + 1, 0.0], dtype="int64").tolist() == [2**53 + 1, 0]


def test_tensor_data_int64_names_the_first_bad_value() -> None:
    with pytest.raises(ValueError, match=r"non-integral float 2\.5"):
        TensorData(data=[1.0, 2.5, 3.9], dtype="int64")


def test_tensor_data_int64_accepts_integral_floats() -> None:
    td = TensorData(data=[2.0, -3.0, 0.0], dtype="int64", shape=[3])
    assert td.dtype == "int64" and td.to_numpy().dtype == np.int64 and td.data == [2, -3, 0]
    assert TensorData(data=np.array([[1.0, 2.0]], dtype=np.float32), dtype="int64").tolist() == [[1, 2]]
    assert TensorData.from_json_dict({"data": [4.0, 5.0], "dtype": "int64"}).data == [4, 5]
    # the float path is unchanged
    assert TensorData(data=[2.5], dtype="float32").data == [2.5]


def test_tensor_data_from_json_refuses_non_integral_int64() -> None:
    with pytest.raises(ValueError, match="non-integral float"):
        TensorData.from_json_dict({"data": [1.5], "dtype": "int64"})


@pytest.mark.parametrize("make", [list, lambda v: np.array(v, dtype=np.float32), lambda v: np.array(v)])
def test_datum_target_tokens_refuses_non_integral_floats(make) -> None:
    with pytest.raises(ValueError) as info:
        Datum(MI, {"target_tokens": make([2.5, 3.9, -0.7])})
    msg = str(info.value)
    assert "loss_fn_inputs['target_tokens']" in msg and "expected integer token ids" in msg
    assert "non-integral float 2.5" in msg


def test_datum_target_tokens_refuses_nan() -> None:
    with pytest.raises(ValueError, match=r"loss_fn_inputs\['target_tokens'\].*non-integral float nan"):
        Datum(MI, {"target_tokens": [1.0, float("nan"), 2.0]})


def test_datum_target_tokens_accepts_integral_floats() -> None:
    for value in ([2.0, 3.0, 4.0], np.array([2.0, 3.0, 4.0]), np.array([2, 3, 4], dtype=np.float32)):
        td = Datum(MI, {"target_tokens": value}).loss_fn_inputs["target_tokens"]
        assert td.dtype == "int64" and td.data == [2, 3, 4]


def test_datum_torch_float_targets() -> None:
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError, match=r"target_tokens.*non-integral float 2\.5"):
        Datum(MI, {"target_tokens": torch.tensor([2.5, 3.0])})
    with pytest.raises(ValueError, match="non-integral float"):  # 2-D: the CSR path
        Datum(MI, {"target_tokens": torch.tensor([[0.0, 0.0, 1.5], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])})
    ok = Datum(MI, {"target_tokens": torch.tensor([[0.0, 0.0, 2.0], [0.0] * 3, [0.0] * 3])})
    assert ok.loss_fn_inputs["target_tokens"].dtype == "int64"
    assert ok.loss_fn_inputs["target_tokens"].tolist() == [[0, 0, 2], [0, 0, 0], [0, 0, 0]]
