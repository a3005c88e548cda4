"""TensorData is the codec's only tensor type: one layout check for every way a tensor is made, and the
protobuf codec reads and writes its arrays without extra copies."""

from __future__ import annotations

import re
from types import ModuleType
from typing import Any

import numpy as np
import pytest

import tinker_wire as w
from tinker_wire._pb_tensor import tensor_body

# (JSON form, JSON field, protobuf field, the fix the message states): each tensor breaks one layout rule.
BAD_LAYOUTS = [
    (
        {"data": [1.0, 2.0, 3.0], "dtype": "float32", "shape": [2, 2]},
        "data",
        "dense",
        "3 values do not match shape [2, 2] (4 elements)",
    ),
    ({"data": [], "dtype": "int64", "shape": [-1]}, "shape", "shape", "dimensions must be >= 0, got [-1]"),
    (
        {"data": [1.0], "dtype": "float32", "shape": [4], "sparse_crow_indices": [0, 1], "sparse_col_indices": [0]},
        "shape",
        "shape",
        "a sparse CSR tensor needs a 2-D shape, got [4]",
    ),
    (
        {"data": [1.0], "dtype": "float32", "shape": [2, 2], "sparse_crow_indices": [0, 1], "sparse_col_indices": [0]},
        "sparse_crow_indices",
        "sparse_csr.crow_indices",
        "has 2 entries, expected rows + 1 = 3",
    ),
    (
        {
            "data": [1.0, 2.0],
            "dtype": "float32",
            "shape": [2, 2],
            "sparse_crow_indices": [0, 2, 1],
            "sparse_col_indices": [0, 1],
        },
        "sparse_crow_indices",
        "sparse_csr.crow_indices",
        "must be non-decreasing",
    ),
    (
        {
            "data": [1.0, 2.0],
            "dtype": "float32",
            "shape": [2, 3],
            "sparse_crow_indices": [0, 1, 2],
            "sparse_col_indices": [0, 3],
        },
        "sparse_col_indices",
        "sparse_csr.col_indices",
        "column index 3 is out of range [0, 3)",
    ),
]


def _request_bytes(pb2: ModuleType, d: dict[str, Any]) -> bytes:
    """A protoc-built ForwardBackwardRequest whose one datum carries ``d`` as loss_fn_inputs['w']."""
    msg = pb2.ForwardBackwardRequest(model_id="m")
    t = msg.data.add().loss_fn_inputs["w"]
    np_dtype = "<f4" if d["dtype"] == "float32" else "<i8"
    values = np.asarray(d["data"], np_dtype).tobytes()
    if "sparse_crow_indices" in d:
        t.sparse_csr.values = values
        t.sparse_csr.crow_indices = np.asarray(d["sparse_crow_indices"], "<i8").tobytes()
        t.sparse_csr.col_indices = np.asarray(d["sparse_col_indices"], "<i8").tobytes()
    else:
        t.dense = values
    t.dtype = pb2.DTYPE_FLOAT32 if d["dtype"] == "float32" else pb2.DTYPE_INT64
    t.shape.extend(d["shape"])
    return msg.SerializeToString()  # type: ignore[no-any-return]


@pytest.mark.parametrize(("d", "json_field", "proto_field", "fix"), BAD_LAYOUTS)
def test_one_layout_check_for_json_protobuf_and_the_constructor(
    pb2: ModuleType, d: dict[str, Any], json_field: str, proto_field: str, fix: str
) -> None:
    with pytest.raises(w.WireError) as from_json:
        w.tensor_from_json(d, "loss_fn_inputs['w']")
    assert str(from_json.value) == f"loss_fn_inputs['w'].{json_field}: {fix}"

    with pytest.raises(w.WireError) as from_protobuf:
        w.decode_forward_backward_request(_request_bytes(pb2, d))
    assert str(from_protobuf.value) == f"ForwardBackwardRequest.data[0].loss_fn_inputs['w'].{proto_field}: {fix}"

    with pytest.raises(ValueError) as from_constructor:
        w.TensorData(
            d["data"],
            d["dtype"],
            d["shape"],
            sparse_crow_indices=d.get("sparse_crow_indices"),
            sparse_col_indices=d.get("sparse_col_indices"),
        )
    assert str(from_constructor.value) == f"TensorData.{json_field}: {fix}"


def test_the_count_check_names_the_values_field_of_each_form(pb2: ModuleType) -> None:
    d = {
        "data": [1.0, 2.0],
        "dtype": "float32",
        "shape": [2, 2],
        "sparse_crow_indices": [0, 1, 1],
        "sparse_col_indices": [0, 1],
    }
    fix = "last entry 1 must equal the number of values (2, {})"
    with pytest.raises(w.WireError, match=re.escape(f"T.sparse_crow_indices: {fix.format('data')}")):
        w.tensor_from_json(d, "T")
    with pytest.raises(w.WireError, match=re.escape(f".sparse_csr.crow_indices: {fix.format('sparse_csr.values')}")):
        w.decode_forward_backward_request(_request_bytes(pb2, d))
    with pytest.raises(ValueError, match=re.escape(f"TensorData.sparse_crow_indices: {fix.format('data')}")):
        w.TensorData([1.0, 2.0], "float32", [2, 2], [0, 1, 1], [0, 1])


def _owned_copy_of_the_body(arr: np.ndarray, body: bytes) -> bool:
    """Copied out of the body once: writable, not aliasing it, and owning its memory (or a reshape of one
    array that does)."""
    owner = arr if arr.base is None else arr.base
    return arr.flags.writeable and owner.flags.owndata and not np.shares_memory(arr, np.frombuffer(body, np.uint8))


def test_decoded_datum_holds_tensordata_copied_from_the_body_once() -> None:
    targets = np.arange(12, dtype=np.int64).reshape(3, 4)
    weights = w.TensorData([1.0, 0.5], "float32", [2, 3], sparse_crow_indices=[0, 1, 2], sparse_col_indices=[2, 0])
    datum = w.WireDatum(
        [w.EncodedText([1, 2, 3])],
        {"target_tokens": w.TensorData.from_numpy(targets), "flat": w.TensorData([0.25] * 5), "weights": weights},
    )
    body = w.encode_forward_backward_request(w.WireForwardBackwardRequest("m", 1, [datum], "cross_entropy"))
    (got,) = w.decode_forward_backward_request(body).data
    assert got == datum
    for t in got.loss_fn_inputs.values():
        assert type(t) is w.TensorData
    dense = got.loss_fn_inputs["target_tokens"]
    assert dense.to_numpy().shape == (3, 4) and _owned_copy_of_the_body(dense.to_numpy(), body)
    assert dense.to_numpy() is dense.to_numpy()  # densifying a dense tensor never copies
    flat = got.loss_fn_inputs["flat"].to_numpy()
    assert flat.base is None and _owned_copy_of_the_body(flat, body)
    csr = got.loss_fn_inputs["weights"]
    for arr in (csr._values, csr._crow, csr._col):
        assert arr is not None and _owned_copy_of_the_body(arr, body)


def test_decoded_outputs_share_one_copy_per_field() -> None:
    outs = [{"logprobs": w.TensorData.from_numpy(np.full((2, 3), i, np.float32))} for i in range(4)]
    body = w.encode_forward_backward_output(w.WireForwardBackwardOutput("ArrayRecord", outs))
    got = w.decode_forward_backward_output(body).loss_fn_outputs
    assert got == outs
    arrays = [d["logprobs"].to_numpy() for d in got]
    assert all(a.shape == (2, 3) for a in arrays)
    assert all(np.shares_memory(a, arrays[0].base) for a in arrays)  # slices of one array, no copy per datum
    assert _owned_copy_of_the_body(arrays[0].base, body)


def test_encoding_writes_the_tensor_arrays_themselves() -> None:
    values = np.arange(6, dtype=np.float32).reshape(2, 3)
    parts, _ = tensor_body(w.TensorData(data=values, dtype="float32"), "T", False)  # the constructor keeps `values`
    assert any(isinstance(p, np.ndarray) and np.shares_memory(p, values) for p in parts)


def test_a_tensor_copies_pickles_and_serves_as_a_weak_key() -> None:
    # It must pickle, copy and compare by value, and (like the official SDK's pydantic TensorData) be weakly
    # referenceable, e.g. as a key of a WeakKeyDictionary cache (a slotted class without a weakref slot is not).
    import copy
    import pickle
    import weakref

    tensor = w.TensorData(data=[[1.0, 2.0], [3.0, 4.0]], dtype="float32", shape=[2, 2])
    assert pickle.loads(pickle.dumps(tensor)) == tensor
    assert copy.deepcopy(tensor) == tensor and copy.copy(tensor) == tensor
    cache: weakref.WeakKeyDictionary[w.TensorData, int] = weakref.WeakKeyDictionary({tensor: 1})
    assert cache[tensor] == 1
