"""Datum: loss_fn_inputs conversion by key, provenance spans, JSON form."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tinker.types import (
    Datum,
    ForwardBackwardInput,
    ForwardBackwardOutput,
    ModelInput,
    PromptProvenanceSpan,
    SampledProvenanceSpan,
    TensorData,
)

# Deterministic and quick; applied per test so other suites' hypothesis settings are untouched.
FAST = settings(derandomize=True, max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

MI = ModelInput.from_ints([1, 2, 3, 4])
FLOAT_KEYS = [
    "weights",
    "advantages",
    "logprobs",
    "clip_low_threshold",
    "clip_high_threshold",
    "sequence_ratio_mask",
]


@FAST
@given(st.lists(st.integers(-5, 5), min_size=0, max_size=12), st.sampled_from(["target_tokens", *FLOAT_KEYS]))
def test_plain_lists_cast_by_key(values: list[int], key: str) -> None:
    datum = Datum(model_input=MI, loss_fn_inputs={key: values})
    td = datum.loss_fn_inputs[key]
    assert td.dtype == ("int64" if key == "target_tokens" else "float32")
    assert td.shape == [len(values)]
    assert td.tolist() == values
    assert Datum.from_json_dict(datum.to_json_dict()) == datum


def test_nested_lists_keep_their_shape() -> None:
    d = Datum(MI, {"target_tokens": [[1, 2], [3, 4]], "weights": [[1, 0], [0, 1]]})
    assert d.loss_fn_inputs["target_tokens"].shape == [2, 2]
    assert d.loss_fn_inputs["weights"].dtype == "float32"


def test_ragged_and_unknown_keys() -> None:
    with pytest.raises(ValueError, match="ragged"):
        Datum(MI, {"target_tokens": [[1, 2], [3]]})
    with pytest.raises(KeyError):
        Datum(MI, {"my_key": [1.0, 2.0]})
    with pytest.raises(TypeError):
        Datum(MI, {"weights": 1.0})  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        Datum("not an input", {})  # type: ignore[arg-type]


def test_numpy_values() -> None:
    d = Datum(MI, {"weights": np.array([1, 0, 1, 1]), "custom": np.array([0.5]), "mask": np.array([1, 2])})
    assert d.loss_fn_inputs["weights"].dtype == "float32"  # known key: cast to its dtype
    assert d.loss_fn_inputs["custom"].dtype == "float32"
    assert d.loss_fn_inputs["mask"].dtype == "int64"
    bools = Datum(MI, {"sequence_ratio_mask": np.array([True, False])}).loss_fn_inputs["sequence_ratio_mask"]
    assert bools.tolist() == [1.0, 0.0]
    with pytest.raises(ValueError):
        Datum(MI, {"custom": np.array([True])})  # unknown key: only float/int arrays


def test_tensor_data_and_json_dict_values_and_defaults() -> None:
    td = TensorData([1, 2, 3, 4], "int64", [4])
    d = Datum(MI, {"target_tokens": td, "weights": {"data": [1, 1, 1, 1], "dtype": "float32", "shape": [4]}})
    assert d.loss_fn_inputs["target_tokens"] is td
    assert isinstance(d.loss_fn_inputs["weights"], TensorData)
    assert Datum(MI).loss_fn_inputs == {}
    user_dict = {"weights": [1.0]}
    Datum(MI, user_dict)
    assert user_dict == {"weights": [1.0]}  # the caller's dict is not modified


def test_torch_values() -> None:
    torch = pytest.importorskip("torch")
    eye = torch.zeros(6, 6)
    eye[0, 0] = 1.0
    d = Datum(
        MI,
        {
            "target_tokens": torch.zeros(6, 6, dtype=torch.long),
            "weights": eye,
            "advantages": torch.ones(4, dtype=torch.bfloat16),
            "logprobs": torch.zeros(2, 3),
        },
    )
    assert d.loss_fn_inputs["target_tokens"].is_sparse and d.loss_fn_inputs["weights"].is_sparse
    assert d.loss_fn_inputs["weights"].tolist() == eye.tolist()
    assert d.loss_fn_inputs["advantages"].dtype == "float32"
    assert not d.loss_fn_inputs["logprobs"].is_sparse  # only target_tokens/weights go sparse
    dense = Datum(MI, {"weights": torch.ones(2, 2)}).loss_fn_inputs["weights"]
    assert not dense.is_sparse  # CSR is not smaller here
    assert Datum(MI, {"target_tokens": torch.tensor([1.0, 2.0])}).loss_fn_inputs["target_tokens"].dtype == "int64"


def _spans(prompt: int, sampled: int) -> tuple[list, list]:
    inputs = [
        PromptProvenanceSpan(sequence_id="s0", offset=0, length=prompt),
        SampledProvenanceSpan(sequence_id="s0", length=sampled - 1),
    ]
    targets = [
        PromptProvenanceSpan(sequence_id="s0", offset=1, length=prompt - 1),
        SampledProvenanceSpan(sequence_id="s0", offset=0, length=sampled),
    ]
    return inputs, targets


@FAST
@given(st.integers(1, 8), st.integers(1, 8))
def test_with_provenance_tiles(prompt: int, sampled: int) -> None:
    n = prompt + sampled - 1
    d = Datum(ModelInput.from_ints(list(range(n))), {"target_tokens": list(range(n))})
    inputs, targets = _spans(prompt, sampled)
    with_spans = d.with_provenance(model_input=inputs, loss_fn_inputs=targets)
    assert d.model_input_spans is None  # original untouched
    assert with_spans.model_input_spans == inputs and with_spans.loss_fn_input_spans == targets
    assert Datum.from_json_dict(with_spans.to_json_dict()) == with_spans
    extra = SampledProvenanceSpan(sequence_id="s1", length=1)
    with pytest.raises(ValueError, match="model_input_spans"):
        d.with_provenance(model_input=[*inputs, extra], loss_fn_inputs=targets)
    with pytest.raises(ValueError, match="loss_fn_input_spans"):
        d.with_provenance(model_input=inputs, loss_fn_inputs=[*targets, extra])


def test_provenance_pairs_and_span_validation() -> None:
    inputs, _ = _spans(2, 3)
    with pytest.raises(ValueError, match="together"):
        Datum(ModelInput.from_ints([1, 2, 3, 4]), {}, model_input_spans=inputs)
    with pytest.raises(ValueError):
        PromptProvenanceSpan(sequence_id="", length=1)
    with pytest.raises(ValueError):
        SampledProvenanceSpan(sequence_id="x", length=-1)
    with pytest.raises(TypeError):
        PromptProvenanceSpan("x", 0, 1)  # type: ignore[misc]  # keyword-only
    # target_tokens not 1-D: only the input tiling is checked
    d = Datum(ModelInput.from_ints([1, 2, 3, 4]), {"target_tokens": [[1], [2], [3], [4]]})
    d.with_provenance(model_input=inputs, loss_fn_inputs=[SampledProvenanceSpan(sequence_id="s0", length=99)])
    assert dataclasses.is_dataclass(d)


def test_forward_backward_input_and_output_json() -> None:
    d = Datum(MI, {"target_tokens": [2, 3, 4, 5], "weights": [1, 1, 1, 0]})
    fbi = ForwardBackwardInput(data=[d], loss_fn="cross_entropy")
    wire = fbi.to_json_dict()
    assert "loss_fn_config" not in wire
    assert ForwardBackwardInput.from_json_dict(wire) == fbi
    cfg = ForwardBackwardInput([d], "custom", {"loss_id": "L1", "beta": 0.1})
    assert ForwardBackwardInput.from_json_dict(cfg.to_json_dict()).loss_fn_config == {
        "loss_id": "L1",
        "beta": 0.1,
    }
    out = ForwardBackwardOutput(
        "ArrayRecord",
        [{"logprobs": np.array([-1.0, -2.0], dtype=np.float32)}],  # type: ignore[dict-item]
        {"loss:sum": 3.0},
    )
    assert isinstance(out.loss_fn_outputs[0]["logprobs"], TensorData)
    assert ForwardBackwardOutput.from_json_dict(out.to_json_dict()) == out
    assert ForwardBackwardOutput("x", []).metrics == {}


# ---------------------------------------------------------------------------------------------- values as given


def _inputs(**loss_fn_inputs: object) -> dict:
    mi = ModelInput.from_ints([1, 2])
    return Datum(model_input=mi, loss_fn_inputs=loss_fn_inputs).loss_fn_inputs  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "inputs, match",
    [
        ({"advantages": [1e300, 1.0]}, r"loss_fn_inputs\['advantages'\]: value 1e\+300 is outside float32's range"),
        ({"advantages": np.array([1.0, -1e39])}, r"loss_fn_inputs\['advantages'\]: value -1e\+39 is outside float32"),
        ({"weights": [None, 1.0]}, r"loss_fn_inputs\['weights'\] holds None"),
        ({"target_tokens": np.array([2**64 - 1, 1], np.uint64)}, r"value 18446744073709551615 is outside int64"),
        ({"target_tokens": [2**64 + 5, 1]}, r"loss_fn_inputs\['target_tokens'\] cannot be converted to int64"),
    ],
)
def test_values_a_cast_would_change_are_refused_naming_the_key(inputs: dict, match: str) -> None:
    # Each was once turned silently into inf, NaN or a wrapped (negative) token id.
    with pytest.raises(ValueError, match=match):
        _inputs(**inputs)


def test_a_datum_keeps_the_values_its_arrays_had_when_it_was_made() -> None:
    # RL loops often refill one buffer per batch: the datum (and the request made from it later) must not change.
    targets = np.array([2, 3], dtype=np.int64)
    weights = np.ones(2, dtype=np.float32)
    inputs = _inputs(target_tokens=targets, weights=weights)
    targets[:] = 0
    weights[:] = 0.0
    assert inputs["target_tokens"].tolist() == [2, 3]
    assert inputs["weights"].tolist() == [1.0, 1.0]
    values = np.arange(3, dtype=np.float32)
    snapshot = TensorData.from_numpy(values)
    values[:] = -1.0
    assert snapshot.tolist() == [0.0, 1.0, 2.0]
