"""The network backends behind the transport seam (``TINKER_HTTP_BACKEND``): pyqwest (default) and httpx give
the same results, and pyqwest's failures reach the retry loop as the httpx errors it classifies."""

from __future__ import annotations

import asyncio
import gzip
import http.server
import socket
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import tinker
from tests.helpers import local_server_fixture, make_service
from tinker import types
from tinker._config import STREAM_EXTENSION
from tinker._http_pyqwest import PyqwestTransport
from tinker._transport import network_transport

KEY = "tml-backend-test"
MODEL = "tinker-local/tiny-byte"
server = local_server_fixture()


@pytest.mark.parametrize("backend", ["pyqwest", "httpx"])
def test_each_backend_trains_and_samples_the_same(server: Any, monkeypatch: pytest.MonkeyPatch, backend: str) -> None:
    monkeypatch.setenv("TINKER_HTTP_BACKEND", backend)
    with make_service(server.base_url, api_key=KEY) as service:
        kind = type(service.holder.transport._http())
        assert kind is (PyqwestTransport if backend == "pyqwest" else httpx.AsyncHTTPTransport)
        training = service.create_lora_training_client(base_model=MODEL, rank=4, seed=3).result()
        tokens = list(b"backends agree")
        datum = types.Datum(
            model_input=types.ModelInput.from_ints(tokens[:-1]),
            loss_fn_inputs={"target_tokens": tokens[1:], "weights": [1.0] * (len(tokens) - 1)},
        )
        loss = training.forward_backward([datum], "cross_entropy").result().metrics["loss:sum"]
        sampler = training.save_weights_and_get_sampling_client().result()
        params = types.SamplingParams(max_tokens=4, seed=11)
        out = sampler.sample(types.ModelInput.from_ints(tokens[:5]), 2, params).result()
        stream = sampler.sample_stream(types.ModelInput.from_ints(tokens[:5]), 1, params)
        streamed = [ev.token_id for ev in stream if ev.type == "token"]
    # the same seeds on a fresh model: the values are the backend-independent ones of the first run
    _SEEN.setdefault("loss", loss)
    _SEEN.setdefault("tokens", [s.tokens for s in out.sequences])
    _SEEN.setdefault("streamed", streamed)
    assert (loss, [s.tokens for s in out.sequences], streamed) == (_SEEN["loss"], _SEEN["tokens"], _SEEN["streamed"])
    assert streamed == out.sequences[0].tokens


_SEEN: dict[str, Any] = {}


def test_an_unknown_backend_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TINKER_HTTP_BACKEND", "curl")
    with pytest.raises(ValueError, match=r"TINKER_HTTP_BACKEND must be one of pyqwest, httpx, got 'curl'"):
        tinker.ServiceClient(base_url="http://127.0.0.1:9", api_key=KEY)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _send(transport: httpx.AsyncBaseTransport, request: httpx.Request) -> httpx.Response:
    async def go() -> httpx.Response:
        try:
            response = await transport.handle_async_request(request)
            await response.aread()
            return response
        finally:
            await transport.aclose()

    return asyncio.run(go())


def test_a_refused_connection_is_an_httpx_connect_error() -> None:
    request = httpx.Request("GET", f"http://127.0.0.1:{_free_port()}/x")
    with pytest.raises(httpx.ConnectError):
        _send(network_transport("pyqwest"), request)


class _Slow(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/slow":
            threading.Event().wait(2.0)
        body = gzip.compress(b"tinker " * 200)
        self.send_response(200)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Twice", "a")
        self.send_header("X-Twice", "b")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def plain_server() -> Iterator[str]:
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{srv.server_port}"
    finally:
        srv.shutdown()


@pytest.mark.parametrize("streamed", [False, True])
def test_a_compressed_body_is_decoded_once_and_repeated_headers_kept(plain_server: str, streamed: bool) -> None:
    request = httpx.Request("GET", plain_server + "/fast", headers={"Accept-Encoding": "gzip"})
    if streamed:
        request.extensions[STREAM_EXTENSION] = True
    for backend in ("pyqwest", "httpx"):
        response = _send(network_transport(backend), request)
        assert response.status_code == 200 and response.content == b"tinker " * 200, backend
        assert response.headers.get_list("x-twice") == ["a", "b"], backend


def test_the_request_budget_bounds_the_exchange(plain_server: str) -> None:
    request = httpx.Request(
        "GET", plain_server + "/slow", extensions={"timeout": httpx.Timeout(0.3, connect=1.0).as_dict()}
    )
    with pytest.raises(httpx.ReadTimeout):
        _send(network_transport("pyqwest"), request)
    # no read budget: the slow answer arrives
    request = httpx.Request(
        "GET", plain_server + "/slow", extensions={"timeout": httpx.Timeout(None, connect=1.0).as_dict()}
    )
    assert _send(network_transport("pyqwest"), request).status_code == 200


def test_the_sdk_reports_a_dead_server_as_a_connection_error() -> None:
    policy = tinker.RetryConfig(max_attempts=2, retry_delay_base=0.01, retry_delay_max=0.01)
    service = make_service(f"http://127.0.0.1:{_free_port()}", policy, api_key=KEY)
    with service, pytest.raises(tinker.APIConnectionError) as caught:
        service.create_rest_client().get_server_capabilities().result()
    assert KEY not in str(caught.value)
