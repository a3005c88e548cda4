"""A client that drops a stream_sample connection (closed or reset) stops the generation, quietly."""

from __future__ import annotations

import json
import logging
import socket
import struct
import threading
import time
from urllib.parse import urlsplit

import pytest

from tests.helpers import local_server_fixture

from .conftest import KEY, MODEL, make_api

# 10 ms per token and 2,000 tokens: a generation that is not cancelled runs for 20 s
server = local_server_fixture(scope="module", stream_token_delay_s=0.01)


@pytest.mark.parametrize("reset", [False, True], ids=["close", "reset"])
def test_dropped_stream_stops_generating_without_warnings(server, caplog, reset):
    client, api = make_api(server.base_url)
    with client:
        sid = api.session()
        ss = api.ok("create_sampling_session", {"session_id": sid, "sampling_session_seq_id": 0, "base_model": MODEL})[
            "sampling_session_id"
        ]
    u = urlsplit(server.base_url)
    caplog.set_level(logging.WARNING)
    for i in range(3):
        body = json.dumps(
            {
                "sampling_session_id": ss,
                "seq_id": i,
                "num_samples": 4,
                "prompt": {"chunks": [{"tokens": [1, 2, 3]}]},
                "sampling_params": {"max_tokens": 2000, "stop": []},
            }
        ).encode()
        s = socket.create_connection((u.hostname, u.port))
        s.sendall(
            b"POST /api/v1/stream_sample HTTP/1.1\r\nHost: x\r\nX-API-Key: "
            + KEY.encode()
            + b"\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
            + body
        )
        assert b"event: token" in s.recv(4096) + s.recv(4096)
        if reset:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    deadline = time.monotonic() + 5
    while any(t.name == "tinker-local-stream" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(t.name == "tinker-local-stream" for t in threading.enumerate()), "generation kept running"
    noisy = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert not noisy, [f"{r.name}: {r.getMessage()}" for r in noisy]
