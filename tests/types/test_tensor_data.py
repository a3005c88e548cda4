"""TensorData: construction, dense/CSR round trips through numpy and JSON, validation."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tinker.types import TensorData

# Deterministic and quick; applied per test so other suites' hypothesis settings are untouched.
FAST = settings(derandomize=True, max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

DTYPES = {"int64": np.int64, "float32": np.float32}


def _elements(dtype: str, allow_nan: bool = False) -> st.SearchStrategy:
    if dtype == "int64":
        return st.integers(-(2**40), 2**40)
    return st.floats(width=32, allow_nan=allow_nan, allow_infinity=False)


@st.composite
def dense_arrays(draw, max_dims: int = 2, allow_nan: bool = False) -> np.ndarray:
    dtype = draw(st.sampled_from(sorted(DTYPES)))
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=max_dims, min_side=0, max_side=6))
    return draw(hnp.arrays(DTYPES[dtype], shape, elements=_elements(dtype, allow_nan)))


@st.composite
def padded_matrices(draw) -> tuple[np.ndarray, int]:
    """2-D arrays where most cells equal a pad value, so CSR is usually chosen."""
    dtype = draw(st.sampled_from(sorted(DTYPES)))
    pad = draw(st.sampled_from([0, -1, 7]))
    rows = draw(st.integers(0, 8))
    cols = draw(st.integers(0, 8))
    arr = np.full((rows, cols), pad, dtype=DTYPES[dtype])
    cells = draw(
        st.lists(
            st.tuples(st.integers(0, max(rows - 1, 0)), st.integers(0, max(cols - 1, 0)), _elements(dtype)),
            max_size=6,
        )
    )
    if rows and cols:
        for r, c, v in cells:
            arr[r, c] = v
    return arr, pad


def _json_round_trip(td: TensorData) -> TensorData:
    return TensorData.from_json_dict(json.loads(json.dumps(td.to_json_dict())))


@FAST
@given(dense_arrays(max_dims=3))
def test_dense_numpy_and_json_round_trip(arr: np.ndarray) -> None:
    td = TensorData.from_numpy(arr)
    assert td.dtype == str(arr.dtype)
    assert td.shape == list(arr.shape)
    assert not td.is_sparse
    assert np.array_equal(td.to_numpy(), arr)
    assert td.data == arr.reshape(-1).tolist()
    assert td.tolist() == arr.tolist()
    back = _json_round_trip(td)
    assert back == td
    assert np.array_equal(back.to_numpy(), arr)
    assert back.to_numpy().dtype == arr.dtype


@FAST
@given(padded_matrices())
def test_csr_round_trip_with_pad_value(case: tuple[np.ndarray, int]) -> None:
    arr, pad = case
    td = TensorData.from_numpy_sparse(arr, pad_value=pad)
    rows, cols = arr.shape
    nnz = int(np.count_nonzero(arr != pad))
    assert td.is_sparse == ((rows + 1) + 2 * nnz < rows * cols)
    dense = td.to_numpy(pad_value=pad)
    assert dense.dtype == arr.dtype
    assert np.array_equal(dense, arr)
    assert td.tolist(pad_value=pad) == arr.tolist()
    back = _json_round_trip(td)
    assert back == td
    assert np.array_equal(back.to_numpy(pad_value=pad), arr)
    if td.is_sparse:
        wire = td.to_json_dict()
        assert wire["shape"] == [rows, cols]
        assert len(wire["sparse_crow_indices"]) == rows + 1
        assert len(wire["sparse_col_indices"]) == len(wire["data"]) == nnz


@FAST
@given(dense_arrays(max_dims=1, allow_nan=True))
def test_equality_is_by_value_and_nan_aware(arr: np.ndarray) -> None:
    a = TensorData.from_numpy(arr)
    b = TensorData(data=arr.tolist(), dtype=a.dtype, shape=list(arr.shape))
    assert a == b
    assert {a: 1}[a] == 1  # hashing stays by identity, as in the official SDK


def test_constructor_forms() -> None:
    td = TensorData([1, 2, 3, 4], "int64", [2, 2])
    assert td.shape == [2, 2] and td.tolist() == [[1, 2], [3, 4]]
    flat = TensorData(data=[0.5, 1.5], dtype="float32")
    assert flat.shape is None and flat.to_numpy().shape == (2,)
    assert flat.to_json_dict() == {"data": [0.5, 1.5], "dtype": "float32"}
    nested = TensorData(data=[[1, 2], [3, 4]], dtype="float32")
    assert nested.shape == [2, 2] and nested.data == [1.0, 2.0, 3.0, 4.0]
    assert TensorData(data=[2.0], dtype="int64").data == [2]  # integral floats only: 1.9 is refused, not truncated
    assert TensorData(data=np.zeros(3, dtype=np.float64), dtype="float32").to_numpy().dtype == np.float32


def test_the_constructor_shares_a_writable_array_and_from_numpy_copies() -> None:
    arr = np.arange(4, dtype=np.int64)
    assert np.shares_memory(TensorData(data=arr, dtype="int64").to_numpy(), arr)
    assert not np.shares_memory(TensorData.from_numpy(arr).to_numpy(), arr)  # as the official SDK: a snapshot
    frozen = np.arange(4, dtype=np.int64)
    frozen.setflags(write=False)
    for kept in (TensorData(data=frozen, dtype="int64").to_numpy(), TensorData.from_numpy(frozen).to_numpy()):
        assert not np.shares_memory(kept, frozen) and kept.flags.writeable


@pytest.mark.parametrize("dtype", [np.uint8, np.bool_, np.complex64])
def test_from_numpy_rejects_other_kinds(dtype: type) -> None:
    with pytest.raises(ValueError):
        TensorData.from_numpy(np.zeros(3, dtype=dtype))


@pytest.mark.parametrize("bad", [1.0, True, np.bool_(True), "0", None])
def test_pad_value_must_be_int(bad: object) -> None:
    td = TensorData([1, 2], "int64", [2])
    with pytest.raises(TypeError):
        td.to_numpy(pad_value=bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        TensorData.from_numpy_sparse(np.zeros((3, 3), dtype=np.int64), pad_value=bad)  # type: ignore[arg-type]
    assert td.to_numpy(pad_value=np.int32(3)).tolist() == [1, 2]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            {"data": [1], "shape": [2, 2], "sparse_crow_indices": [0, 1], "sparse_col_indices": [0]},
            r"rows \+ 1",
        ),
        (
            {"data": [1], "shape": [2, 2], "sparse_crow_indices": [0, 1, 1], "sparse_col_indices": []},
            r"sparse_col_indices: has 0 entries, expected one per value \(1\)",
        ),
        (
            {"data": [1], "shape": [2, 2], "sparse_crow_indices": [1, 1, 1], "sparse_col_indices": [0]},
            "start at 0",
        ),
        (
            {"data": [1, 2], "shape": [2, 2], "sparse_crow_indices": [0, 1, 1], "sparse_col_indices": [0, 1]},
            r"sparse_crow_indices: last entry 1 must equal the number of values \(2",
        ),
        (
            {
                "data": [1, 2],
                "shape": [3, 2],
                "sparse_crow_indices": [0, 2, 1, 2],
                "sparse_col_indices": [0, 1],
            },
            "non-decreasing",
        ),
        (
            {"data": [1], "shape": [2, 2], "sparse_crow_indices": [0, 1, 1], "sparse_col_indices": [2]},
            r"\[0, 2\)",
        ),
        ({"data": [1], "shape": [4], "sparse_crow_indices": [0, 1], "sparse_col_indices": [0]}, "2-D"),
        ({"data": [1], "sparse_crow_indices": [0, 1], "sparse_col_indices": [0]}, "needs a 2-D shape, got None"),
        ({"data": [1], "shape": [1, 1], "sparse_crow_indices": [0, 1]}, "sparse_col_indices: CSR tensors need both"),
        ({"data": [1, 2, 3], "shape": [2, 2]}, r"data: 3 values do not match shape \[2, 2\]"),
        ({"data": [1], "shape": [-1]}, r"shape: dimensions must be >= 0"),
    ],
)
def test_invalid_layouts_raise(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TensorData(dtype="int64", **kwargs)


def test_unsupported_dtype_and_missing_data_field() -> None:
    with pytest.raises(ValueError, match="dtype"):
        TensorData([1], "int32")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        TensorData.from_json_dict({"dtype": "int64"})


def test_sparse_falls_back_to_dense_when_not_smaller() -> None:
    full = np.arange(1, 10, dtype=np.int64).reshape(3, 3)
    assert not TensorData.from_numpy_sparse(full).is_sparse
    vector = np.zeros(10, dtype=np.int64)
    assert not TensorData.from_numpy_sparse(vector).is_sparse
    mostly_pad = np.full((4, 6), -1, dtype=np.int64)
    mostly_pad[2, 3] = 5
    td = TensorData.from_numpy_sparse(mostly_pad, pad_value=-1)
    assert td.is_sparse and td.data == [5]
    assert td.sparse_crow_indices == [0, 0, 0, 1, 1] and td.sparse_col_indices == [3]
    assert td.to_numpy()[2, 3] == 5 and td.to_numpy()[0, 0] == 0  # default pad 0
    assert TensorData.from_json_dict(td.to_json_dict()).tolist(pad_value=-1) == mostly_pad.tolist()


def test_sparse_and_dense_compare_by_dense_value() -> None:
    arr = np.zeros((5, 5), dtype=np.float32)
    arr[1, 1] = 2.5
    sparse = TensorData.from_numpy_sparse(arr)
    assert sparse.is_sparse
    assert sparse == TensorData.from_numpy(arr)
    assert sparse != TensorData.from_numpy(arr.astype(np.int64))


def test_pydantic_json_schema_and_repr() -> None:
    td = TensorData(list(range(20)), "int64", [20])
    assert "20 values" in repr(td)
    assert "csr" in repr(TensorData.from_numpy_sparse(np.eye(8, dtype=np.int64)))
    with pytest.raises(TypeError):
        TensorData.coerce(object())


def test_torch_missing_gives_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` fail
    with pytest.raises(ImportError, match=r"pip install 'tinker-oss\[torch\]'"):
        TensorData([1], "int64", [1]).to_torch()
    assert TensorData([1], "int64", [1]).tolist() == [1]  # numpy paths keep working
