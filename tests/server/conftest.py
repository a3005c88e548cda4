"""Shared fixtures of the local server tests."""

from __future__ import annotations

import pytest

KEY = "tml-local-test-key"
HEADERS = {"X-API-Key": KEY}


@pytest.fixture
def server():
    """A fresh LocalServer on a free port, fast long-polls."""
    from tinker_local import LocalServer

    with LocalServer(retrieve_timeout_s=2.0, retrieve_futures_timeout_s=1.0) as srv:
        yield srv


@pytest.fixture
def client(server):
    import httpx

    with httpx.Client(base_url=server.base_url, headers=HEADERS, timeout=30) as c:
        yield c
