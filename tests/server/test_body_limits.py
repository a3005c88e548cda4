"""Request bodies are bounded while they stream in, and by a server-wide in-flight budget."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from tests.helpers import local_server_fixture

from .conftest import HEADERS, KEY

CAP = 1 << 20  # 1 MiB per request

server = local_server_fixture(scope="module", max_body_bytes=CAP, max_inflight_body_bytes=3 * CAP // 2)


def test_chunked_upload_is_refused_once_it_passes_the_cap(server):
    sent = 0
    total = 256 << 20

    def body() -> Iterator[bytes]:
        nonlocal sent
        block = b" " * (64 << 10)
        while sent < total:
            sent += len(block)
            yield block

    with httpx.Client(base_url=server.base_url, headers=HEADERS, timeout=60) as c:
        try:
            r = c.post("/api/v1/optim_step", content=body(), headers={"Content-Type": "application/json"})
            assert r.status_code == 413, r.text
            assert "limit" in r.json()["detail"]
        except httpx.TransportError:
            pass  # the server may close the connection after answering 413 mid-upload
    # The server stopped reading soon after the cap (socket buffers hold a few MiB at most); before the
    # fix it read all 256 MiB into memory first.
    assert sent < 64 << 20, f"the client could push {sent >> 20} MiB before the server refused"


def test_declared_length_over_the_cap_is_refused_before_reading(server):
    with httpx.Client(base_url=server.base_url, headers=HEADERS, timeout=30) as c:
        r = c.post("/api/v1/optim_step", content=b" " * (CAP + 1), headers={"Content-Type": "application/json"})
        assert r.status_code == 413
        assert f"{CAP + 1} bytes exceed the server's limit of {CAP} bytes" in r.json()["detail"]


def _hold_partial_upload(base_url: str, declared: int) -> socket.socket:
    """Start a request that declares ``declared`` body bytes and sends only a few of them."""
    u = urlsplit(base_url)
    s = socket.create_connection((u.hostname, u.port))
    s.sendall(
        f"POST /api/v1/optim_step HTTP/1.1\r\nHost: x\r\nX-API-Key: {KEY}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {declared}\r\n\r\n{{".encode()
    )
    return s


def test_in_flight_budget_answers_503_with_retry_after_then_admits(server):
    held = _hold_partial_upload(server.base_url, CAP)  # reserves 1 MiB of the 1.5 MiB budget
    try:
        body = b'{"model_id": "m", "adam_params": {"learning_rate": 0.001}' + b" " * (CAP * 3 // 4) + b"}"
        with httpx.Client(base_url=server.base_url, headers=HEADERS, timeout=30) as c:
            deadline = time.monotonic() + 10
            while True:  # the held request is registered once the server has read its headers
                r = c.post("/api/v1/optim_step", content=body, headers={"Content-Type": "application/json"})
                if r.status_code == 503 or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            assert r.status_code == 503, r.text
            assert r.headers["Retry-After"] == "1"
            assert "in flight" in r.json()["detail"]
            # small requests still pass
            assert c.get("/api/v1/healthz").status_code == 200
            held.close()  # the held request ends: its share is returned
            deadline = time.monotonic() + 10
            while True:
                r = c.post("/api/v1/optim_step", content=body, headers={"Content-Type": "application/json"})
                if r.status_code != 503 or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            assert r.status_code == 404, r.text  # admitted: model "m" does not exist
    finally:
        held.close()


def test_a_single_body_up_to_the_cap_is_always_admitted(server):
    body = b'{"model_id": "m", "adam_params": {"learning_rate": 0.001}' + b" " * (CAP - 100) + b"}"
    assert len(body) <= CAP
    with httpx.Client(base_url=server.base_url, headers=HEADERS, timeout=30) as c:
        r = c.post("/api/v1/optim_step", content=body, headers={"Content-Type": "application/json"})
        assert r.status_code == 404, r.text


def test_read_body_stops_at_the_cap_and_charges_the_budget_as_bytes_arrive():
    import asyncio

    from tinker_local._errors import ApiError
    from tinker_local.http.limits import BodyBudget, read_body

    consumed = 0

    async def stream():
        nonlocal consumed
        for _ in range(1000):
            consumed += 4096
            yield b"x" * 4096

    budget = BodyBudget(10 * CAP)
    held = budget.reservation()
    with pytest.raises(ApiError) as e:
        asyncio.run(read_body(stream(), None, None, CAP, held))
    assert e.value.status == 413
    assert consumed <= CAP + 4096  # one chunk past the cap, not the whole 4 MB stream
    assert budget.used == held.held <= CAP
    held.release()
    held.release()  # idempotent
    assert budget.used == 0
