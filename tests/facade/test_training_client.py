"""TrainingClient: every method's request body, ordering (seq_id) and result parsing."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading

import numpy as np
import pytest
from fake_tinker import BASE_MODEL, PB, FakeServer, datum, decoded_fb, fake_logprobs

import tinker
import tinker_wire as wire

ADAM = tinker.AdamParams(learning_rate=1e-4)


def _seq_ids_in_arrival_order(server: FakeServer) -> list[int]:
    """seq_id of every ordered submission (forward_backward, optim_step, saves, loads), in arrival order."""
    out = []
    for r in server.calls():
        if r.path == "/api/v1/forward_backward":
            out.append(r.body.seq_id)
        elif r.path in (
            "/api/v1/optim_step",
            "/api/v1/save_weights",
            "/api/v1/save_weights_for_sampler",
            "/api/v1/save_weights_external",
            "/api/v1/load_weights",
        ):
            out.append(r.body["seq_id"])
    return out


# ------------------------------------------------------------------ forward / forward_backward


def test_forward_sends_forward_only(training, server: FakeServer) -> None:
    d = datum(3, start=10)
    out = training.forward([d], "cross_entropy").result(timeout=10)
    (req,) = decoded_fb(server)
    assert req.forward_only is True
    assert req.loss_fn == "cross_entropy"
    assert req.model_id == training.model_id and req.seq_id == 1
    assert req.data[0].chunks[0].tokens.tolist() == [10, 11, 12]
    assert req.data[0].loss_fn_inputs["target_tokens"].data == [11, 12, 13]
    sub = server.op_calls("forward_backward")[0]
    assert sub.header("content-type") == PB
    poll = server.op_calls("retrieve_future")[-1]
    assert poll.header("x-tinker-request-type") == "Forward"
    assert PB in poll.header("accept")
    assert out.loss_fn_output_type == "target_token_logprobs"
    np.testing.assert_allclose(out.loss_fn_outputs[0]["logprobs"].to_numpy(), fake_logprobs(np.array([11, 12, 13])))


def test_forward_backward_sends_loss_and_config(training, server: FakeServer) -> None:
    out = training.forward_backward(
        [datum(2), datum(3, start=5)], "ppo", {"clip_low_threshold": 0.7, "mode": "token"}
    ).result(timeout=10)
    (req,) = decoded_fb(server)
    assert req.forward_only is False
    assert req.loss_fn == "ppo"
    assert req.loss_fn_config == {"clip_low_threshold": 0.7, "mode": "token"}
    assert len(req.data) == 2
    assert server.op_calls("retrieve_future")[-1].header("x-tinker-request-type") == "ForwardBackward"
    assert len(out.loss_fn_outputs) == 2
    assert out.metrics["n:sum"] == 2.0


def test_forward_backward_accepts_dict_datums(training, server: FakeServer) -> None:
    d = {
        "model_input": tinker.ModelInput.from_ints([1, 2]),
        "loss_fn_inputs": {"target_tokens": [2, 3], "weights": [1.0, 0.0]},
    }
    training.forward_backward([d], "cross_entropy").result(timeout=10)
    assert decoded_fb(server)[0].data[0].loss_fn_inputs["weights"].data == [1.0, 0.0]


@pytest.mark.parametrize(
    "data, loss_fn, exc",
    [
        ([], "cross_entropy", ValueError),
        ([datum()], "", TypeError),
        ([datum()], None, TypeError),
        (["not a datum"], "cross_entropy", TypeError),
    ],
)
def test_forward_backward_argument_errors(training, server: FakeServer, data, loss_fn, exc) -> None:
    before = len(server.requests)
    with pytest.raises(exc):
        training.forward_backward(data, loss_fn)
    assert len(server.requests) == before
    # a rejected call reserves no seq_id
    training.optim_step(ADAM).result(timeout=10)
    assert server.op_calls("optim_step")[0].body["seq_id"] == 1


def test_forward_backward_result_failure(training, server: FakeServer) -> None:
    server.script_polls({"error": "bad target shape", "category": "user"})
    with pytest.raises(tinker.RequestFailedError, match="bad target shape") as info:
        training.forward_backward([datum()], "cross_entropy").result(timeout=10)
    assert info.value.category == "user"
    # the client stays usable and the next call gets the next seq_id
    training.optim_step(ADAM).result(timeout=10)
    assert _seq_ids_in_arrival_order(server) == [1, 2]


# ------------------------------------------------------------------ ordering


def test_seq_ids_follow_call_order_across_pipelined_calls(training, server: FakeServer) -> None:
    futures = [
        training.forward_backward([datum()], "cross_entropy"),
        training.optim_step(ADAM),
        training.forward([datum()], "cross_entropy"),
        training.save_state("s1"),
        training.forward_backward([datum()], "cross_entropy"),
        training.save_weights_for_sampler("w1"),
        training.optim_step(ADAM),
    ]
    for f in futures:
        f.result(timeout=10)
    assert _seq_ids_in_arrival_order(server) == [1, 2, 3, 4, 5, 6, 7]


def test_seq_ids_are_unique_and_submitted_in_order_across_threads(training, server: FakeServer) -> None:
    n_threads, per_thread = 6, 5
    reserved: dict[int, list[concurrent.futures.Future]] = {}
    barrier = threading.Barrier(n_threads)

    def worker(k: int) -> None:
        barrier.wait()
        reserved[k] = [
            training.forward_backward([datum(2, start=100 * k + i)], "cross_entropy") for i in range(per_thread)
        ]

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    for futs in reserved.values():
        for f in futs:
            f.result(timeout=10)
    reqs = decoded_fb(server)
    seqs = [r.seq_id for r in reqs]
    assert seqs == list(range(1, n_threads * per_thread + 1))  # arrival order == seq order, no gaps
    # within one thread, call order is seq order
    by_start = {int(r.data[0].chunks[0].tokens[0]): r.seq_id for r in reqs}
    for k in range(n_threads):
        mine = [by_start[100 * k + i] for i in range(per_thread)]
        assert mine == sorted(mine)


# ------------------------------------------------------------------ optimizer


def test_optim_step_positional_adam_params(training, server: FakeServer) -> None:
    resp = training.optim_step(tinker.AdamParams(learning_rate=3e-4, beta1=0.8, weight_decay=0.1)).result(timeout=10)
    (req,) = server.op_calls("optim_step")
    assert req.body["model_id"] == training.model_id and req.body["seq_id"] == 1
    assert req.body["adam_params"]["learning_rate"] == pytest.approx(3e-4)
    assert req.body["adam_params"]["beta1"] == pytest.approx(0.8)
    assert req.body["adam_params"]["weight_decay"] == pytest.approx(0.1)
    assert "optimizer_params" not in req.body
    assert server.op_calls("retrieve_future")[-1].header("x-tinker-request-type") == "OptimStep"
    assert server.op_calls("retrieve_future")[-1].header("accept") == "application/json"
    assert isinstance(resp, tinker.OptimStepResponse)
    assert resp.metrics == {"grad_norm:mean": 1.5}


def test_optim_step_adam_params_keyword(training, server: FakeServer) -> None:
    training.optim_step(adam_params=tinker.AdamParams(learning_rate=2e-5)).result(timeout=10)
    assert server.op_calls("optim_step")[0].body["adam_params"]["learning_rate"] == pytest.approx(2e-5)


def test_optim_step_other_optimizer_family(training, server: FakeServer) -> None:
    training.optim_step(tinker.DimuonParams(learning_rate=0.02)).result(timeout=10)
    body = server.op_calls("optim_step")[0].body
    assert body["optimizer_params"]["type"] == "dimuon"
    assert body["optimizer_params"]["learning_rate"] == pytest.approx(0.02)
    assert "adam_params" not in body


@pytest.mark.parametrize("args, kwargs", [((), {}), ((ADAM,), {"adam_params": ADAM}), (({"lr": 1},), {})])
def test_optim_step_argument_errors(training, server, args, kwargs) -> None:
    with pytest.raises(TypeError):
        training.optim_step(*args, **kwargs)
    assert server.op_calls("optim_step") == []


# ------------------------------------------------------------------ checkpoints


def test_save_state(training, server: FakeServer) -> None:
    resp = training.save_state("ckpt-1", ttl_seconds=7200, overwrite=True, user_metadata={"step": "3"}).result(
        timeout=10
    )
    (req,) = server.op_calls("save_weights")
    assert req.body == {
        "type": "save_weights",
        "model_id": training.model_id,
        "path": "ckpt-1",
        "seq_id": 1,
        "overwrite": True,
        "ttl_seconds": 7200,
        "user_metadata": {"step": "3"},
    }
    assert server.op_calls("retrieve_future")[-1].header("x-tinker-request-type") == "SaveWeights"
    assert resp.path == f"tinker://{training.model_id}/weights/ckpt-1"


def test_save_state_defaults(training, server: FakeServer) -> None:
    training.save_state("c").result(timeout=10)
    assert server.op_calls("save_weights")[0].body == {
        "type": "save_weights",
        "model_id": training.model_id,
        "path": "c",
        "seq_id": 1,
        "overwrite": False,
    }


def test_save_weights_for_sampler(training, server: FakeServer) -> None:
    resp = training.save_weights_for_sampler("s-1", ttl_seconds=3600, user_metadata={"x": "y"}).result(timeout=10)
    (req,) = server.op_calls("save_weights_for_sampler")
    assert req.body == {
        "type": "save_weights_for_sampler",
        "model_id": training.model_id,
        "seq_id": 1,
        "path": "s-1",
        "kind": "snapshot",
        "ttl_seconds": 3600,
        "user_metadata": {"x": "y"},
    }
    assert server.op_calls("retrieve_future")[-1].header("x-tinker-request-type") == "SaveWeightsForSampler"
    assert isinstance(resp, tinker.SaveWeightsForSamplerResponse)
    assert resp.path == f"tinker://{training.model_id}/sampler_weights/s-1"


def test_save_weights_external(training, server: FakeServer) -> None:
    resp = training.save_weights_external("e-1", ttl_seconds=3600, age_encryption_recipients=["age1abc"]).result(
        timeout=10
    )
    (req,) = server.op_calls("save_weights_external")
    assert req.body == {
        "type": "save_weights_external",
        "model_id": training.model_id,
        "path": "e-1",
        "seq_id": 1,
        "ttl_seconds": 3600,
        "age_encryption_recipients": ["age1abc"],
    }
    assert resp.path == f"tinker://{training.model_id}/external_weights/e-1"


def test_save_weights_external_without_path_in_result_fails(training, server: FakeServer) -> None:
    server.script_polls({"type": "save_weights_external", "path": None})
    with pytest.raises(ValueError, match="no path"):
        training.save_weights_external("e-1").result(timeout=10)


@pytest.mark.parametrize("method, optimizer", [("load_state", False), ("load_state_with_optimizer", True)])
def test_load_state(training, server: FakeServer, method, optimizer) -> None:
    path = "tinker://run-1/weights/c1"
    with pytest.warns(FutureWarning, match="deprecated"):
        fut = getattr(training, method)(path, weights_access_token="tok")
    resp = fut.result(timeout=10)
    (req,) = server.op_calls("load_weights")
    assert req.body == {
        "type": "load_weights",
        "model_id": training.model_id,
        "seq_id": 1,
        "path": path,
        "optimizer": optimizer,
        "weights_access_token": "tok",
    }
    assert server.op_calls("retrieve_future")[-1].header("x-tinker-request-type") == "LoadWeights"
    assert resp.path == path


def test_save_weights_and_get_sampling_client(training, server: FakeServer) -> None:
    sc = training.save_weights_and_get_sampling_client().result(timeout=10)
    (req,) = server.op_calls("save_weights_for_sampler")
    assert req.body == {
        "type": "save_weights_for_sampler",
        "model_id": training.model_id,
        "seq_id": 1,
        "sampling_session_seq_id": 0,
        "kind": "snapshot",
    }
    assert "path" not in req.body
    assert isinstance(sc, tinker.SamplingClient)
    assert sc.sampling_session_id == "sess-1:sample:0"
    assert sc.get_base_model() == BASE_MODEL
    resp = sc.sample(tinker.ModelInput.from_ints([1, 2]), 1, tinker.SamplingParams(max_tokens=3)).result(timeout=10)
    assert server.op_calls("asample")[0].body["sampling_session_id"] == "sess-1:sample:0"
    assert len(resp.sequences) == 1


def test_save_weights_and_get_sampling_client_name_is_deprecated(training) -> None:
    with pytest.warns(DeprecationWarning, match="name"):
        training.save_weights_and_get_sampling_client("old-name").result(timeout=10)


def test_save_weights_and_get_sampling_client_rejects_bad_kind(training) -> None:
    with pytest.raises(ValueError, match="kind"):
        training.save_weights_and_get_sampling_client(kind="bogus")


def test_training_create_sampling_client(training, server: FakeServer) -> None:
    sc = training.create_sampling_client("tinker://run-1/sampler_weights/s").result(timeout=10)
    assert server.op_calls("create_sampling_session")[0].body["model_path"] == "tinker://run-1/sampler_weights/s"
    assert sc.get_base_model() == BASE_MODEL


# ------------------------------------------------------------------ deprecated *_async


def test_deprecated_async_methods_warn_and_work(training, server: FakeServer) -> None:
    async def main() -> tuple:
        fb = await (await training.forward_backward_async([datum()], "cross_entropy"))
        fwd = await (await training.forward_async([datum()], "cross_entropy"))
        opt = await (await training.optim_step_async(ADAM))
        saved = await (await training.save_state_async("a1"))
        sampler = await (await training.save_weights_for_sampler_async("a2"))
        ext = await (await training.save_weights_external_async("a3"))
        loaded = await (await training.load_state_async("tinker://r/weights/a1"))
        info = await training.get_info_async()
        return fb, fwd, opt, saved, sampler, ext, loaded, info

    with pytest.warns(FutureWarning) as record:
        fb, fwd, opt, saved, sampler, ext, loaded, info = asyncio.run(main())
    names = " ".join(str(w.message) for w in record)
    for name in (
        "forward_backward_async",
        "forward_async",
        "optim_step_async",
        "save_state_async",
        "save_weights_for_sampler_async",
        "save_weights_external_async",
        "load_state_async",
        "get_info_async",
    ):
        assert name in names
    assert fb.metrics["loss:sum"] > 0 and fwd.loss_fn_outputs
    assert opt.metrics == {"grad_norm:mean": 1.5}
    assert saved.path.endswith("/weights/a1") and sampler.path.endswith("/sampler_weights/a2")
    assert ext.path.endswith("/external_weights/a3") and loaded.path == "tinker://r/weights/a1"
    assert info.model_id == training.model_id
    assert _seq_ids_in_arrival_order(server) == [1, 2, 3, 4, 5, 6, 7]
    assert decoded_fb(server)[1].forward_only is True


def test_deprecated_save_weights_and_get_sampling_client_async(training) -> None:
    async def main():
        return await training.save_weights_and_get_sampling_client_async()

    with pytest.warns(FutureWarning):
        sc = asyncio.run(main())
    assert isinstance(sc, tinker.SamplingClient)


# ------------------------------------------------------------------ results


def test_json_forward_backward_result_from_an_older_server(training, server: FakeServer) -> None:
    out = wire.WireForwardBackwardOutput(
        "target_token_logprobs",
        [{"logprobs": wire.TensorData.from_numpy(np.array([-1.0, -2.0], np.float32))}],
        {"loss:sum": 3.0},
    )
    server.script_polls(wire.forward_backward_output_to_json(out))
    res = training.forward_backward([datum(2)], "cross_entropy").result(timeout=10)
    assert res.loss_fn_outputs[0]["logprobs"].tolist() == [-1.0, -2.0]
    assert res.metrics == {"loss:sum": 3.0}


def test_misc_accessors(training) -> None:
    assert training.get_console_url().endswith(training.model_id)
    assert training.get_telemetry() is None
    assert training.model_id in repr(training)
