"""Tiny fixed batches the checks send, as JSON bodies (token ids small enough for any vocabulary)."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["SEQS", "datum", "fb_body", "float_tensor", "forward_body", "logprobs_of", "tokens"]

#: Fixed token sequences: ids 10..120, inside any real vocabulary and the local byte model's 259.
SEQS: tuple[tuple[int, ...], ...] = (
    (72, 101, 108, 108, 111, 32, 119, 111, 114, 108, 100),
    (116, 105, 110, 107, 101, 114),
    (97, 98, 97, 98, 97, 98, 97, 98),
    (84, 104, 101, 32, 101, 110, 100, 46),
)


def tokens(seq: tuple[int, ...]) -> tuple[list[int], list[int]]:
    """(model input, next-token targets) of a sequence."""
    return list(seq[:-1]), list(seq[1:])


def float_tensor(values: Any) -> dict[str, Any]:
    arr = np.asarray(values, dtype=np.float32)
    return {"data": [float(x) for x in arr], "dtype": "float32", "shape": [len(arr)]}


def datum(seq: tuple[int, ...], **inputs: Any) -> dict[str, Any]:
    """A JSON datum over ``seq`` with ``target_tokens`` and the given extra float loss inputs."""
    inp, tgt = tokens(seq)
    loss_inputs: dict[str, Any] = {"target_tokens": {"data": tgt, "dtype": "int64", "shape": [len(tgt)]}}
    for key, values in inputs.items():
        loss_inputs[key] = float_tensor(values)
    return {"model_input": {"chunks": [{"type": "encoded_text", "tokens": inp}]}, "loss_fn_inputs": loss_inputs}


def fb_body(
    model_id: str,
    seq_id: int,
    data: list[dict[str, Any]],
    loss_fn: str = "cross_entropy",
    config: dict[str, float] | None = None,
) -> dict[str, Any]:
    inner: dict[str, Any] = {"data": data, "loss_fn": loss_fn}
    if config:
        inner["loss_fn_config"] = config
    return {"model_id": model_id, "seq_id": seq_id, "forward_backward_input": inner}


def forward_body(model_id: str, seq_id: int, data: list[dict[str, Any]]) -> dict[str, Any]:
    return {"model_id": model_id, "seq_id": seq_id, "forward_input": {"data": data, "loss_fn": "cross_entropy"}}


def logprobs_of(result: Any) -> list[np.ndarray]:
    """Per-datum ``logprobs`` of a JSON ForwardBackwardOutput, as float32 arrays."""
    return [np.asarray(o["logprobs"]["data"], dtype=np.float32) for o in result["loss_fn_outputs"]]
