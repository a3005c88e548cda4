"""Custom losses end to end against the local server, through the facade.

* The loss function of ``forward_backward_custom`` sees every ``loss_fn_inputs`` key of its data (as in the
  official 0.38 SDK); only ``target_tokens`` and ``weights`` reach the server.
* The local server advertises ``custom_loss_server_side: false`` (the official SDK raises when a server that
  advertises it refuses a graph, instead of running the loss client-side). With the flag on (patched here), a
  loss in the server's allow-list is stored and runs there with the client-side path's gradient, and one
  outside it falls back to client-side, logged once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import tinker
from tests.helpers import make_service, start_local_server
from tinker import types

from .conftest import API_KEY, BASE_MODEL

torch = pytest.importorskip("torch")

RANKS = {"logprobs": 1, "old": 1, "adv": 1}


def clipped_ratio(logprobs, old, adv):
    """Per datum: a PPO-style clipped objective (in the local server's allow-list)."""
    ratio = torch.exp(logprobs - old)
    obj = torch.minimum(ratio * adv, torch.clamp(ratio, 0.8, 1.2) * adv)
    return -obj.sum(), {"custom/ratio:mean": ratio.mean()}


def uses_erf(logprobs, adv):
    """Per datum: a loss torch.fx traces but the local server does not run (torch.special.erf)."""
    return -(torch.special.erf(logprobs) * adv).sum(), {}


def batch() -> list[types.Datum]:
    rng = np.random.default_rng(3)
    out = []
    for text in ("custom losses", "run where they can"):
        toks = list(text.encode())
        n = len(toks) - 1
        out.append(
            types.Datum(
                model_input=types.ModelInput.from_ints(toks[:-1]),
                loss_fn_inputs={
                    "target_tokens": toks[1:],
                    "old": types.TensorData.from_numpy((rng.normal(size=n) - 5).astype(np.float32)),
                    "adv": types.TensorData.from_numpy(rng.normal(size=n).astype(np.float32)),
                },
            )
        )
    return out


def as_callable(per_datum: Any, names: tuple[str, ...]) -> Any:
    """The per-datum loss as a ``forward_backward_custom`` callable reading its inputs from the data it gets."""

    def loss(data: list[types.Datum], logprobs: list[Any]) -> tuple[Any, dict[str, float]]:
        total: Any = 0
        for d, lp in zip(data, logprobs):
            total = total + per_datum(lp, *(d.loss_fn_inputs[k].to_torch() for k in names))[0]
        return total, {}

    return loss


def grads(server: Any, model_id: str) -> dict[str, np.ndarray]:
    """The accumulated gradients of a live model, read from the in-process server."""
    return {k: v.copy() for k, v in server.service.state.models[model_id].model.grads.items()}


def assert_same_gradients(server: Any, a: str, b: str) -> None:
    ga, gb = grads(server, a), grads(server, b)
    scale = max(float(np.abs(g).max()) for g in gb.values())
    assert scale > 0
    for key in ga:  # float64 on the server, float32 in torch: equal to float32 rounding
        assert float(np.abs(ga[key] - gb[key]).max()) <= 1e-4 * scale, key


@pytest.fixture()
def flagged_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A local server that advertises ``custom_loss_server_side``."""
    from tinker_local.service.admin import Admin

    original = Admin.client_config

    def client_config(self: Any, call: Any) -> dict[str, Any]:
        return {**original(self, call), "custom_loss_server_side": True}

    client_config._operation_id = original._operation_id  # type: ignore[attr-defined]
    monkeypatch.setattr(Admin, "client_config", client_config)
    srv = start_local_server()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture()
def flagged_service(flagged_server: Any) -> Iterator[tinker.ServiceClient]:
    client = make_service(flagged_server.base_url, api_key=API_KEY)
    yield client
    client.close().result(timeout=30)


def test_the_local_server_keeps_custom_losses_client_side(service: tinker.ServiceClient) -> None:
    handle = service.create_custom_loss(clipped_ratio, RANKS).result(timeout=30)
    assert handle.loss_id is None
    assert (service.holder.cached_server_config().raw or {})["custom_loss_server_side"] is False


def test_the_loss_function_gets_every_input_of_its_data(server: Any, service: tinker.ServiceClient) -> None:
    a = service.create_lora_training_client(base_model=BASE_MODEL, rank=4, seed=1).result(timeout=30)
    b = service.create_lora_training_client(base_model=BASE_MODEL, rank=4, seed=1).result(timeout=30)
    data = batch()
    out = a.forward_backward_custom(data, as_callable(clipped_ratio, ("old", "adv"))).result(timeout=60)
    handle = service.create_custom_loss(clipped_ratio, RANKS).result(timeout=30)  # client-side here
    ref = b.forward_backward_custom(data, handle).result(timeout=60)
    assert out.metrics["loss:sum"] == pytest.approx(ref.metrics["loss:sum"], rel=1e-6)
    assert "surrogate_loss:sum" in out.metrics and "custom/ratio:mean" in ref.metrics
    assert_same_gradients(server, a.model_id, b.model_id)


def test_a_stored_loss_runs_on_the_server_with_the_client_side_gradient(
    flagged_server: Any, flagged_service: tinker.ServiceClient
) -> None:
    handle = flagged_service.create_custom_loss(clipped_ratio, RANKS).result(timeout=30)
    assert handle.loss_id is not None
    on_server = flagged_service.create_lora_training_client(base_model=BASE_MODEL, rank=4, seed=1).result(timeout=30)
    here = flagged_service.create_lora_training_client(base_model=BASE_MODEL, rank=4, seed=1).result(timeout=30)
    data = batch()
    out = on_server.forward_backward_custom(data, handle).result(timeout=60)
    ref = here.forward_backward_custom(data, as_callable(clipped_ratio, ("old", "adv"))).result(timeout=60)
    assert "surrogate_loss:sum" not in out.metrics and "custom/ratio:mean" in out.metrics  # ran on the server
    assert out.metrics["loss:sum"] == pytest.approx(ref.metrics["loss:sum"], rel=1e-4)
    assert_same_gradients(flagged_server, on_server.model_id, here.model_id)


def test_a_loss_outside_the_servers_allow_list_falls_back_to_client_side(
    flagged_server: Any, flagged_service: tinker.ServiceClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="tinker")
    handle = flagged_service.create_custom_loss(uses_erf, {"logprobs": 1, "adv": 1}).result(timeout=30)
    assert handle.loss_id is None
    (message,) = [r.getMessage() for r in caplog.records if "runs client-side instead" in r.getMessage()]
    assert "'uses_erf'" in message and "special_erf" in message
    fallback = flagged_service.create_lora_training_client(base_model=BASE_MODEL, rank=4, seed=1).result(timeout=30)
    ref = flagged_service.create_lora_training_client(base_model=BASE_MODEL, rank=4, seed=1).result(timeout=30)
    data = batch()
    out = fallback.forward_backward_custom(data, handle).result(timeout=60)
    expected = ref.forward_backward_custom(data, as_callable(uses_erf, ("adv",))).result(timeout=60)
    assert out.metrics["loss:sum"] == pytest.approx(expected.metrics["loss:sum"], rel=1e-6)
    assert_same_gradients(flagged_server, fallback.model_id, ref.model_id)
