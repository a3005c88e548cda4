"""Record and replay (tinker.testing.record / replay, TINKER_RECORD / TINKER_REPLAY) against a real local server:
bit-for-bit replays with the server stopped and the network cut, no credentials in the file, the traffic that
varies between runs absorbed, and loud misses."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import tinker
from tinker import types
from tinker.testing import CassetteMissError, Fault, FaultProxy, TinkerServer, record, replay, service_client

from .sft import BASE_MODEL, Run, train

ROOT = Path(__file__).resolve().parents[2]
PROMPT = types.ModelInput.from_ints(list(b"The quick"))


def _cut_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"replay touched the network: {args[1:]!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def _exchanges(cassette: Path) -> list[dict[str, Any]]:
    header, *lines = cassette.read_text().splitlines()
    assert json.loads(header)["format"] == "tinker-cassette/1"
    return [json.loads(line) for line in lines]


# A fresh interpreter replays with TINKER_REPLAY alone: no server, no key, sockets refused.
_REPLAY_IN_A_NEW_PROCESS = """
import dataclasses, json, socket, sys
def refuse(*args, **kwargs):
    raise AssertionError("replay touched the network")
socket.socket.connect = socket.socket.connect_ex = socket.getaddrinfo = refuse
import tinker
from tests.testing.sft import train
with tinker.ServiceClient() as service:
    print(json.dumps(dataclasses.asdict(train(service))))
"""


def test_a_recorded_loop_replays_bit_for_bit_with_the_server_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cassette = tmp_path / "sft.jsonl"
    with TinkerServer() as server:
        started = time.monotonic()
        with record(cassette), service_client(server.base_url) as service:
            live = train(service)
        live_s = time.monotonic() - started
    assert not server.running
    assert live.losses[-1] < live.losses[0]

    env = {k: v for k, v in os.environ.items() if not k.startswith("TINKER_")}
    proc = subprocess.run(
        [sys.executable, "-c", _REPLAY_IN_A_NEW_PROCESS],
        env={**env, "TINKER_REPLAY": str(cassette), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert Run(**json.loads(proc.stdout)) == live

    _cut_the_network(monkeypatch)
    started = time.monotonic()
    with replay(cassette), tinker.ServiceClient(base_url=server.base_url) as service:
        replayed = train(service)
    replay_s = time.monotonic() - started
    assert replayed == live  # the same float bits: the same bytes were decoded
    assert replay_s < live_s, f"replay {replay_s:.3f} s, live {live_s:.3f} s"


def test_replay_absorbs_the_traffic_that_varies_between_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cassette = tmp_path / "faulty.jsonl"
    monkeypatch.setattr(tinker._holder, "HEARTBEAT_INTERVAL", 0.05)
    with TinkerServer() as server, FaultProxy(server.base_url) as proxy:
        proxy.inject(
            Fault.http_status(408, "retrieve_future", times=3),  # "not yet": polled again
            Fault.http_status(503, "retrieve_future", skip=3, times=2),
            Fault.http_status(429, "forward_backward", skip=1, retry_after=0.01),
            Fault.drop("optim_step", skip=1),  # the reply is lost: retried, the server deduplicates
        )
        with record(cassette), service_client(proxy.base_url) as service:
            live = train(service)
            time.sleep(0.2)  # a few heartbeats
        assert not proxy.unfired()
    held = _exchanges(cassette)
    statuses = Counter((x["op"], x["response"]["status"]) for x in held)
    assert statuses[("retrieve_future", 408)] == 3 and statuses[("retrieve_future", 503)] == 2
    assert statuses[("forward_backward", 429)] == 1 and statuses[("session_heartbeat", 200)] >= 2
    assert statuses[("send_telemetry", 200)] >= 1
    keys = [k for x in held if (k := x["request"]["headers"].get("x-idempotency-key"))]
    assert len(set(keys)) < len(keys), "a retried request carries its idempotency key again"
    assert {x["request"]["headers"].get("x-stainless-retry-count") for x in held} >= {"0", "1"}

    # Replay: no faults, more heartbeats than recorded, new idempotency keys; the same run.
    monkeypatch.setattr(tinker._holder, "HEARTBEAT_INTERVAL", 0.01)
    _cut_the_network(monkeypatch)
    with replay(cassette), tinker.ServiceClient() as service:
        assert train(service) == live
        time.sleep(0.1)


def test_cassettes_never_hold_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cassette = tmp_path / "secret.jsonl"
    secrets = ["sk-secret-123", "Bearer tok-789", "sid=cookie-000", "cf-secret-456", "wat-secret-321"]
    monkeypatch.setenv("CLOUDFLARE_ACCESS_CLIENT_SECRET", "cf-secret-456")
    headers = {"Authorization": "Bearer tok-789", "Cookie": "sid=cookie-000"}

    def run(service: tinker.ServiceClient) -> str:
        training = service.create_lora_training_client(BASE_MODEL, rank=4).result(timeout=60)
        path = training.save_state("s").result(timeout=60).path
        restored = service.create_training_client_from_state(path, weights_access_token="wat-secret-321")
        return restored.result(timeout=60).model_id

    with (
        TinkerServer() as server,
        record(cassette),
        service_client(server.base_url, api_key=secrets[0], default_headers_overrides=headers) as service,
    ):
        live = run(service)
    text = cassette.read_text()
    assert not [s for s in secrets if s in text]
    sent = _exchanges(cassette)
    for name in ("x-api-key", "authorization", "cookie", "cf-access-client-secret"):
        assert {x["request"]["headers"][name] for x in sent} == {"<redacted>"}, name
    load = next(x for x in sent if x["op"] == "load_weights")
    assert load["request"]["body"]["json"]["weights_access_token"] == "<redacted>"

    # The redacted cassette still replays (secrets are compared redacted), under any credential.
    with replay(cassette), tinker.ServiceClient(api_key="another-key") as service:
        assert run(service) == live


def test_streamed_samples_replay_also_one_the_loop_left_early(tmp_path: Path) -> None:
    cassette = tmp_path / "stream.jsonl"
    params = types.SamplingParams(max_tokens=12, temperature=0.7)

    def stream(service: tinker.ServiceClient) -> tuple[list[Any], list[Any]]:
        sampler = service.create_sampling_client(base_model=BASE_MODEL).result(timeout=60)
        whole = [(e.type, e.sample_index, e.token_id, e.logprob) for e in sampler.sample_stream(PROMPT, 2, params)]
        left = sampler.sample_stream(PROMPT, 1, params)
        first = []
        for event in left:
            first.append((event.type, event.token_id))
            if len(first) == 3:
                break
        left.close()
        return whole, first

    with TinkerServer(stream_token_delay_s=0.01) as server, record(cassette), service_client(server.base_url) as s:
        live = stream(s)
    assert [x["op"] for x in _exchanges(cassette)].count("stream_sample") == 2
    with replay(cassette), tinker.ServiceClient() as service:
        assert stream(service) == live


def test_a_request_the_cassette_does_not_hold_fails_loudly(tmp_path: Path) -> None:
    cassette = tmp_path / "short.jsonl"

    def step(service: tinker.ServiceClient, learning_rate: float) -> None:
        training = service.create_lora_training_client(BASE_MODEL, rank=4).result(timeout=60)
        training.optim_step(types.AdamParams(learning_rate=learning_rate)).result(timeout=60)

    with TinkerServer() as server, record(cassette), service_client(server.base_url) as service:
        step(service, 0.01)

    with replay(cassette), tinker.ServiceClient() as service:
        with pytest.raises(CassetteMissError) as changed:
            step(service, 0.02)
        with pytest.raises(CassetteMissError) as absent:
            service.create_sampling_client(base_model=BASE_MODEL).result(timeout=60)
    message = str(changed.value)
    assert f"cassette {cassette} holds no answer for optim_step (POST /api/v1/optim_step)" in message
    assert "adam_params.learning_rate: recorded 0.01, sent 0.02" in message
    assert f"TINKER_RECORD={cassette}" in message
    message = str(absent.value)
    assert "holds no create_sampling_session request at all" in message
    assert "create_model x1" in message and "optim_step x1" in message


def test_cassette_mistakes_name_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "missing.jsonl"
    with replay(missing), pytest.raises(FileNotFoundError, match=f"record one first with TINKER_RECORD={missing}"):
        tinker.ServiceClient()
    junk = tmp_path / "junk.jsonl"
    junk.write_text('{"format": "something else"}\n')
    with replay(junk), pytest.raises(ValueError, match="not a Tinker cassette"):
        tinker.ServiceClient()
    monkeypatch.setenv("TINKER_RECORD", str(tmp_path / "a.jsonl"))
    monkeypatch.setenv("TINKER_REPLAY", str(tmp_path / "b.jsonl"))
    with pytest.raises(ValueError, match="TINKER_RECORD and TINKER_REPLAY are both set"):
        tinker.ServiceClient(api_key="k")


def test_bodies_are_stored_readably_and_exactly() -> None:
    from tinker.testing._cassette import decode_body, encode_body

    cases = {
        b'{"a":1,"b":[1.5,null]}': ("application/json", "json"),
        b'{"a": 1}': ("application/json", "text"),  # not orjson's bytes: kept as sent
        b"data: {}\n\n": ("text/event-stream", "text"),
        b"\n\x1dsess:train:0\x10\x01\xff": ("application/x-protobuf", "base64"),
    }
    for body, (content_type, form) in cases.items():
        stored = encode_body(body, content_type)
        assert stored is not None and list(stored) == [form]
        assert decode_body(json.loads(json.dumps(stored))) == body
    assert encode_body(b"", "application/json") is None
