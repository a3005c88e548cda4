"""``forward_backward_custom`` with a ``LossHandle`` from ``ServiceClient.create_custom_loss``: a handle the server
stores (``loss_id``) runs there in one ``forward_backward(loss_fn="custom")``; one without runs client-side; a
server that refuses to store a loss (400, or a future failed as the caller's fault) leaves a client-side handle,
logged once. Other create failures are raised."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pytest
from fake_tinker import BASE_MODEL, FakeServer, decoded_fb, fake_logprobs, make_service, status

import tinker

torch = pytest.importorskip("torch")


def weighted_ll(logprobs, advantages, mask):
    """Per datum: -Σ advantages·mask·logprobs, and the masked token count."""
    return -(logprobs * advantages * mask).sum(), {"custom/tokens:sum": mask.sum()}


RANKS = {"logprobs": 1, "advantages": 1, "mask": 1}


def data() -> list[tinker.Datum]:
    out = []
    for n, start in ((3, 10), (5, 20)):
        toks = list(range(start, start + n))
        out.append(
            tinker.Datum(
                model_input=tinker.ModelInput.from_ints(toks),
                loss_fn_inputs={
                    "target_tokens": [t + 1 for t in toks],
                    "advantages": tinker.TensorData.from_numpy(np.linspace(0.5, 2.0, n, dtype=np.float32)),
                    "mask": tinker.TensorData.from_numpy((np.arange(n) % 2 == 0).astype(np.float32)),
                    "unused": tinker.TensorData.from_numpy(np.ones(n, dtype=np.float32)),
                },
            )
        )
    return out


def stored_loss(server: FakeServer, loss_id: str = "loss-7") -> None:
    server.config = {"custom_loss_server_side": True}
    server.script(
        "/api/v1/create_custom_loss",
        lambda rec: server._new_future("json", {"loss_id": loss_id, "type": "create_custom_loss"}),
    )


@pytest.fixture
def service(server: FakeServer) -> Any:
    svc = make_service(server)
    yield svc
    svc.close().result(timeout=5)


def test_a_stored_loss_runs_on_the_server_with_the_data_unchanged(service, server: FakeServer) -> None:
    stored_loss(server)
    handle = service.create_custom_loss(weighted_ll, RANKS).result(timeout=10)
    training = service.create_lora_training_client(BASE_MODEL).result(timeout=10)
    batch = data()
    training.forward_backward_custom(batch, handle).result(timeout=10)
    (req,) = decoded_fb(server)  # one request: no client-side forward pass
    assert (req.loss_fn, req.loss_fn_config, req.forward_only, req.seq_id) == (
        "custom",
        {"loss_id": "loss-7"},
        False,
        1,
    )
    for sent, d in zip(req.data, batch):
        assert set(sent.loss_fn_inputs) == set(d.loss_fn_inputs)  # every input, the unused one too
        for key, value in d.loss_fn_inputs.items():
            np.testing.assert_array_equal(sent.loss_fn_inputs[key].to_numpy(), value.to_numpy())


def test_a_client_side_handle_reads_its_inputs_from_the_data(service, server: FakeServer) -> None:
    handle = service.create_custom_loss(weighted_ll, RANKS).result(timeout=10)  # flag off: runs here
    assert handle.loss_id is None and server.op_calls("create_custom_loss") == []
    training = service.create_lora_training_client(BASE_MODEL).result(timeout=10)
    batch = data()
    out = training.forward_backward_custom(batch, handle).result(timeout=10)
    fwd, bwd = decoded_fb(server)
    assert (fwd.loss_fn, fwd.forward_only, bwd.loss_fn, bwd.forward_only) == (
        "cross_entropy",
        True,
        "cross_entropy",
        False,
    )
    expected_loss = 0.0
    for sent, d in zip(bwd.data, batch):
        assert set(sent.loss_fn_inputs) == {"target_tokens", "weights"}
        adv, mask = d.loss_fn_inputs["advantages"].to_numpy(), d.loss_fn_inputs["mask"].to_numpy()
        np.testing.assert_allclose(sent.loss_fn_inputs["weights"].to_numpy(), adv * mask, rtol=1e-6)
        lp = fake_logprobs(d.loss_fn_inputs["target_tokens"].to_numpy())
        expected_loss += float(-(lp * adv * mask).sum())
    assert out.metrics["loss:sum"] == pytest.approx(expected_loss, rel=1e-5)
    assert out.metrics["custom/tokens:sum"] == 2.0 + 3.0


def test_a_handle_of_another_session_is_refused_before_anything_is_sent(service, server: FakeServer) -> None:
    import dataclasses

    stored_loss(server)
    handle = service.create_custom_loss(weighted_ll, RANKS).result(timeout=10)
    training = service.create_lora_training_client(BASE_MODEL).result(timeout=10)
    for loss_id in (handle.loss_id, None):  # stored on the server, or run client-side
        foreign = dataclasses.replace(handle, session_id="sess-other", loss_id=loss_id)
        with pytest.raises(ValueError, match="created in session 'sess-other'"):
            training.forward_backward_custom(data(), foreign)
    assert decoded_fb(server) == []
    training.optim_step(tinker.AdamParams()).result(timeout=10)
    assert server.op_calls("optim_step")[0].body["seq_id"] == 1  # no id was used


@pytest.mark.parametrize("server_side", [True, False], ids=["stored", "client-side"])
@pytest.mark.parametrize(
    ("damage", "match"),
    [
        (lambda d: d.loss_fn_inputs.pop("mask"), "reads loss_fn_inputs\\['mask'\\], which datum 1 lacks"),
        (
            lambda d: d.loss_fn_inputs.__setitem__(
                "advantages", tinker.TensorData.from_numpy(np.ones((5, 2), dtype=np.float32))
            ),
            "advantages with rank 1, but datum 1 has loss_fn_inputs\\['advantages'\\] of rank 2",
        ),
    ],
    ids=["missing", "wrong rank"],
)
def test_inputs_the_handle_reads_are_checked_before_anything_is_sent(
    service, server: FakeServer, server_side: bool, damage: Any, match: str
) -> None:
    if server_side:
        stored_loss(server)
    handle = service.create_custom_loss(weighted_ll, RANKS).result(timeout=10)
    assert (handle.loss_id is not None) == server_side
    training = service.create_lora_training_client(BASE_MODEL).result(timeout=10)
    batch = data()
    damage(batch[1])
    with pytest.raises(ValueError, match=match):
        training.forward_backward_custom(batch, handle)
    assert decoded_fb(server) == []


# ---------------------------------------------------------------------------------------------- refusals


def _refusal_logs(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "runs client-side instead" in r.getMessage()]


@pytest.mark.parametrize("how", ["400", "failed future"])
def test_a_loss_the_server_refuses_runs_client_side_logged_once(
    service, server: FakeServer, caplog: pytest.LogCaptureFixture, how: str
) -> None:
    server.config = {"custom_loss_server_side": True}
    if how == "400":
        server.script(
            "/api/v1/create_custom_loss", status(400, {"detail": "graph.nodes[1] (special_erf): not supported"})
        )
    else:
        server.script("/api/v1/create_custom_loss", lambda rec: server._new_future("json", {}))
        server.script_polls({"error": "graph.nodes[1] (special_erf): not supported", "category": "user"})
    caplog.set_level(logging.WARNING, logger="tinker")
    handle = service.create_custom_loss(weighted_ll, RANKS).result(timeout=10)
    assert handle.loss_id is None
    (message,) = _refusal_logs(caplog)
    assert "'weighted_ll'" in message and "special_erf" in message
    # each loss is created once per session: no second request, no second log line
    with pytest.raises(ValueError, match="already created"):
        service.create_custom_loss(weighted_ll, RANKS).result(timeout=10)
    assert len(server.op_calls("create_custom_loss")) == 1 and len(_refusal_logs(caplog)) == 1
    training = service.create_lora_training_client(BASE_MODEL).result(timeout=10)
    out = training.forward_backward_custom(data(), handle).result(timeout=10)
    assert [r.loss_fn for r in decoded_fb(server)] == ["cross_entropy", "cross_entropy"]
    assert "surrogate_loss:sum" in out.metrics


@pytest.mark.parametrize(
    ("reply", "poll", "exc"),
    [
        (status(403, {"detail": "not allowed"}), None, tinker.PermissionDeniedError),
        ("future", {"error": "the loss store is down", "category": "server"}, tinker.RequestFailedError),
    ],
    ids=["403", "server-side failure"],
)
def test_other_create_failures_are_raised_and_may_be_retried(
    service, server: FakeServer, caplog: pytest.LogCaptureFixture, reply: Any, poll: Any, exc: type[Exception]
) -> None:
    server.config = {"custom_loss_server_side": True}
    if reply == "future":
        server.script("/api/v1/create_custom_loss", lambda rec: server._new_future("json", {}))
        server.script_polls(poll)
    else:
        server.script("/api/v1/create_custom_loss", reply)
    caplog.set_level(logging.WARNING, logger="tinker")
    with pytest.raises(exc):
        service.create_custom_loss(weighted_ll, RANKS).result(timeout=10)
    assert _refusal_logs(caplog) == []
    stored_loss(server, "loss-9")  # the same loss again: not a duplicate, since it was never created
    assert service.create_custom_loss(weighted_ll, RANKS).result(timeout=10).loss_id == "loss-9"
