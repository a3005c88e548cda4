"""ServiceClient: session start, training/sampling client creation, close and the deprecated call styles."""

from __future__ import annotations

import asyncio
import logging
import time
import warnings

import pytest
from fake_tinker import API_KEY, BASE_MODEL, FakeServer, datum, hold, make_service, status

import tinker


def _create_model_bodies(server: FakeServer) -> list[dict]:
    return [r.body for r in server.op_calls("create_model")]


# ------------------------------------------------------------------ create_lora_training_client


def test_create_lora_training_client_result(service: tinker.ServiceClient, server: FakeServer) -> None:
    tc = service.create_lora_training_client(BASE_MODEL).result(timeout=10)

    assert isinstance(tc, tinker.TrainingClient)
    assert tc.model_id == "sess-1:train:0"
    # start-up order: client config, (dynamic config), session, model, poll, info
    paths = server.paths()
    assert paths[0] == "/api/v1/client/config"
    assert paths.index("/api/v1/create_session") < paths.index("/api/v1/create_model")
    assert paths[-2:] == ["/api/v1/retrieve_future", "/api/v1/get_info"]
    (body,) = _create_model_bodies(server)
    assert body == {
        "session_id": "sess-1",
        "model_seq_id": 0,
        "base_model": BASE_MODEL,
        "lora_config": {"rank": 32, "train_unembed": True, "train_mlp": True, "train_attn": True},
        "optimizer_config": {"type": "adamw"},
        "type": "create_model",
    }
    poll = server.op_calls("retrieve_future")[0]
    assert poll.header("x-tinker-request-type") == "CreateModel"
    assert poll.body == {"request_id": "req-1", "allow_metadata_only": True}
    assert server.op_calls("get_info")[0].body["model_id"] == "sess-1:train:0"
    info = tc.get_info()
    assert info.model_id == "sess-1:train:0"
    assert info.model_data.model_name == BASE_MODEL


def test_create_lora_training_client_options(service: tinker.ServiceClient, server: FakeServer) -> None:
    service.create_lora_training_client(
        BASE_MODEL,
        rank=8,
        seed=3,
        train_mlp=False,
        user_metadata={"k": "v"},
        optimizer=tinker.DimuonOptimizerConfig(),
    ).result(timeout=10)
    (body,) = _create_model_bodies(server)
    assert body["lora_config"] == {"rank": 8, "seed": 3, "train_unembed": True, "train_mlp": False, "train_attn": True}
    assert body["user_metadata"] == {"k": "v"}
    assert body["optimizer_config"]["type"] == "dimuon"


def test_second_training_client_reuses_session_and_counts_model_seq_ids(service, server) -> None:
    a = service.create_lora_training_client(BASE_MODEL).result(timeout=10)
    b = service.create_lora_training_client(BASE_MODEL).result(timeout=10)
    assert [bd["model_seq_id"] for bd in _create_model_bodies(server)] == [0, 1]
    assert (a.model_id, b.model_id) == ("sess-1:train:0", "sess-1:train:1")
    assert len(server.op_calls("create_session")) == 1
    assert len(server.calls("/api/v1/client/config")) == 1


def test_create_lora_training_client_await(service: tinker.ServiceClient, server: FakeServer) -> None:
    async def main() -> tinker.TrainingClient:
        return await service.create_lora_training_client(BASE_MODEL)

    tc = asyncio.run(main())
    assert isinstance(tc, tinker.TrainingClient) and tc.model_id == "sess-1:train:0"


def test_create_lora_training_client_result_async(service: tinker.ServiceClient) -> None:
    async def main() -> tinker.TrainingClient:
        return await service.create_lora_training_client(BASE_MODEL).result_async(timeout=10)

    assert asyncio.run(main()).model_id == "sess-1:train:0"


def test_deprecated_direct_use_of_the_future_as_a_client(service: tinker.ServiceClient, server: FakeServer) -> None:
    fut = service.create_lora_training_client(BASE_MODEL)
    assert isinstance(fut, tinker.TrainingClient)  # the backcompat future passes for a client
    with pytest.warns(FutureWarning, match="deprecated"):
        out = fut.forward_backward([datum()], "cross_entropy").result(timeout=10)
    assert out.metrics["loss:sum"] > 0
    with pytest.warns(FutureWarning):
        assert fut.model_id == "sess-1:train:0"
    with pytest.warns(FutureWarning):
        assert fut.get_info().model_id == "sess-1:train:0"
    # the plain future protocol does not warn
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fut.result(timeout=10).model_id == "sess-1:train:0"


def test_deprecated_async_create_method(service: tinker.ServiceClient) -> None:
    async def main() -> tinker.TrainingClient:
        return await service.create_lora_training_client_async(BASE_MODEL)

    with pytest.warns(FutureWarning, match="create_lora_training_client_async"):
        tc = asyncio.run(main())
    assert isinstance(tc, tinker.TrainingClient)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"train_mlp": False, "train_attn": False, "train_unembed": False},
        {"rank": 0},
        {"rank": "8"},
    ],
)
def test_create_lora_training_client_argument_errors(service, server, kwargs) -> None:
    with pytest.raises(ValueError):
        service.create_lora_training_client(BASE_MODEL, **kwargs)
    assert server.requests == []


def test_create_model_failure_is_raised(service: tinker.ServiceClient, server: FakeServer) -> None:
    server.script_polls({"error": "unknown base model", "category": "user"})
    with pytest.raises(tinker.RequestFailedError) as info:
        service.create_lora_training_client("nope/model").result(timeout=10)
    assert info.value.category == "user"


# ------------------------------------------------------------------ from state


def test_create_training_client_from_state(service: tinker.ServiceClient, server: FakeServer) -> None:
    path = "tinker://run-7/weights/ckpt-1"
    tc = service.create_training_client_from_state(
        path, base_model=BASE_MODEL, user_metadata={"a": "b"}, weights_access_token="tok"
    ).result(timeout=10)
    assert server.op_calls("create_model") == []
    (load,) = server.op_calls("load_weights")
    assert load.body == {
        "type": "load_weights",
        "session_id": "sess-1",
        "model_seq_id": 0,
        "path": path,
        "optimizer": False,
        "base_model": BASE_MODEL,
        "user_metadata": {"a": "b"},
        "weights_access_token": "tok",
        "optimizer_config": {"type": "adamw"},
    }
    assert "seq_id" not in load.body and "model_id" not in load.body
    assert server.op_calls("retrieve_future")[0].header("x-tinker-request-type") == "LoadWeights"
    assert tc.model_id == "sess-1:train:0"
    # the new model's own requests start at seq_id 1
    tc.optim_step(tinker.AdamParams()).result(timeout=10)
    assert server.op_calls("optim_step")[0].body["seq_id"] == 1


def test_create_training_client_from_state_with_optimizer(service: tinker.ServiceClient, server: FakeServer) -> None:
    path = "tinker://run-7/weights/ckpt-1"
    tc = service.create_training_client_from_state_with_optimizer(path).result(timeout=10)
    (load,) = server.op_calls("load_weights")
    assert load.body == {
        "type": "load_weights",
        "session_id": "sess-1",
        "model_seq_id": 0,
        "path": path,
        "optimizer": True,
    }
    assert tc.model_id == "sess-1:train:0"


def test_create_training_client_from_state_rejects_non_tinker_path(service, server) -> None:
    with pytest.raises(ValueError, match="tinker://"):
        service.create_training_client_from_state("/tmp/ckpt")
    assert server.requests == []


# ------------------------------------------------------------------ sampling clients


def test_create_sampling_client_with_base_model(service: tinker.ServiceClient, server: FakeServer) -> None:
    sc = service.create_sampling_client(base_model=BASE_MODEL).result(timeout=10)
    (req,) = server.op_calls("create_sampling_session")
    assert req.body == {
        "type": "create_sampling_session",
        "session_id": "sess-1",
        "sampling_session_seq_id": 0,
        "base_model": BASE_MODEL,
    }
    assert server.calls("/api/v1/samplers/*") == []
    assert sc.sampling_session_id == "sess-1:sample:0"
    assert sc.get_base_model() == BASE_MODEL


def test_create_sampling_client_with_model_path(service: tinker.ServiceClient, server: FakeServer) -> None:
    server.sampler_base_model = "meta-llama/Llama-3.2-1B"
    path = "tinker://run-7/sampler_weights/s1"
    sc = service.create_sampling_client(model_path=path).result(timeout=10)
    (req,) = server.op_calls("create_sampling_session")
    assert req.body == {
        "type": "create_sampling_session",
        "session_id": "sess-1",
        "sampling_session_seq_id": 0,
        "model_path": path,
    }
    (get,) = server.calls("/api/v1/samplers/*")
    assert get.method == "GET" and get.path == "/api/v1/samplers/sess-1:sample:0"
    assert sc.get_base_model() == "meta-llama/Llama-3.2-1B"


def test_sampling_session_seq_ids_count_up(service: tinker.ServiceClient, server: FakeServer) -> None:
    service.create_sampling_client(base_model=BASE_MODEL).result(timeout=10)
    service.create_sampling_client(base_model=BASE_MODEL).result(timeout=10)
    assert [r.body["sampling_session_seq_id"] for r in server.op_calls("create_sampling_session")] == [0, 1]


@pytest.mark.parametrize("kwargs", [{}, {"model_path": "s3://bucket/x"}])
def test_create_sampling_client_argument_errors(service, server, kwargs) -> None:
    with pytest.raises(ValueError):
        service.create_sampling_client(**kwargs)
    assert server.requests == []


def test_deprecated_direct_use_of_sampling_future(service: tinker.ServiceClient) -> None:
    fut = service.create_sampling_client(base_model=BASE_MODEL)
    assert isinstance(fut, tinker.SamplingClient)
    with pytest.warns(FutureWarning):
        assert fut.get_base_model() == BASE_MODEL


# ------------------------------------------------------------------ close / context manager


def _finish_calls(server: FakeServer) -> list:
    return server.calls("/api/v1/sessions/sess-1/finish")


def test_close_finishes_the_session(server: FakeServer) -> None:
    svc = make_service(server)
    svc.create_lora_training_client(BASE_MODEL).result(timeout=10)
    svc.close().result(timeout=10)
    (fin,) = _finish_calls(server)
    assert fin.method == "POST" and fin.body["reason"] == {"type": "success"}
    svc.close().result(timeout=10)  # idempotent
    assert len(_finish_calls(server)) == 1
    with pytest.raises(RuntimeError, match="closed"):
        svc.create_lora_training_client(BASE_MODEL)
    with pytest.raises(RuntimeError, match="closed"):
        svc.create_sampling_client(base_model=BASE_MODEL)


def test_training_and_sampling_calls_after_close_are_refused_without_a_request(server: FakeServer) -> None:
    svc = make_service(server)
    training = svc.create_lora_training_client(BASE_MODEL).result(timeout=10)
    sampling = svc.create_sampling_client(base_model=BASE_MODEL).result(timeout=10)
    svc.close().result(timeout=10)
    sent = len(server.calls())
    with pytest.raises(RuntimeError, match="its ServiceClient was closed"):
        training.forward_backward([datum()], "cross_entropy")
    with pytest.raises(RuntimeError, match="its ServiceClient was closed"):
        training.optim_step(tinker.AdamParams())
    with pytest.raises(RuntimeError, match="its ServiceClient is closed"):
        sampling.sample(tinker.ModelInput.from_ints([1, 2]), 1, tinker.SamplingParams(max_tokens=1))
    assert len(server.calls()) == sent


def test_a_call_made_right_after_close_returns_is_refused_at_once(server: FakeServer) -> None:
    # close() finishes the session later, on the SDK loop; the clients must refuse new calls from the moment it
    # returns, not only once that is done.
    for _ in range(5):
        svc = make_service(server)
        training = svc.create_lora_training_client(BASE_MODEL).result(timeout=10)
        closing = svc.close()
        with pytest.raises(RuntimeError, match="its ServiceClient was closed$"):
            training.optim_step(tinker.AdamParams())
        closing.result(timeout=10)


def test_a_call_waiting_for_its_turn_when_the_client_closes_is_not_sent(server: FakeServer) -> None:
    gate = hold(server, "/api/v1/optim_step")
    svc = make_service(server)
    training = svc.create_lora_training_client(BASE_MODEL).result(timeout=10)
    first = training.optim_step(tinker.AdamParams())  # its submission is held by the server
    time.sleep(0.05)
    second = training.forward_backward([datum()], "cross_entropy")  # waits for its turn
    closing = svc.close()
    gate.set()
    closing.result(timeout=10)
    first.exception(timeout=10)  # its session is finished under it: how it ends is the server's answer
    with pytest.raises(RuntimeError, match="was closed while this call waited for its turn"):
        second.result(timeout=10)
    assert server.op_calls("forward_backward") == []


def test_close_with_status_and_detail(server: FakeServer) -> None:
    svc = make_service(server)
    svc.create_sampling_client(base_model=BASE_MODEL).result(timeout=10)
    svc.close("errored", "boom").result(timeout=10)
    (fin,) = _finish_calls(server)
    assert fin.body == {"reason": {"type": "errored"}, "detail": "boom"}


def test_close_rejects_unknown_status(service: tinker.ServiceClient) -> None:
    with pytest.raises(ValueError):
        service.close("done")


def test_close_without_session_sends_nothing(server: FakeServer) -> None:
    svc = make_service(server)
    svc.close().result(timeout=10)
    assert server.requests == []


@pytest.mark.parametrize(
    "exc, reason", [(None, "success"), (RuntimeError, "errored"), (KeyboardInterrupt, "interrupted")]
)
def test_context_manager_finish_reason(server: FakeServer, exc, reason) -> None:
    try:
        with make_service(server) as svc:
            svc.create_lora_training_client(BASE_MODEL).result(timeout=10)
            if exc is not None:
                raise exc("stop")
    except (RuntimeError, KeyboardInterrupt):
        pass
    (fin,) = _finish_calls(server)
    assert fin.body["reason"] == {"type": reason}


def test_finish_failure_is_swallowed(server: FakeServer) -> None:
    svc = make_service(server)
    svc.create_sampling_client(base_model=BASE_MODEL).result(timeout=10)
    server.script("/api/v1/sessions/sess-1/finish", status(500, {"detail": "down"}))
    svc.close().result(timeout=10)
    assert len(_finish_calls(server)) == 1  # not retried


# ------------------------------------------------------------------ construction


def test_unknown_kwargs_warn(server: FakeServer) -> None:
    with pytest.warns(FutureWarning, match="unknown keyword"):
        make_service(server, bogus_option=1)


def test_known_kwargs_do_not_warn(server: FakeServer) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make_service(server, timeout=12.0)


def test_session_body_carries_metadata_project_display_name_and_tags(server, monkeypatch) -> None:
    monkeypatch.setenv("TINKER_TAGS", "a, b,a")
    svc = make_service(server, user_metadata={"team": "x"}, project_id="proj-1", display_name="run A")
    svc.create_sampling_client(base_model=BASE_MODEL).result(timeout=10)
    (req,) = server.op_calls("create_session")
    assert req.body["tags"] == ["a", "b"]
    assert req.body["user_metadata"] == {"team": "x"}
    assert req.body["project_id"] == "proj-1"
    assert req.body["display_name"] == "run A"
    assert req.body["sdk_version"] == tinker.__version__
    svc.close().result(timeout=10)


def test_api_key_from_environment(server, monkeypatch) -> None:
    import httpx

    monkeypatch.setenv("TINKER_API_KEY", API_KEY + "-env")
    svc = tinker.ServiceClient(base_url="http://fake", _http_transport=httpx.MockTransport(server.handler))
    svc.create_sampling_client(base_model=BASE_MODEL).result(timeout=10)
    assert {r.header("x-api-key") for r in server.requests} == {API_KEY + "-env"}
    svc.close().result(timeout=10)


def test_missing_credential_is_an_error(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(tinker.TinkerError, match="credential"):
        tinker.ServiceClient(base_url="http://fake")


def test_session_messages_are_logged(service, server, caplog) -> None:
    server.script("/api/v1/create_session", {"session_id": "sess-1", "warning_message": "quota at 90%"})
    with caplog.at_level(logging.INFO, logger="tinker"):
        service.create_sampling_client(base_model=BASE_MODEL).result(timeout=10)
    assert any(r.levelno == logging.WARNING and "quota at 90%" in r.getMessage() for r in caplog.records)


def test_missing_client_config_endpoint_falls_back_to_defaults(service, server) -> None:
    server.script("/api/v1/client/config", status(404, {"detail": "not found"}))
    tc = service.create_lora_training_client(BASE_MODEL).result(timeout=10)
    assert tc.holder.cached_server_config().fwdbwd_max_chunk_len == 1024


def test_get_server_capabilities(service: tinker.ServiceClient, server: FakeServer) -> None:
    server.rest_reply = {"supported_models": [{"model_name": BASE_MODEL, "trainable": True}]}
    caps = service.get_server_capabilities()
    assert caps.supported_models[0].model_name == BASE_MODEL
    (req,) = server.calls("/api/v1/get_server_capabilities")
    assert req.method == "GET"


def test_heartbeat_and_lost_session_starts_a_new_one(server: FakeServer, monkeypatch) -> None:
    import tinker._holder as holder_mod

    monkeypatch.setattr(holder_mod, "HEARTBEAT_INTERVAL", 0.01)
    svc = make_service(server)
    svc.create_sampling_client(base_model=BASE_MODEL).result(timeout=10)
    deadline = time.monotonic() + 5
    while not server.op_calls("session_heartbeat") and time.monotonic() < deadline:
        time.sleep(0.01)
    beat = server.op_calls("session_heartbeat")[0]
    assert beat.body["session_id"] == "sess-1"
    # the server forgets the session: the next heartbeat gets 404, later clients start a new session
    server.session_id = "sess-2"
    server.script("/api/v1/session_heartbeat", status(404, {"detail": "unknown session"}))
    while svc.holder.session_lost is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert svc.holder.session_lost is not None
    svc.create_sampling_client(base_model=BASE_MODEL).result(timeout=10)
    assert len(server.op_calls("create_session")) == 2
    assert server.op_calls("create_sampling_session")[-1].body["session_id"] == "sess-2"
    svc.close().result(timeout=10)
