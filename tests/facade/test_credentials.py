"""The API key is sent as X-API-Key and never shows up in reprs, exception messages or log records."""

from __future__ import annotations

import logging
import pickle

import httpx
import pytest
from fake_tinker import API_KEY, BASE_MODEL, FakeServer, bare, datum, make_rest, make_service, status

import tinker
from tinker._config import ClientSettings
from tinker._transport import Transport


def test_key_is_sent_as_x_api_key_on_every_request(training, sampling, server: FakeServer) -> None:
    training.forward_backward([datum()], "cross_entropy").result(timeout=10)
    sampling.sample(tinker.ModelInput.from_ints([1, 2]), 1, tinker.SamplingParams(max_tokens=2)).result(timeout=10)
    assert len(server.requests) > 8
    for r in server.requests:
        assert r.header("x-api-key") == API_KEY, r.path
        assert r.header("authorization") is None


def test_reprs_do_not_show_the_key(service: tinker.ServiceClient, training, sampling, rest) -> None:
    settings = ClientSettings.resolve(
        base_url="http://fake",
        api_key=API_KEY,
        default_headers={"Authorization": f"Bearer {API_KEY}", "X-API-Key": API_KEY},
    )
    transport = Transport(settings)
    admin = tinker.AdminClient(rest.holder)
    for obj in (
        service,
        training,
        sampling,
        rest,
        admin,
        settings,
        transport,
        settings.api_key,
        service._settings,
        service.holder.transport,
    ):
        assert API_KEY not in repr(obj), type(obj).__name__
        assert API_KEY not in str(obj) or isinstance(obj, str), type(obj).__name__
    # the key itself still works as a string
    assert str(settings.api_key) == API_KEY


def _key_free(exc: BaseException) -> None:
    assert API_KEY not in str(exc)
    assert API_KEY not in repr(exc)
    assert API_KEY not in repr(exc.args)
    assert API_KEY.encode() not in pickle.dumps(exc)


@pytest.mark.parametrize(
    "reply, cls",
    [
        (status(401, {"detail": "invalid API key"}), tinker.AuthenticationError),
        (status(403, {"detail": "forbidden"}), tinker.PermissionDeniedError),
        (bare(422), tinker.UnprocessableEntityError),
        (httpx.ConnectError("connection refused"), tinker.APIConnectionError),
    ],
)
def test_failed_call_exceptions_do_not_show_the_key(server: FakeServer, reply, cls) -> None:
    rest = make_rest(server, retry_config=tinker.RetryConfig(max_attempts=1))
    server.rest_reply = reply
    with pytest.raises(cls) as info:
        rest.list_sessions().result(timeout=10)
    _key_free(info.value)
    # the attached request really did carry the key (so the redaction is not vacuous)
    if isinstance(info.value, tinker.APIStatusError):
        assert info.value.response.request.headers["x-api-key"] == API_KEY
        restored = pickle.loads(pickle.dumps(info.value))
        assert restored.status_code == info.value.status_code
        assert restored.response.request.headers["x-api-key"] == "<redacted>"


def test_request_failed_and_training_errors_do_not_show_the_key(training, server: FakeServer) -> None:
    server.script_polls({"error": "boom", "category": "user"})
    with pytest.raises(tinker.RequestFailedError) as info:
        training.optim_step(tinker.AdamParams()).result(timeout=10)
    _key_free(info.value)
    server.script("/api/v1/save_weights", status(409, {"detail": "exists"}))
    with pytest.raises(tinker.ConflictError) as info2:
        training.save_state("dup").result(timeout=10)
    _key_free(info2.value)


def test_debug_logs_do_not_show_the_key(server: FakeServer, caplog: pytest.LogCaptureFixture, sleeps) -> None:
    caplog.set_level(logging.DEBUG)
    svc = make_service(server)
    server.script("/api/v1/create_session", status(503, {"detail": "warming up"}))
    server.script_polls(bare(408), status(500), httpx.ConnectError("reset"))
    tc = svc.create_lora_training_client(BASE_MODEL).result(timeout=10)
    server.script("/api/v1/forward_backward", status(502))
    tc.forward_backward([datum()], "cross_entropy").result(timeout=10)
    server.script("/api/v1/optim_step", status(401, {"detail": "bad key"}))
    with pytest.raises(tinker.AuthenticationError):
        tc.optim_step(tinker.AdamParams()).result(timeout=10)
    svc.close().result(timeout=10)
    assert any(r.levelno == logging.DEBUG for r in caplog.records)  # debug logging was on
    assert any("Retrying" in r.getMessage() for r in caplog.records)
    for r in caplog.records:
        text = r.getMessage() + repr(r.args) + (r.exc_text or "") + repr(getattr(r, "__dict__", {}))
        assert API_KEY not in text, (r.name, r.getMessage())
    assert API_KEY not in caplog.text
