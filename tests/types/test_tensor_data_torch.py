"""TensorData <-> torch conversions (skipped when torch is not installed)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tinker.types import TensorData

torch = pytest.importorskip("torch")

# Deterministic and quick; applied per test so other suites' hypothesis settings are untouched.
FAST = settings(derandomize=True, max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(
    hnp.arrays(
        st.sampled_from([np.int64, np.int32, np.float32, np.float64]),
        hnp.array_shapes(min_dims=1, max_dims=3, max_side=5),
        elements=st.integers(-1000, 1000),
    )
)
def test_torch_round_trip(arr: np.ndarray) -> None:
    t = torch.from_numpy(arr.copy())
    td = TensorData.from_torch(t)
    expected = "float32" if arr.dtype.kind == "f" else "int64"
    assert td.dtype == expected and td.shape == list(arr.shape)
    back = td.to_torch()
    assert back.dtype == (torch.float32 if expected == "float32" else torch.int64)
    assert torch.equal(back, t.to(back.dtype))


@FAST
@given(
    st.integers(1, 6),
    st.integers(1, 6),
    st.sampled_from([0, -1]),
    st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(1, 50)), max_size=4),
)
def test_from_torch_sparse_pad_value(rows: int, cols: int, pad: int, cells: list) -> None:
    t = torch.full((rows, cols), pad, dtype=torch.long)
    for r, c, v in cells:
        t[r % rows, c % cols] = v
    td = TensorData.from_torch_sparse(t, pad_value=pad)
    nnz = int((t != pad).sum())
    assert td.is_sparse == ((rows + 1) + 2 * nnz < rows * cols)
    assert torch.equal(td.to_torch(pad_value=pad), t)
    assert td.tolist(pad_value=pad) == t.tolist()


def test_bfloat16_widened_and_grad_detached() -> None:
    t = torch.tensor([0.5, -1.25], dtype=torch.bfloat16)
    td = TensorData.from_torch(t)
    assert td.dtype == "float32" and td.data == [0.5, -1.25]
    g = torch.ones(3, requires_grad=True)
    assert TensorData.from_torch(g * 2).data == [2.0, 2.0, 2.0]


def test_torch_sparse_layout_and_1d_fall_back() -> None:
    dense = torch.zeros(6, 6)
    dense[0, 0] = 3.0
    assert TensorData.from_torch(dense.to_sparse()).tolist() == dense.tolist()
    assert not TensorData.from_torch_sparse(torch.zeros(10)).is_sparse
    with pytest.raises(ValueError):
        TensorData.from_torch(torch.zeros(3, dtype=torch.bool))


def test_from_torch_and_datums_keep_the_values_of_the_moment() -> None:
    from tinker.types import Datum, ModelInput

    advantages = torch.ones(2)
    datum = Datum(
        model_input=ModelInput.from_ints([1, 2]), loss_fn_inputs={"target_tokens": [2, 3], "advantages": advantages}
    )
    tensor = TensorData.from_torch(advantages)
    advantages.zero_()  # the tensor shares its memory with its numpy view
    assert datum.loss_fn_inputs["advantages"].tolist() == [1.0, 1.0]
    assert tensor.tolist() == [1.0, 1.0]
