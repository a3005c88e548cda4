"""The SDK against servers that read only JSON, imitated by the local server's ``--wire json`` mode (no client
config, a bare 500 on protobuf bodies, FastAPI-style 422s, naive timestamps)."""

from __future__ import annotations

import logging

import httpx
import orjson
import pytest

import tinker
from tests.helpers import local_server_fixture, make_service, text_datum
from tinker import _holder, types
from tinker._transport import Transport

KEY = "tml-json-only"
server = local_server_fixture(scope="module", wire="json", retrieve_timeout_s=2.0)
protobuf_server = local_server_fixture(name="protobuf_server", scope="module", retrieve_timeout_s=2.0)


@pytest.fixture(autouse=True)
def _forget_servers(monkeypatch):
    # The verdict is per server and process: start every test undecided.
    monkeypatch.setattr(_holder, "_JSON_ONLY", {})
    monkeypatch.setattr(_holder, "_PROTOBUF_OK", set())


def _requests(caplog_records, path: str) -> int:
    return sum(path in r.getMessage() for r in caplog_records)


def test_the_imitation_has_the_habits_of_such_servers(server):
    with httpx.Client(base_url=server.base_url, headers={"X-API-Key": KEY}) as c:
        assert c.post("/api/v1/client/config", json={"sdk_version": "0.38.0"}).status_code == 404
        r = c.post("/api/v1/forward_backward", content=b"\x0a\x00", headers={"Content-Type": "application/x-protobuf"})
        assert (r.status_code, r.text) == (500, "Internal Server Error")
        r = c.post("/api/v1/create_session", json={"tags": [], "sdk_version": 5})
        assert r.status_code == 422 and isinstance(r.json()["detail"], list) and r.json()["detail"][0]["loc"]


def test_training_and_sampling_loop_completes_over_json(server, caplog):
    caplog.set_level(logging.INFO, logger="tinker")
    service = make_service(server.base_url, api_key=KEY)
    try:
        training = service.create_lora_training_client(base_model="tinker-local/tiny-byte", rank=8).result()
        data = [text_datum("abababab"), text_datum("hello world")]
        first = training.forward_backward(data, "cross_entropy").result().metrics["loss:sum"]
        for _ in range(10):  # a small step size: the loss falls on every LoRA initialisation
            training.optim_step(types.AdamParams(learning_rate=1e-2)).result()
            last = training.forward_backward(data, "cross_entropy").result().metrics["loss:sum"]
        assert last < first
        fwd = training.forward(data, "cross_entropy").result()
        assert len(fwd.loss_fn_outputs) == 2
        sampler = training.save_weights_and_get_sampling_client().result()
        out = sampler.sample(
            types.ModelInput.from_ints(list(b"abab")), num_samples=2, sampling_params=types.SamplingParams(max_tokens=4)
        ).result()
        assert len(out.sequences) == 2
        runs = service.create_rest_client().list_training_runs().result()
        assert runs.training_runs and runs.training_runs[0].last_request_time.tzinfo is None  # naive, accepted
    finally:
        service.close()
    decided = [r for r in caplog.records if "JSON training bodies" in r.getMessage()]
    assert len(decided) == 1 and "no client config (HTTP 404)" in decided[0].getMessage()
    assert decided[0].levelno == logging.INFO


def test_a_500_on_the_first_protobuf_body_switches_to_json_once(server, caplog, monkeypatch):
    # A server with a client config that still crashes on protobuf: only the first body is spent finding out.
    monkeypatch.setattr(_holder.ServerConfig, "from_json", classmethod(lambda cls, body: cls()))
    real_config = _holder.ClientHolder.server_config

    async def config_present(self):
        if self._server_config is None:
            self._server_config = _holder.ServerConfig()
        return await real_config(self)

    monkeypatch.setattr(_holder.ClientHolder, "server_config", config_present)
    caplog.set_level(logging.INFO, logger="tinker")
    sent: list[str] = []
    original = Transport._send_guarded

    async def counting(self, request, *args, **kw):
        if request.url.path.endswith("/forward_backward"):
            sent.append(request.headers.get("content-type", ""))
        return await original(self, request, *args, **kw)

    monkeypatch.setattr(Transport, "_send_guarded", counting)
    service = make_service(server.base_url, api_key=KEY)
    try:
        training = service.create_lora_training_client(base_model="tinker-local/tiny-byte", rank=4).result()
        for _ in range(3):
            training.forward_backward([text_datum("abc")], "cross_entropy").result()
    finally:
        service.close()
    assert sent == ["application/x-protobuf", "application/json", "application/json", "application/json"]
    warned = [r for r in caplog.records if "JSON training bodies" in r.getMessage()]
    assert len(warned) == 1 and "HTTP 500" in warned[0].getMessage() and warned[0].levelno == logging.WARNING


def test_a_protobuf_server_keeps_protobuf(protobuf_server, caplog):
    caplog.set_level(logging.INFO, logger="tinker")
    service = make_service(protobuf_server.base_url, api_key=KEY)
    try:
        training = service.create_lora_training_client(base_model="tinker-local/tiny-byte", rank=4).result()
        training.forward_backward([text_datum("abc")], "cross_entropy").result()
    finally:
        service.close()
    assert protobuf_server.base_url.rstrip("/") in _holder._PROTOBUF_OK
    assert not _holder._JSON_ONLY and not any("JSON training bodies" in r.getMessage() for r in caplog.records)
    assert isinstance(tinker.__version__, str)


def test_a_list_shaped_422_reads_as_field_and_message() -> None:
    from tinker._transport import _status_error

    body = {"detail": [{"loc": ["body", "sdk_version"], "msg": "Input should be a valid string", "type": "x"}]}
    resp = httpx.Response(422, json=body, request=httpx.Request("POST", "http://s/api/v1/create_session"))
    err = _status_error(resp, "create_session", None)
    assert "body.sdk_version: Input should be a valid string" in str(err)
    assert err.body == body  # the original detail stays available


def _one_datum_chunks(monkeypatch, parallel: bool) -> list[tuple[str, int]]:
    """Chunks of one datum each (``parallel`` as the server's flag); returns the log of forward_backward
    bodies sent: (content type, seq_id or -1 for protobuf)."""
    cfg = _holder.ServerConfig(fwdbwd_max_chunk_len=1, parallel_fwdbwd_chunks=parallel)
    monkeypatch.setattr(_holder.ClientHolder, "cached_server_config", lambda self: cfg)
    sent: list[tuple[str, int]] = []
    original = Transport._send_guarded

    async def counting(self, request, *args, **kw):
        if request.url.path.endswith("/forward_backward"):
            kind = request.headers.get("content-type", "")
            sent.append((kind, orjson.loads(request.content)["seq_id"] if kind == "application/json" else -1))
        return await original(self, request, *args, **kw)

    monkeypatch.setattr(Transport, "_send_guarded", counting)
    return sent


@pytest.mark.parametrize("parallel", [True, False])
def test_a_chunk_json_cannot_carry_fails_the_call_before_anything_is_sent(server, monkeypatch, parallel):
    # NaN goes in protobuf but not in JSON: to a JSON-only server the batch is refused at the call, before its
    # seq_ids are reserved; the chunks before the bad one used to go out, and the next call waited on the gap.
    sent = _one_datum_chunks(monkeypatch, parallel)
    service = make_service(server.base_url, api_key=KEY)
    try:
        training = service.create_lora_training_client(base_model="tinker-local/tiny-byte", rank=4).result()
        training.forward_backward([text_datum("warm")], "cross_entropy").result()  # finds out: JSON only
        sent.clear()
        bad = text_datum("abc", weights=[1.0, float("nan")])
        with pytest.raises(ValueError, match=r"data\[2\]\.loss_fn_inputs\['weights'\].*NaN"):
            training.forward_backward([text_datum("hello"), text_datum("world"), bad], "cross_entropy")
        assert sent == []
        training.forward_backward([text_datum("after")], "cross_entropy").result(timeout=30)
    finally:
        service.close()


def _config_present_first(monkeypatch, parallel: bool) -> None:
    """The server has a client config (one datum per chunk) yet refuses protobuf: the first call finds out."""
    monkeypatch.setattr(_holder.ServerConfig, "from_json", classmethod(lambda cls, body: cls()))
    real_config = _holder.ClientHolder.server_config

    async def config_present(self):
        if self._server_config is None:
            self._server_config = _holder.ServerConfig(fwdbwd_max_chunk_len=1, parallel_fwdbwd_chunks=parallel)
        return await real_config(self)

    monkeypatch.setattr(_holder.ClientHolder, "server_config", config_present)


@pytest.mark.parametrize("parallel", [True, False])
def test_the_first_call_switching_to_json_resends_each_chunk_from_its_datums(server, monkeypatch, parallel):
    _config_present_first(monkeypatch, parallel)
    sent = _one_datum_chunks(monkeypatch, parallel)
    service = make_service(server.base_url, api_key=KEY)
    try:
        training = service.create_lora_training_client(base_model="tinker-local/tiny-byte", rank=4).result()
        texts = ["abcdefgh", "ijklmnop", "qrstuvwx"]
        out = training.forward_backward([text_datum(t) for t in texts], "cross_entropy").result()
        json_ids = sorted(seq for kind, seq in sent if kind == "application/json")
        assert [kind for kind, _ in sent].count("application/x-protobuf") == 1 and len(json_ids) == 3
        assert json_ids == list(range(json_ids[0], json_ids[0] + 3))
        # each datum's own logprobs: the same as a forward of that datum alone
        alone = [training.forward([text_datum(t)], "cross_entropy").result() for t in texts]
        assert [o["logprobs"].tolist() for o in out.loss_fn_outputs] == [
            a.loss_fn_outputs[0]["logprobs"].tolist() for a in alone
        ]
    finally:
        service.close()


@pytest.mark.parametrize("parallel", [True, False])
def test_the_first_call_switching_to_json_sends_no_chunk_when_one_cannot_go(server, monkeypatch, parallel):
    _config_present_first(monkeypatch, parallel)
    sent = _one_datum_chunks(monkeypatch, parallel)
    service = make_service(server.base_url, api_key=KEY)
    try:
        training = service.create_lora_training_client(base_model="tinker-local/tiny-byte", rank=4).result()
        bad = text_datum("abc", weights=[1.0, float("nan")])
        with pytest.raises(ValueError, match=r"data\[2\]\.loss_fn_inputs\['weights'\].*NaN"):
            training.forward_backward([text_datum("hello"), text_datum("world"), bad], "cross_entropy").result()
        assert sent == [("application/x-protobuf", -1)]  # the probe only
    finally:
        service.close()
