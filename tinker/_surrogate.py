"""The client-side half of ``TrainingClient.forward_backward_custom``: a loss computed here, trained there.

A forward pass gets the per-token logprobs, the user's loss runs on them with torch autograd (seeing every
``loss_fn_inputs`` key of its data; only ``target_tokens``, ``weights`` and provenance spans are sent), and the
backward pass sends a cross-entropy whose weights are ``-dloss/dlogprobs``: that linear surrogate has the
custom loss's gradient exactly. (A ``LossHandle`` the server stores runs there instead, see
``TrainingClient.forward_backward_custom``.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tinker_wire._lazy import deferred_import

from .types.datum import Datum
from .types.forward_backward_output import ForwardBackwardOutput
from .types.tensor_data import TensorData

if TYPE_CHECKING:
    import numpy as np
else:
    np = deferred_import("numpy", globals())

__all__ = ["CustomLossFnV1", "custom_loss_output", "forward_batch", "linear_surrogate"]

CustomLossFnV1 = Callable[[list[Datum], list[Any]], tuple[Any, dict[str, float]]]


def forward_batch(data: list[Datum]) -> list[Datum]:
    """The datums the server sees: each one's target tokens and weights (zeros when it has none) and its
    provenance spans. Other ``loss_fn_inputs`` stay on the client, for the loss function."""
    forward = []
    for i, d in enumerate(data):
        if "target_tokens" not in d.loss_fn_inputs:
            raise ValueError(f"data[{i}].loss_fn_inputs needs 'target_tokens' for forward_backward_custom")
        targets = d.loss_fn_inputs["target_tokens"]
        weights = d.loss_fn_inputs.get("weights")
        if weights is None:
            weights = TensorData(np.zeros(targets.to_numpy().shape, dtype=np.float32), dtype="float32")
        forward.append(
            Datum(
                model_input=d.model_input,
                loss_fn_inputs={"target_tokens": targets, "weights": weights},
                model_input_spans=d.model_input_spans,
                loss_fn_input_spans=d.loss_fn_input_spans,
            )
        )
    return forward


def linear_surrogate(
    data: list[Datum], forward_data: list[Datum], fwd: ForwardBackwardOutput, loss_fn: CustomLossFnV1
) -> tuple[list[Datum], float, dict[str, float]]:
    """Run the user's loss on the forward logprobs; return datums whose cross-entropy has the same gradient,
    the loss and the user's metrics.

    The loss gets ``data`` as the caller passed it (every ``loss_fn_inputs`` key); the returned datums are
    ``forward_data`` (:func:`forward_batch`) with weights ``-dloss/dlogprobs``.
    """
    try:
        import torch
    except ImportError:
        raise ImportError("forward_backward_custom needs torch: pip install 'tinker-oss[torch]'") from None

    outputs = fwd.loss_fn_outputs
    if len(outputs) != len(data):
        raise ValueError(f"the forward pass returned {len(outputs)} outputs for {len(data)} datums")
    logprobs = []
    for i, (out, d) in enumerate(zip(outputs, forward_data)):
        if "logprobs" not in out:
            raise ValueError(f"forward pass returned no 'logprobs' for datum {i}")
        arr = out["logprobs"].to_numpy()
        expected = d.loss_fn_inputs["target_tokens"].to_numpy().shape
        if arr.shape != expected:
            raise ValueError(
                f"forward pass returned logprobs of shape {arr.shape} for target_tokens of shape {expected} (datum {i})"
            )
        logprobs.append(torch.tensor(arr, dtype=torch.float32, requires_grad=True))
    loss, metrics = loss_fn(data, logprobs)
    if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
        raise ValueError("the custom loss function must return (scalar torch.Tensor, dict of metrics)")
    if not loss.requires_grad:
        raise ValueError("the custom loss does not depend on the logprobs it was given")
    loss.backward()
    linear = []
    for i, (d, lp) in enumerate(zip(forward_data, logprobs)):
        if lp.grad is None:
            raise ValueError(f"the custom loss does not depend on the logprobs of datum {i}")
        grad = lp.grad.detach().numpy()
        if not np.isfinite(grad).all():
            raise ValueError(
                f"the custom loss's gradient for datum {i} is not finite (NaN or infinity at "
                f"{int((~np.isfinite(grad)).sum())} of {grad.size} positions); nothing was trained"
            )
        weights = TensorData((-grad).astype("float32"), dtype="float32")
        linear.append(
            Datum(
                model_input=d.model_input,
                loss_fn_inputs={"target_tokens": d.loss_fn_inputs["target_tokens"], "weights": weights},
                model_input_spans=d.model_input_spans,
                loss_fn_input_spans=d.loss_fn_input_spans,
            )
        )
    return linear, float(loss.detach()), {k: _metric(k, v) for k, v in (metrics or {}).items()}


def _metric(key: str, value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"custom loss metric {key!r} must be a number or a one-element tensor, got {type(value).__name__}: {exc}"
        ) from None


def custom_loss_output(
    backward: ForwardBackwardOutput, loss: float, user_metrics: dict[str, float]
) -> ForwardBackwardOutput:
    """The backward pass's output reporting the custom loss as ``loss:sum`` and the server's cross-entropy as
    ``surrogate_loss:sum``, plus the user's metrics."""
    metrics = dict(backward.metrics)
    if "loss:sum" in metrics:
        metrics["surrogate_loss:sum"] = metrics.pop("loss:sum")
    metrics["loss:sum"] = loss
    metrics.update(user_metrics)
    return ForwardBackwardOutput(
        loss_fn_output_type=backward.loss_fn_output_type, loss_fn_outputs=backward.loss_fn_outputs, metrics=metrics
    )
