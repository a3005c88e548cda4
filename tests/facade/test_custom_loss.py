"""forward_backward_custom: a client-side torch loss sent to the server as a linear cross-entropy surrogate."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from typing import Any

import numpy as np
import pytest
from fake_tinker import FakeServer, datum, decoded_fb, fake_logprobs

import tinker

torch = pytest.importorskip("torch")


def quadratic_loss(data, logprobs):
    """L = Σ_i (i+1) · Σ_t (lp_it + 0.5)²  (non-linear, so the surrogate weights are not just constants)."""
    loss = sum((i + 1) * ((lp + 0.5) ** 2).sum() for i, lp in enumerate(logprobs))
    return loss, {"custom_metric:mean": 7.0}


def _expected(data: list[tinker.Datum]) -> tuple[float, list[np.ndarray]]:
    loss, grads = 0.0, []
    for i, d in enumerate(data):
        lp = fake_logprobs(d.loss_fn_inputs["target_tokens"].to_numpy()).astype(np.float64)
        loss += (i + 1) * float(((lp + 0.5) ** 2).sum())
        grads.append(2 * (i + 1) * (lp + 0.5))
    return loss, grads


def test_custom_loss_sends_minus_gradient_as_weights(training, server: FakeServer) -> None:
    data = [datum(3, start=10), datum(5, start=20, weights=[0.0, 1.0, 1.0, 1.0, 0.0])]
    out = training.forward_backward_custom(data, quadratic_loss).result(timeout=10)

    fwd, bwd = decoded_fb(server)
    assert (fwd.seq_id, fwd.forward_only, fwd.loss_fn) == (1, True, "cross_entropy")
    assert (bwd.seq_id, bwd.forward_only, bwd.loss_fn) == (2, False, "cross_entropy")
    loss, grads = _expected(data)
    for d, wd, g in zip(data, bwd.data, grads):
        np.testing.assert_array_equal(
            wd.loss_fn_inputs["target_tokens"].to_numpy(), d.loss_fn_inputs["target_tokens"].to_numpy()
        )
        np.testing.assert_allclose(wd.loss_fn_inputs["weights"].to_numpy(), -g, rtol=1e-5, atol=1e-6)
        assert wd.chunks[0].tokens.tolist() == d.model_input.to_ints()
    assert out.metrics["loss:sum"] == pytest.approx(loss, rel=1e-5)
    # the server's cross-entropy of the surrogate: -Σ w·lp = Σ g·lp
    surrogate = sum(
        float((g * fake_logprobs(d.loss_fn_inputs["target_tokens"].to_numpy())).sum()) for d, g in zip(data, grads)
    )
    assert out.metrics["surrogate_loss:sum"] == pytest.approx(surrogate, rel=1e-5)
    assert out.metrics["custom_metric:mean"] == 7.0
    assert len(out.loss_fn_outputs) == 2
    # later calls follow both reserved ids
    training.optim_step(tinker.AdamParams()).result(timeout=10)
    assert server.op_calls("optim_step")[0].body["seq_id"] == 3


def test_custom_loss_forward_pass_uses_zero_weights_when_none_given(training, server: FakeServer) -> None:
    d = tinker.Datum(model_input=tinker.ModelInput.from_ints([1, 2, 3]), loss_fn_inputs={"target_tokens": [2, 3, 4]})
    training.forward_backward_custom([d], quadratic_loss).result(timeout=10)
    fwd, bwd = decoded_fb(server)
    assert fwd.data[0].loss_fn_inputs["weights"].data == [0.0, 0.0, 0.0]
    _, (g,) = _expected([d])
    np.testing.assert_allclose(bwd.data[0].loss_fn_inputs["weights"].to_numpy(), -g, rtol=1e-5)


def test_custom_loss_with_chunking(server: FakeServer) -> None:
    from fake_tinker import BASE_MODEL, make_service

    server.config = {"fwdbwd_max_chunk_len": 2}
    svc = make_service(server)
    tc = svc.create_lora_training_client(BASE_MODEL).result(timeout=10)
    data = [datum(2, start=10 * (i + 1)) for i in range(3)]
    out = tc.forward_backward_custom(data, quadratic_loss).result(timeout=10)
    reqs = decoded_fb(server)
    assert sorted(r.seq_id for r in reqs if r.forward_only) == [1, 2]
    assert sorted(r.seq_id for r in reqs if not r.forward_only) == [3, 4]
    loss, _ = _expected(data)
    assert out.metrics["loss:sum"] == pytest.approx(loss, rel=1e-5)
    svc.close().result(timeout=10)


def test_custom_loss_requires_target_tokens(training, server: FakeServer) -> None:
    d = tinker.Datum(model_input=tinker.ModelInput.from_ints([1, 2]), loss_fn_inputs={"weights": [1.0, 1.0]})
    with pytest.raises(ValueError, match="target_tokens"):
        training.forward_backward_custom([d], quadratic_loss)
    assert decoded_fb(server) == []


def test_custom_loss_must_return_a_scalar_tensor(training) -> None:
    with pytest.raises(ValueError, match="scalar"):
        training.forward_backward_custom([datum()], lambda data, lps: (1.0, {})).result(timeout=10)


def _forward_only_in_the_backward_slot_and_usable_after(training, server: FakeServer) -> None:
    # The backward pass's seq_id (taken with the forward's) carries a forward-only pass: no gradient, no gap.
    training.optim_step(tinker.AdamParams()).result(timeout=10)  # sent in its turn: after seq_id 2
    assert server.op_calls("optim_step")[0].body["seq_id"] == 3
    fwd, filler = decoded_fb(server)
    assert (fwd.seq_id, filler.seq_id) == (1, 2)
    assert fwd.forward_only and filler.forward_only
    assert filler.data == fwd.data


def test_a_failing_custom_loss_applies_no_gradient_and_leaves_the_client_usable(training, server: FakeServer) -> None:
    def broken(data, logprobs):
        raise ZeroDivisionError("user bug")

    with pytest.raises(ZeroDivisionError):
        training.forward_backward_custom([datum()], broken).result(timeout=10)
    _forward_only_in_the_backward_slot_and_usable_after(training, server)


def test_a_custom_loss_cancelled_before_its_backward_pass_leaves_no_gap(training, server: FakeServer) -> None:
    started, release = threading.Event(), threading.Event()

    def slow(data, logprobs):
        started.set()
        release.wait(10)
        return sum(lp.sum() for lp in logprobs), {}

    fut = training.forward_backward_custom([datum()], slow)
    assert started.wait(10)
    assert fut.cancel()
    release.set()
    with pytest.raises(concurrent.futures.CancelledError):
        fut.result(timeout=10)
    _forward_only_in_the_backward_slot_and_usable_after(training, server)


def test_loss_type_input_is_deprecated(training) -> None:
    with pytest.warns(DeprecationWarning):
        training.forward_backward_custom([datum()], quadratic_loss, loss_type_input="logprobs").result(timeout=10)
    with pytest.warns(DeprecationWarning), pytest.raises(ValueError):
        training.forward_backward_custom([datum()], quadratic_loss, loss_type_input="probs")


def test_deprecated_async_twin(training) -> None:
    async def main():
        return await (await training.forward_backward_custom_async([datum()], quadratic_loss))

    with pytest.warns(FutureWarning):
        out = asyncio.run(main())
    assert "surrogate_loss:sum" in out.metrics


# ---------------------------------------------------------------------------------------------- the loss's data


def _datum_with_extras(n: int = 4, start: int = 1) -> tinker.Datum:
    """A datum with inputs only the loss reads: per-token advantages and a 2-D per-token table."""
    toks = list(range(start, start + n))
    return tinker.Datum(
        model_input=tinker.ModelInput.from_ints(toks),
        loss_fn_inputs={
            "target_tokens": [t + 1 for t in toks],
            "advantages": tinker.TensorData.from_numpy(np.linspace(-1.0, 1.0, n, dtype=np.float32)),
            "table": tinker.TensorData.from_numpy(np.arange(2 * n, dtype=np.float32).reshape(n, 2)),
        },
    )


def test_the_loss_sees_every_loss_fn_input_but_the_server_only_targets_and_weights(
    training, server: FakeServer
) -> None:
    """As in the official 0.38 SDK: the loss gets the data as passed; only target_tokens and weights travel."""
    data = [_datum_with_extras(3, start=10), _datum_with_extras(5, start=20)]
    seen: list[Any] = []

    def advantage_weighted(batch, logprobs):
        seen.append(batch)
        loss = sum(-(lp * d.loss_fn_inputs["advantages"].to_torch()).sum() for d, lp in zip(batch, logprobs))
        return loss, {"table_sum:sum": float(sum(d.loss_fn_inputs["table"].to_numpy().sum() for d in batch))}

    out = training.forward_backward_custom(data, advantage_weighted).result(timeout=10)
    assert len(seen) == 1 and all(a is b for a, b in zip(seen[0], data))
    for req in decoded_fb(server):
        assert all(set(d.loss_fn_inputs) == {"target_tokens", "weights"} for d in req.data)
    _, bwd = decoded_fb(server)
    for d, wd in zip(data, bwd.data):  # d(-Σ a·lp)/dlp = -a, so the weights are the advantages
        np.testing.assert_allclose(wd.loss_fn_inputs["weights"].to_numpy(), d.loss_fn_inputs["advantages"].to_numpy())
    assert out.metrics["table_sum:sum"] == 15.0 + 45.0


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_a_non_finite_gradient_is_refused_before_the_backward_pass(training, server: FakeServer, bad: float) -> None:
    def blows_up(data, logprobs):
        return sum((lp * bad).sum() for lp in logprobs), {}

    with pytest.raises(ValueError, match="datum 0 is not finite"):
        training.forward_backward_custom([datum(), datum()], blows_up).result(timeout=10)
    _forward_only_in_the_backward_slot_and_usable_after(training, server)  # nothing reached the gradients


def test_a_loss_that_ignores_some_logprobs_is_refused(training, server: FakeServer) -> None:
    with pytest.raises(ValueError, match="does not depend on the logprobs of datum 1"):
        training.forward_backward_custom([datum(), datum()], lambda d, lps: (lps[0].sum(), {})).result(timeout=10)
    _forward_only_in_the_backward_slot_and_usable_after(training, server)


def test_a_constant_loss_is_refused(training) -> None:
    with pytest.raises(ValueError, match="does not depend on the logprobs"):
        training.forward_backward_custom([datum()], lambda d, lps: (torch.tensor(1.0), {})).result(timeout=10)


@pytest.mark.parametrize("damage", ["fewer outputs", "other shape"])
def test_forward_outputs_that_do_not_match_the_data_are_refused(training, server: FakeServer, damage: str) -> None:
    from fake_tinker import make_fbo

    import tinker_wire as wire

    def forward(rec):
        out = make_fbo(rec.body)
        outputs = out.loss_fn_outputs[:1]
        if damage == "other shape":
            outputs = [{"logprobs": wire.TensorData.from_numpy(np.zeros(9, dtype=np.float32))}, *outputs[1:]]
            outputs.append(out.loss_fn_outputs[1])
        return server._new_future("fbo", wire.WireForwardBackwardOutput(out.loss_fn_output_type, outputs, {}))

    server.script("/api/v1/forward_backward", forward)
    with pytest.raises(ValueError, match="outputs for 2 datums|shape"):
        training.forward_backward_custom([datum(), datum(3)], quadratic_loss).result(timeout=10)
    _forward_only_in_the_backward_slot_and_usable_after(training, server)


def test_a_metric_that_is_not_a_number_is_named(training, server: FakeServer) -> None:
    import torch

    def vector_metric(data, logprobs):
        return sum(lp.sum() for lp in logprobs), {"tokens": torch.tensor([1.0, 2.0])}

    with pytest.raises(ValueError, match="custom loss metric 'tokens' must be a number or a one-element tensor"):
        training.forward_backward_custom([datum(), datum()], vector_metric).result(timeout=10)
    _forward_only_in_the_backward_slot_and_usable_after(training, server)
