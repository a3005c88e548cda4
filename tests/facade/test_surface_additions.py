"""The parts of the official 0.38 surface added for drop-in compatibility, exercised against a real local
server: custom-loss handles, SamplingClient.create and sampler handles, the REST/Admin additions and
``*_async`` twins, ``tinker.auth``, raw responses, and exception constructors in the official form.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import pickle
import socket
import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import numpy as np
import pytest

import tinker
from tests.helpers import local_server_fixture, text_datum
from tinker import types

BASE_MODEL = "tinker-local/tiny-byte"
KEY = "tml-surface-test-key-0123456789"


local = local_server_fixture(scope="module", name="local", api_keys=(KEY,))


@pytest.fixture(scope="module")
def svc(local: Any) -> Iterator[tinker.ServiceClient]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TINKER_TELEMETRY", "1")  # read once, when the client is built
        client = tinker.ServiceClient(base_url=local.base_url, api_key=KEY)
    yield client
    client.close().result(timeout=30)


@pytest.fixture(scope="module")
def trained(svc: tinker.ServiceClient) -> Any:
    """A training client with one saved training checkpoint."""
    tc = svc.create_lora_training_client(BASE_MODEL, rank=4).result(timeout=60)
    path = tc.save_state("surface-ckpt").result(timeout=60).path
    return tc, path


@pytest.fixture
def rest(local: Any) -> tinker.RestClient:
    return tinker.RestClient(base_url=local.base_url, api_key=KEY)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ---------------------------------------------------------------------------- custom losses


_CAPTURED = np.ones(3, dtype=np.float32)  # becomes a tensor inside the test below


def neg_ll(logprobs, weights):
    loss = -(logprobs * weights).sum()
    return loss, {"custom/neg_ll:sum": loss, "custom/n_tokens:mean": weights.sum()}


def test_create_custom_loss_runs_client_side(svc: tinker.ServiceClient, trained: Any) -> None:
    pytest.importorskip("torch")
    tc, _ = trained
    handle = svc.create_custom_loss(neg_ll, {"logprobs": 1, "weights": 1}).result(timeout=30)
    assert isinstance(handle, tinker.LossHandle)
    assert (handle.name, handle.input_names, handle.loss_id) == ("neg_ll", ("weights",), None)
    assert [(i.name, i.rank) for i in handle.inputs] == [("logprobs", 1), ("weights", 1)]
    assert handle.session_id == svc.holder.session_id
    assert len(handle.key) == 64

    data = [text_datum("hello world", [0.0, 1, 1, 1, 1, 1, 1, 1, 1, 0.5]), text_datum("tinker")]
    fwd = tc.forward(data, "cross_entropy").result(timeout=60)  # same weights: no optim_step in between
    expected = -sum(
        float((out["logprobs"].to_numpy() * np.asarray(d.loss_fn_inputs["weights"].to_numpy())).sum())
        for out, d in zip(fwd.loss_fn_outputs, data)
    )
    out = tc.forward_backward_custom(data, handle).result(timeout=60)
    assert out.metrics["loss:sum"] == pytest.approx(expected, rel=1e-5)
    assert out.metrics["custom/neg_ll:sum"] == pytest.approx(expected, rel=1e-5)
    assert out.metrics["custom/n_tokens:mean"] == pytest.approx((8.5 + 5) / 2)

    with pytest.raises(ValueError, match="already created"):
        svc.create_custom_loss(neg_ll, {"logprobs": 1, "weights": 1}).result(timeout=30)


def test_loss_handle_checks_the_data(svc: tinker.ServiceClient) -> None:
    torch = pytest.importorskip("torch")

    def scaled(logprobs, scale):
        return -(logprobs * scale).sum(), {}

    handle = svc.create_custom_loss(scaled, {"logprobs": 1, "scale": 0}).result(timeout=30)
    datum = text_datum("abc")
    with pytest.raises(ValueError, match=r"loss_fn_inputs\['scale'\]"):
        handle([datum], [torch.zeros(2)])
    datum.loss_fn_inputs["scale"] = tinker.TensorData(data=[2.0], dtype="float32", shape=[])
    loss, metrics = handle([datum], [torch.tensor([-1.0, -2.0])])
    assert float(loss) == pytest.approx(6.0) and metrics == {}


@pytest.mark.parametrize(
    ("fn", "ranks", "match"),
    [
        (lambda lp, w: (lp.sum(), {}), {"lp": 1, "w": 1}, "first parameter"),
        (neg_ll, {"logprobs": 1}, "input_ranks"),
        (neg_ll, {"logprobs": 0, "weights": 1}, "rank 1"),
        (lambda logprobs: (logprobs.sum().item(), {}), {"logprobs": 1}, "leaves torch"),
        (lambda logprobs: (logprobs.sum(), {"total": logprobs.sum()}), {"logprobs": 1}, "custom/<name>"),
        (lambda logprobs: ((logprobs * _CAPTURED).sum(), {}), {"logprobs": 1}, "captures the tensor"),
        (lambda logprobs: (1.0, {}), {"logprobs": 1}, "loss as a tensor"),
        (lambda logprobs: (logprobs.sum() if logprobs[0] > 0 else logprobs.mean(), {}), {"logprobs": 1}, "trace"),
    ],
)
def test_create_custom_loss_refuses_untraceable_losses(
    svc: tinker.ServiceClient, fn: Any, ranks: dict[str, int], match: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    torch = pytest.importorskip("torch")
    monkeypatch.setitem(globals(), "_CAPTURED", torch.ones(3))
    with pytest.raises(ValueError, match=match):
        svc.create_custom_loss(fn, ranks)


def test_create_custom_loss_uploads_when_the_server_runs_losses() -> None:
    pytest.importorskip("torch")
    from fake_tinker import FakeServer, make_service

    server = FakeServer()
    server.config = {"custom_loss_server_side": True}
    server.script(
        "/api/v1/create_custom_loss",
        lambda rec: server._new_future("json", {"loss_id": "loss-7", "type": "create_custom_loss"}),
    )
    service = make_service(server)
    try:
        handle = service.create_custom_loss(neg_ll, {"logprobs": 1, "weights": 2}).result(timeout=10)
    finally:
        service.close().result(timeout=5)
    assert handle.loss_id == "loss-7"
    (call,) = server.op_calls("create_custom_loss")
    body = call.body
    assert (body["session_id"], body["custom_loss_seq_id"], body["name"]) == (server.session_id, 0, "neg_ll")
    assert body["inputs"] == [{"name": "logprobs", "rank": 1}, {"name": "weights", "rank": 2}]
    nodes = body["graph"]["nodes"]
    assert body["graph"]["format"] == 1
    assert [(n["op"], n["target"]) for n in nodes if n["op"] == "placeholder"] == [
        ("placeholder", "logprobs"),
        ("placeholder", "weights"),
    ]
    assert ("call_function", "operator.mul") in [(n["op"], n["target"]) for n in nodes]
    output = nodes[-1]
    assert output["op"] == "output" and set(output["args"][0]["tuple"][1]["dict"]) == {
        "custom/neg_ll:sum",
        "custom/n_tokens:mean",
    }


# ---------------------------------------------------------------------------- sampling clients


def test_sampling_client_create(svc: tinker.ServiceClient) -> None:
    sc = tinker.SamplingClient.create(svc.holder, base_model=BASE_MODEL).result(timeout=60)
    assert isinstance(sc, tinker.SamplingClient) and sc.get_base_model() == BASE_MODEL
    # An existing sampler: no new session, the base model is looked up on the server.
    again = tinker.SamplingClient.create(svc.holder, sampling_session_id=sc.sampling_session_id).result(timeout=30)
    assert (again.sampling_session_id, again.get_base_model()) == (sc.sampling_session_id, BASE_MODEL)
    prompt = tinker.ModelInput.from_ints(list(b"ab"))
    out = again.sample(prompt, 2, tinker.SamplingParams(max_tokens=3)).result(timeout=60)
    assert len(out.sequences) == 2 and all(len(s.tokens) <= 3 for s in out.sequences)
    with pytest.raises(ValueError):
        tinker.SamplingClient.create(svc.holder)
    with pytest.raises(ValueError, match="tinker://"):
        tinker.SamplingClient.create(svc.holder, model_path="weights/x")


def test_sampler_handle_round_trip(svc: tinker.ServiceClient, local: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    sc = svc.create_sampling_client(base_model=BASE_MODEL).result(timeout=60)
    handle = sc.get_sampler_handle()
    assert isinstance(handle, str) and KEY not in base64.urlsafe_b64decode(handle).decode()
    copy = tinker.SamplingClient.from_sampler_handle(handle, api_key=KEY)
    assert (copy.sampling_session_id, copy.get_base_model()) == (sc.sampling_session_id, BASE_MODEL)
    params = tinker.SamplingParams(max_tokens=6, temperature=1.0, seed=1234)
    prompt = tinker.ModelInput.from_ints(list(b"hello"))
    mine = sc.sample(prompt, 1, params).result(timeout=60).sequences[0].tokens
    theirs = copy.sample(prompt, 1, params).result(timeout=60).sequences[0].tokens
    assert theirs == mine
    # Without api_key the receiving process's own credential is used.
    monkeypatch.setenv("TINKER_API_KEY", KEY)
    assert tinker.SamplingClient.from_sampler_handle(handle).sample(prompt, 1, params).result(timeout=60)
    monkeypatch.setenv("TINKER_API_KEY", "tml-not-a-key")
    with pytest.raises(tinker.AuthenticationError):
        tinker.SamplingClient.from_sampler_handle(handle).sample(prompt, 1, params).result(timeout=60)
    with pytest.raises(ValueError, match="sampler handle"):
        tinker.SamplingClient.from_sampler_handle("bm90IGEgaGFuZGxl")


def test_sample_async_takes_every_official_parameter(svc: tinker.ServiceClient) -> None:
    sc = svc.create_sampling_client(base_model=BASE_MODEL).result(timeout=60)
    prompt = tinker.ModelInput.from_ints(list(b"abcdef"))
    params = tinker.SamplingParams(max_tokens=2, seed=7)
    direct = sc.sample(prompt, 1, params, True, prompt_logprobs_last_n=2).result(timeout=60)

    async def run() -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            return await sc.sample_async(prompt, 1, params, True, 0, 0, None, 0, 2)

    positional = asyncio.run(run())
    assert positional.prompt_logprobs == pytest.approx(direct.prompt_logprobs, nan_ok=True)
    assert sum(lp is not None for lp in positional.prompt_logprobs) == 2


# ---------------------------------------------------------------------------- REST and admin


def test_get_telemetry_of_rest_and_admin_clients(
    svc: tinker.ServiceClient, trained: Any, rest: Any, local: Any
) -> None:
    telemetry = svc.get_telemetry()
    assert telemetry is not None  # the session started (by the training client) with telemetry on
    assert tinker.RestClient(_holder=svc.holder).get_telemetry() is telemetry
    assert tinker.AdminClient(_holder=svc.holder).get_telemetry() is telemetry
    assert rest.get_telemetry() is None  # session-less
    assert tinker.AdminClient(base_url=local.base_url, api_key=KEY).get_telemetry() is None


def test_checkpoint_storage_usage(svc: tinker.ServiceClient, trained: Any, rest: Any, local: Any) -> None:
    admin = tinker.AdminClient(base_url=local.base_url, api_key=KEY)
    with pytest.warns(FutureWarning, match="AdminClient"):
        via_rest = rest.get_current_checkpoint_storage_usage().result(timeout=30)
    direct = admin.get_current_checkpoint_storage_usage().result(timeout=30)
    assert via_rest == direct
    assert sum(row.checkpoint_count for row in direct.data) >= 1
    assert all(row.size_bytes > 0 for row in direct.data)

    async def run() -> tuple[Any, Any]:
        with pytest.warns(FutureWarning):
            a = await rest.get_current_checkpoint_storage_usage_async()
        with pytest.warns(FutureWarning):
            b = await admin.get_current_checkpoint_storage_usage_async(project_id="no-such-project")
        return a, b

    a, b = asyncio.run(run())
    assert a == direct and b.data == []


def test_session_project_and_trace_async_twins(svc: tinker.ServiceClient, trained: Any, rest: Any, local: Any) -> None:
    session_id = svc.holder.session_id
    assert session_id is not None

    async def run() -> str:
        with pytest.warns(FutureWarning, match="assign_session_project"):
            assert await rest.assign_session_project_async(session_id, "proj-surface") is None
        with pytest.warns(FutureWarning, match="export_session_trace"):
            return await rest.export_session_trace_async(session_id, 0.05)

    url = asyncio.run(run())
    usage = (
        tinker.AdminClient(base_url=local.base_url, api_key=KEY)
        .get_current_checkpoint_storage_usage("proj-surface")
        .result(timeout=30)
    )
    assert [row.project_id for row in usage.data] == ["proj-surface"]
    assert usage.data[0].checkpoint_count >= 1
    trace = httpx.get(url, timeout=30)
    assert trace.status_code == 200 and session_id in trace.text


def test_weights_async_twins(trained: Any, rest: Any) -> None:
    tc, ckpt = trained
    external = tc.save_weights_external("surface-ext").result(timeout=60).path

    async def run() -> tuple[Any, str]:
        with pytest.warns(FutureWarning, match="get_external_weights_urls"):
            urls = await rest.get_external_weights_urls_async(external)
        with pytest.warns(FutureWarning, match="copy_weights"):
            copied = await rest.copy_weights_async(ckpt, "proj-copy", ttl_seconds=3600)
        return urls, copied

    urls, copied = asyncio.run(run())
    assert urls.urls and all(str(u).startswith("http") for u in urls.urls.values())
    assert copied.startswith("tinker://") and copied != ckpt
    assert rest.get_weights_info_by_tinker_path(copied).result(timeout=30) is not None


def test_admin_data_async_twins_on_rest_client(trained: Any, rest: Any) -> None:
    now = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)

    async def run() -> tuple[Any, Any]:
        with pytest.warns(FutureWarning, match="AdminClient"):
            audit = await rest.get_audit_log_async("checkpoints", now.date())
        with pytest.warns(FutureWarning, match="AdminClient"):
            billing = await rest.get_billing_usage_async(now - dt.timedelta(hours=1), now + dt.timedelta(hours=1))
        return audit, billing

    audit, billing = asyncio.run(run())
    assert isinstance(audit, types.AuditLogResponse) and audit.entries
    assert isinstance(billing, types.BillingUsageResponse)


# ---------------------------------------------------------------------------- tinker.auth


def test_auth_credentials_lookup(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert tinker.auth.get_tinker_token() is None
    assert tinker.auth.tinker_has_credentials() is False
    monkeypatch.setenv("TINKER_CREDENTIAL_CMD", "exit 1")  # counts, and is not run
    assert tinker.auth.tinker_has_credentials() is True
    assert tinker.auth.get_tinker_token() is None
    monkeypatch.delenv("TINKER_CREDENTIAL_CMD")
    (tmp_path / ".tinker").mkdir()
    (tmp_path / ".tinker" / "credentials.json").write_text(
        json.dumps({"default": "k", "keys": {"k": {"key": "tml-stored"}}})
    )
    assert tinker.auth.get_tinker_token() == "tml-stored"
    monkeypatch.setenv("TINKER_API_KEY", "tml-env")
    assert tinker.auth.get_tinker_token() == "tml-env"
    assert tinker.auth.tinker_has_credentials() is True


def test_raise_if_tinker_not_accessible(monkeypatch: pytest.MonkeyPatch, tmp_path: Any, local: Any) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("TINKER_BASE_URL", local.base_url)
    with pytest.raises(tinker.TinkerError, match="credential"):
        tinker.auth.raise_if_tinker_not_accessible()
    monkeypatch.setenv("TINKER_API_KEY", KEY)
    assert tinker.auth.raise_if_tinker_not_accessible() is None
    monkeypatch.setenv("TINKER_API_KEY", "tml-wrong-key")
    with pytest.raises(tinker.AuthenticationError):
        tinker.auth.raise_if_tinker_not_accessible()
    monkeypatch.setenv("TINKER_BASE_URL", f"http://127.0.0.1:{_closed_port()}")
    with pytest.raises(tinker.APIConnectionError):
        tinker.auth.raise_if_tinker_not_accessible()


# ---------------------------------------------------------------------------- raw responses


def test_api_response_wraps_a_server_reply(local: Any) -> None:
    url = local.base_url + "/api/v1/get_server_capabilities"
    raw = httpx.get(url, headers={"X-API-Key": KEY}, timeout=30)
    resp: tinker.APIResponse[Any] = tinker.APIResponse(
        raw=raw, cast_to=types.GetServerCapabilitiesResponse, client=None, stream=False, stream_cls=None, options={}
    )
    caps = resp.parse()
    assert BASE_MODEL in [m.model_name for m in caps.supported_models]
    assert resp.parse() is caps  # parsed once per target
    assert resp.parse(to=dict)["supported_models"] == resp.json()["supported_models"]  # type: ignore[index]
    assert resp.parse(to=str) == resp.text() and resp.parse(to=bytes) == resp.read()
    assert resp.parse(to=httpx.Response) is raw
    assert (resp.status_code, resp.method, str(resp.url)) == (200, "GET", url)
    assert resp.headers["content-type"].startswith("application/json") and resp.http_request is raw.request
    assert b"".join(resp.iter_bytes()) == raw.content and resp.elapsed.total_seconds() >= 0


def test_async_api_response_wraps_a_server_reply(local: Any) -> None:
    async def run() -> tuple[Any, Any, list[str]]:
        async with httpx.AsyncClient(base_url=local.base_url, headers={"X-API-Key": KEY}, timeout=30) as client:
            raw = await client.get("/api/v1/get_server_capabilities")
            resp = tinker.AsyncAPIResponse(
                raw=raw,
                cast_to=types.GetServerCapabilitiesResponse,
                client=None,
                stream=False,
                stream_cls=None,
                options={},
            )
            caps = await resp.parse()
            lines = [line async for line in resp.iter_lines()]
            await resp.close()
            return caps, await resp.json(), lines

    caps, body, lines = asyncio.run(run())
    assert BASE_MODEL in [m.model_name for m in caps.supported_models]
    assert body["supported_models"] and lines and json.loads("".join(lines)) == body


def test_request_options_is_a_typed_dict() -> None:
    options: tinker.RequestOptions = {"timeout": 5.0, "max_retries": 1, "headers": {"X-Trace": "1"}}
    assert options["max_retries"] == 1
    assert tinker.RequestOptions.__required_keys__ == frozenset()


# ---------------------------------------------------------------------------- exceptions


def _status_response(code: int) -> httpx.Response:
    return httpx.Response(code, request=httpx.Request("GET", "http://x/api"), json={"detail": "no"})


@pytest.mark.parametrize(
    ("cls", "code"),
    [
        (tinker.BadRequestError, 400),
        (tinker.NotFoundError, 404),
        (tinker.RateLimitError, 429),
        (tinker.InternalServerError, 503),
        (tinker.APIStatusError, 418),
    ],
)
def test_status_errors_positional_and_keyword(cls: type[tinker.APIStatusError], code: int) -> None:
    resp = _status_response(code)
    positional = cls("denied", resp, {"detail": "no"})
    keyword = cls("denied", response=resp, body={"detail": "no"})
    for exc in (positional, keyword):
        assert (exc.message, exc.status_code, exc.body, exc.response) == ("denied", code, {"detail": "no"}, resp)
        assert exc.request is resp.request and str(exc) == "denied"
    again = pickle.loads(pickle.dumps(positional))
    assert type(again) is cls and (again.message, again.status_code) == ("denied", code)


def test_connection_and_validation_errors_positional_and_keyword() -> None:
    request = httpx.Request("POST", "http://x/api")
    assert tinker.APIConnectionError(request).message == "Connection error."
    assert tinker.APIConnectionError(request, "refused").message == "refused"
    assert tinker.APIConnectionError(message="refused", request=request).request is request
    timeout = tinker.APITimeoutError(request)
    assert isinstance(timeout, tinker.APIConnectionError) and timeout.message == "Request timed out."
    resp = _status_response(200)
    for exc in (
        tinker.APIResponseValidationError(resp, {"a": 1}, "bad shape"),
        tinker.APIResponseValidationError(resp, {"a": 1}, message="bad shape"),
    ):
        assert (exc.message, exc.body, exc.status_code, exc.request) == ("bad shape", {"a": 1}, 200, resp.request)
    assert tinker.APIResponseValidationError(resp, None).message.startswith("Data returned by API invalid")
    assert pickle.loads(pickle.dumps(tinker.APIConnectionError(request, "refused"))).message == "refused"
