"""tinker.testing.FaultProxy's declarative faults, seen from a plain HTTP client in front of a real local server."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from tinker.testing import Fault, FaultProxy, TinkerServer

KEY = {"X-API-Key": "tml-proxy-test"}
SESSION = {"tags": [], "user_metadata": {}, "sdk_version": "0.38.0", "type": "create_session"}


@pytest.fixture(scope="module")
def server() -> Iterator[TinkerServer]:
    with TinkerServer(retrieve_timeout_s=1.0) as srv:
        yield srv


@pytest.fixture
def proxy(server: TinkerServer) -> Iterator[FaultProxy]:
    with FaultProxy(server.base_url, restart=server.restart) as px:
        yield px


@pytest.fixture
def http(proxy: FaultProxy) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=proxy.base_url, headers=KEY, timeout=10) as client:
        yield client


def _capabilities(http: httpx.Client) -> httpx.Response:
    return http.get("/api/v1/get_server_capabilities")


def _session_ids(server: TinkerServer) -> set[str]:
    with httpx.Client(base_url=server.base_url, headers=KEY, timeout=10) as direct:
        return set(direct.get("/api/v1/sessions", params={"limit": 1000}).json()["sessions"])


def test_reset_closes_the_connection_before_the_server_sees_the_request(
    server: TinkerServer, proxy: FaultProxy, http: httpx.Client
) -> None:
    before = _session_ids(server)
    fault = proxy.inject(Fault.reset("create_session"))[0]
    with pytest.raises(httpx.RemoteProtocolError):
        http.post("/api/v1/create_session", json=SESSION)
    assert _session_ids(server) == before, "a reset request must never reach the server"
    assert http.post("/api/v1/create_session", json=SESSION).status_code == 200  # times=1: the next one passes
    assert fault.applied == 1 and not proxy.unfired()


def test_drop_lets_the_server_act_and_loses_its_reply(
    server: TinkerServer, proxy: FaultProxy, http: httpx.Client
) -> None:
    before = _session_ids(server)
    proxy.inject(Fault.drop("create_session"))
    with pytest.raises(httpx.RemoteProtocolError):
        http.post("/api/v1/create_session", json=SESSION)
    assert len(_session_ids(server) - before) == 1, "the server created the session whose reply was lost"
    seen = proxy.requests(op="create_session")
    assert [(s.action, s.status) for s in seen] == [("drop", None)]


@pytest.mark.parametrize("status", [500, 502, 503, 408, 410, 429])
def test_status_bursts_answer_for_the_server_then_stop(proxy: FaultProxy, http: httpx.Client, status: int) -> None:
    proxy.inject(
        Fault.http_status(status, "get_server_capabilities", times=2, retry_after=0.25, body=b'{"detail": "x"}')
    )
    answers = [_capabilities(http) for _ in range(3)]
    assert [r.status_code for r in answers] == [status, status, 200]
    assert answers[0].headers["retry-after"] == "0.25" and answers[0].json() == {"detail": "x"}
    assert [s.action for s in proxy.requests(op="get_server_capabilities")] == ["status", "status", "forward"]


def test_status_after_server_replaces_a_reply_the_server_did_produce(
    server: TinkerServer, proxy: FaultProxy, http: httpx.Client
) -> None:
    before = _session_ids(server)
    proxy.inject(Fault.http_status(502, "create_session", after_server=True))
    assert http.post("/api/v1/create_session", json=SESSION).status_code == 502
    assert len(_session_ids(server) - before) == 1


def test_skip_lets_requests_through_before_the_fault_starts(proxy: FaultProxy, http: httpx.Client) -> None:
    proxy.inject(Fault.http_status(503, "get_server_capabilities", skip=2, times=1))
    assert [_capabilities(http).status_code for _ in range(4)] == [200, 200, 503, 200]


def test_truncate_sends_half_the_body_then_hangs_up(proxy: FaultProxy, http: httpx.Client) -> None:
    proxy.inject(Fault.truncate("get_server_capabilities"))
    with pytest.raises(httpx.RemoteProtocolError, match="incomplete|complete message body"):
        _capabilities(http)
    assert _capabilities(http).json()["supported_models"]


def test_latency_holds_matching_requests_only(proxy: FaultProxy, http: httpx.Client) -> None:
    proxy.inject(Fault.latency(0.3, "get_server_capabilities", times=1))
    started = time.monotonic()
    http.get("/api/v1/healthz").raise_for_status()
    fast = time.monotonic() - started
    started = time.monotonic()
    _capabilities(http).raise_for_status()
    slow = time.monotonic() - started
    assert slow >= 0.3 > fast


def test_restart_restarts_the_server_on_the_same_port_and_state() -> None:
    with TinkerServer(retrieve_timeout_s=1.0) as server, FaultProxy(server.base_url, restart=server.restart) as px:
        first = server.local_server
        with httpx.Client(base_url=px.base_url, headers=KEY, timeout=10) as http:
            session = http.post("/api/v1/create_session", json=SESSION).json()["session_id"]
            px.inject(Fault.restart("get_server_capabilities"))
            with pytest.raises(httpx.RemoteProtocolError):
                _capabilities(http)
            deadline = time.monotonic() + 20
            while not (server.restarts == 1 and server.running):
                assert time.monotonic() < deadline, "the server was not restarted"
                time.sleep(0.02)
            assert _capabilities(http).status_code == 200
            assert server.local_server is not first and server.base_url.endswith(f":{server.port}")
            # sessions are durable state (state_dir): they survive the restart
            assert http.get(f"/api/v1/sessions/{session}").status_code == 200


def test_unfired_names_the_faults_a_run_never_reached(proxy: FaultProxy, http: httpx.Client) -> None:
    fired, missed = proxy.inject(Fault.reset("healthz"), Fault.drop("forward_backward", times=2))
    with pytest.raises(httpx.RemoteProtocolError):
        http.get("/api/v1/healthz")
    assert proxy.unfired() == [missed] and fired.applied == 1
    assert str(missed) == "drop on forward_backward (applied 0/2)"


def test_faults_name_their_mistakes() -> None:
    with pytest.raises(
        ValueError, match=r"op='forward_backwards' is not an operation.*did you mean 'forward_backward'"
    ):
        Fault.reset("forward_backwards")
    with pytest.raises(ValueError, match=r"times=0"):
        Fault.drop("optim_step", times=0)
    with pytest.raises(ValueError, match=r"action='explode'"):
        Fault("explode")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"status=42"):
        Fault.http_status(42)
    with FaultProxy(None) as px, pytest.raises(ValueError, match=r"restart=.*tinker_fault_proxy"):
        px.inject(Fault.restart())


def test_a_proxy_without_upstream_looks_like_a_dead_server() -> None:
    with FaultProxy(None) as px, httpx.Client(base_url=px.base_url, timeout=5) as http:
        with pytest.raises(httpx.RemoteProtocolError):
            http.get("/api/v1/healthz")
        assert [s.op for s in px.requests()] == ["healthz"]
