"""Telemetry: session start/end reach the server, opt-out works, and no credential is ever sent in it."""

from __future__ import annotations

import httpx
import pytest

import tinker

from .conftest import BASE_MODEL

KEY = "tml-telemetry-SECRET-91b2"


class _Recorder(httpx.AsyncBaseTransport):
    """Forwards to the real server and keeps the bodies of telemetry requests."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.bodies: list[bytes] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/api/v1/telemetry"):
            self.bodies.append(await request.aread())
        return await self.inner.handle_async_request(request)


def _run_session(server: object, recorder: _Recorder) -> None:
    service = tinker.ServiceClient(base_url=server.base_url, api_key=KEY, _http_transport=recorder)  # type: ignore[attr-defined]
    service.create_sampling_client(base_model=BASE_MODEL).result()
    service.close().result(timeout=30)


def test_session_start_and_end_are_sent_without_credentials(server: object) -> None:
    recorder = _Recorder()
    _run_session(server, recorder)
    sent = b"".join(recorder.bodies)
    assert b"SESSION_START" in sent and b"SESSION_END" in sent
    assert KEY.encode() not in sent


def test_telemetry_opt_out(server: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TINKER_TELEMETRY", "0")
    recorder = _Recorder()
    _run_session(server, recorder)
    assert recorder.bodies == []
