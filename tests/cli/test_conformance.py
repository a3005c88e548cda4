"""``tinker conformance``: the local server passes every check; a deliberately broken one fails the named checks.

The broken server is the local server behind an ASGI middleware that rewrites training requests on their way in,
so each fault is exactly one classic server bug: a loss averaged instead of summed (every weight divided by the
datum's length), the idempotency key dropped (a resubmitted seq_id is sent without it, so it runs again), and
requests run in arrival order instead of seq_id order (seq_ids renumbered as they arrive).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import numpy as np
import pytest

import tinker_wire as wire
from tinker_cli import main
from tinker_local import LocalServer

KEY = "tml-conformance"
LOSSES = ("cross_entropy", "importance_sampling", "ppo", "cispo", "dro")
LOSS_VALUES = {f"loss.{name}" for name in LOSSES}
GRADIENTS = {f"loss.{name}.gradient" for name in LOSSES}
TRAINING = {f"/api/v1/{op}" for op in ("forward", "forward_backward", "optim_step", "save_weights", "load_weights")}


def _mean_weights(inputs: dict[str, Any]) -> None:
    n = inputs["target_tokens"]["shape"][0]
    w = inputs.get("weights") or {"data": [1.0] * n, "dtype": "float32", "shape": [n]}
    inputs["weights"] = {**w, "data": [x / n for x in w["data"]]}


class Broken:
    """ASGI middleware around the local server's app, with one fault."""

    def __init__(self, app: Any, fault: str) -> None:
        self.app = app
        self.fault = fault
        self.seen: set[tuple[str, int]] = set()
        self.renumbered: dict[tuple[str, int], int] = {}
        self.next_seq: dict[str, int] = {}

    def _seq(self, model_id: str, seq: int) -> int | None:
        """The seq_id to forward (None: send none)."""
        if self.fault == "no_idempotency":
            first = (model_id, seq) not in self.seen
            self.seen.add((model_id, seq))
            return seq if first else None
        if self.fault == "out_of_order":
            if (model_id, seq) not in self.renumbered:
                self.next_seq[model_id] = self.next_seq.get(model_id, 0) + 1
                self.renumbered[model_id, seq] = self.next_seq[model_id]
            return self.renumbered[model_id, seq]
        return seq

    def rewrite(self, body: bytes, protobuf: bool) -> bytes:
        if protobuf:
            req = wire.decode_forward_backward_request(body)
            if self.fault == "mean_loss":
                for d in req.data:
                    n = d.loss_fn_inputs["target_tokens"].to_numpy().shape[0]
                    w = d.loss_fn_inputs["weights"].to_numpy() if "weights" in d.loss_fn_inputs else np.ones(n)
                    d.loss_fn_inputs["weights"] = wire.TensorData.from_numpy((w / n).astype(np.float32))
            seq = self._seq(req.model_id, req.seq_id)
            return wire.encode_forward_backward_request(dataclasses.replace(req, seq_id=seq or 0))
        doc = json.loads(body)
        inner = doc.get("forward_backward_input") or doc.get("forward_input")
        if self.fault == "mean_loss" and inner:
            for d in inner["data"]:
                _mean_weights(d["loss_fn_inputs"])
        if doc.get("seq_id"):
            seq = self._seq(doc["model_id"], doc["seq_id"])
            if seq is None:
                del doc["seq_id"]
            else:
                doc["seq_id"] = seq
        return json.dumps(doc).encode()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] not in TRAINING:
            await self.app(scope, receive, send)
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        protobuf = any(k == b"content-type" and wire.PROTOBUF.encode() in v for k, v in scope["headers"])
        body = self.rewrite(b"".join(chunks), protobuf)
        headers = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
        scope = {**scope, "headers": [*headers, (b"content-length", str(len(body)).encode())]}
        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def _run(url: str, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    capsys.readouterr()
    code = main(["conformance", url, "--api-key", KEY, "--mutating", "--json", *args])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.ci
@pytest.mark.slow
@pytest.mark.timeout(240)
def test_local_server_passes_every_check(capsys):
    with LocalServer(retrieve_timeout_s=1.0, api_keys=(KEY,)) as srv:
        code, report = _run(srv.base_url, capsys=capsys)
    statuses = {c["name"]: c["status"] for c in report["checks"]}
    assert code == 0 and report["passed"], [c for c in report["checks"] if c["status"] != "pass"]
    assert set(statuses.values()) == {"pass"}
    assert {"contract.fuzz", "futures.long_poll", "loss.ppo", "wire.protobuf_json"} <= set(statuses)


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("fault", "failing"),
    [
        ("mean_loss", LOSS_VALUES | GRADIENTS),
        ("no_idempotency", {"futures.idempotent"}),
        ("out_of_order", {"futures.long_poll", "ordering.seq_id"}),
    ],
)
def test_broken_server_fails_the_named_checks(fault, failing, monkeypatch, capsys):
    from tinker_local import http

    build = http.create_app

    def broken_app(*args: Any, **kwargs: Any) -> Any:
        app = build(*args, **kwargs)
        app.add_middleware(Broken, fault=fault)
        return app

    monkeypatch.setattr(http, "create_app", broken_app)
    with LocalServer(retrieve_timeout_s=0.5, seq_gap_timeout_s=5.0, api_keys=(KEY,)) as srv:
        code, report = _run(srv.base_url, "--skip", "contract", capsys=capsys)
    failed = {c["name"]: c["evidence"] for c in report["checks"] if c["status"] == "fail"}
    assert code == 1 and not report["passed"]
    assert set(failed) == failing, failed
    if fault == "mean_loss":
        assert "mean over positions" in failed["loss.cross_entropy"]
        assert "averaged over each datum's positions" in failed["loss.cross_entropy.gradient"]


def _backward_fault(fault: str, real: Any) -> Any:
    """The engine's loss, with the documented value and a gradient that is wrong in one classic way."""

    def compute_loss(spec: Any, lp: np.ndarray, inputs: dict[str, np.ndarray], cfg: Any) -> Any:
        loss, grad = real(spec, lp, inputs, cfg)
        if fault == "grad_mean":  # the backward of the mean over positions
            return loss, grad / lp.shape[0]
        if fault == "grad_ignores_weights":
            return loss, real(spec, lp, {**inputs, "weights": np.ones_like(inputs["weights"])}, cfg)[1]
        if fault == "grad_ascent":
            return loss, -grad
        if spec.name not in ("ppo", "cispo") or fault not in ("ppo_clip_side", "cispo_through_ratio"):
            return loss, grad
        lo, hi = cfg["clip_low_threshold"], cfg["clip_high_threshold"]
        ell, a, w = lp[:, 0], inputs["advantages"], inputs["weights"]
        r = np.exp(ell - inputs["logprobs"])
        if fault == "ppo_clip_side" and spec.name == "ppo":  # zero where the *unclipped* branch is the min
            wrong = ((a > 0) & (r < lo)) | ((a < 0) & (r > hi))
            return loss, np.where(wrong, 0.0, -w * a * r)[:, None]
        if fault == "cispo_through_ratio" and spec.name == "cispo":  # the ratio differentiated, not a constant
            inside = (r > lo) & (r < hi)
            return loss, (-w * a * (np.clip(r, lo, hi) + ell * r * inside))[:, None]
        return loss, grad

    return compute_loss


def _optimizer_fault(fault: str, real: Any) -> Any:
    """Adam that ignores beta1 (keeps the default momentum) or eps (the usual sign-like first step)."""

    def adam_step(params: Any, grads: Any, state: Any, cfg: Any) -> Any:
        changed = {"keeps_momentum": {"beta1": 0.9}, "ignores_eps": {"eps": 1e-12}}[fault]
        return real(params, grads, state, dataclasses.replace(cfg, **changed))

    return adam_step


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("fault", "failing", "evidence"),
    [
        ("grad_mean", GRADIENTS, "positions, not summed"),
        ("grad_ignores_weights", GRADIENTS, ""),
        ("grad_ascent", GRADIENTS, "did not go downhill"),
        ("ppo_clip_side", {"loss.ppo.gradient"}, "does not cancel"),
        ("cispo_through_ratio", {"loss.cispo.gradient"}, "does not cancel"),
        ("keeps_momentum", GRADIENTS, "keeps momentum at beta1 = 0"),
    ],
)
def test_wrong_gradients_fail_the_gradient_checks(fault, failing, evidence, monkeypatch, capsys):
    """Faults in the backward only (loss:sum and elementwise_loss stay right): the loss-value checks cannot see
    them, the gradient checks must."""
    from tinker_local.engine import _trainable

    if fault == "keeps_momentum":
        monkeypatch.setattr(_trainable, "adam_step", _optimizer_fault(fault, _trainable.adam_step))
    else:
        monkeypatch.setattr(_trainable, "compute_loss", _backward_fault(fault, _trainable.compute_loss))
    with LocalServer(retrieve_timeout_s=0.5, api_keys=(KEY,)) as srv:
        code, report = _run(srv.base_url, "--only", "loss", capsys=capsys)
    statuses = {c["name"]: c["status"] for c in report["checks"]}
    failed = {c["name"]: c["evidence"] for c in report["checks"] if c["status"] == "fail"}
    assert code == 1 and set(failed) == failing, failed
    assert set(statuses) == LOSS_VALUES | GRADIENTS
    assert all(statuses[name] == "pass" for name in LOSS_VALUES)
    assert all(evidence in text for text in failed.values()), failed


def test_an_optimizer_without_eps_is_named(monkeypatch, capsys):
    """Adam's usual step (eps ignored) is sign-like, so the checks cannot judge a gradient with it: a failure must
    name the optimizer rather than only the gradient. (Alone it fails only when float32 noise is left in a null
    batch, which is not always so; with a wrong gradient as well it fails every time.)"""
    from tinker_local.engine import _trainable

    monkeypatch.setattr(_trainable, "adam_step", _optimizer_fault("ignores_eps", _trainable.adam_step))
    monkeypatch.setattr(_trainable, "compute_loss", _backward_fault("grad_mean", _trainable.compute_loss))
    with LocalServer(retrieve_timeout_s=0.5, api_keys=(KEY,)) as srv:
        _, report = _run(srv.base_url, "--only", "loss.cross_entropy.gradient", capsys=capsys)
    (outcome,) = report["checks"]
    assert outcome["status"] == "fail" and "the server ignores adam eps" in outcome["evidence"], outcome


def test_read_only_by_default_and_only_skip(capsys):
    with LocalServer(api_keys=(KEY,)) as srv:
        capsys.readouterr()
        code = main(["conformance", srv.base_url, "--api-key", KEY, "--json", "--skip", "contract"])
        report = json.loads(capsys.readouterr().out)
        statuses = {c["name"]: c["status"] for c in report["checks"]}
        assert code == 0
        assert statuses["futures.idempotent"] == "skip" and statuses["server.capabilities"] == "pass"
        assert "contract.fuzz" not in statuses
        code = main(["conformance", srv.base_url, "--api-key", KEY, "--json", "--only", "loss", "--mutating"])
        names = [c["name"] for c in json.loads(capsys.readouterr().out)["checks"]]
        assert code == 0 and names and all(n.startswith("loss.") for n in names)
    assert main(["conformance", "http://127.0.0.1:1", "--api-key", KEY, "--only", "nothing-matches"]) == 1


def test_the_kits_gradients_are_its_formulas_derivatives():
    """The gradients the kit expects are the derivatives of the loss formulas it checks values against (cispo's
    ratio held constant: ℓ and q moved together)."""
    from tinker_cli.conformance._losses import _ADV, _OFFSETS, _WEIGHTS, FORMULAS, GRADIENTS

    lp = np.linspace(-6.0, -0.5, len(_OFFSETS))
    q, h = lp + _OFFSETS, 1e-6
    assert set(GRADIENTS) == set(FORMULAS) - {"cross_entropy"}
    for name, grad in GRADIENTS.items():
        formula, _ = FORMULAS[name]
        dq = h if name == "cispo" else 0.0
        numeric = (formula(lp + h, q + dq, _ADV, _WEIGHTS) - formula(lp - h, q - dq, _ADV, _WEIGHTS)) / (2 * h)
        np.testing.assert_allclose(grad(lp, q, _ADV, _WEIGHTS), numeric, rtol=1e-6, atol=1e-8, err_msg=name)
