"""Fixtures for the client-facade tests; the fake Tinker server itself lives in ``fake_tinker.py``.

The TINKER_* environment is cleared around every test by ``tests/conftest.py``.

Property tests use ``fake_tinker.SEEDED`` (derandomized hypothesis settings) so every run sees the same
examples; the global hypothesis profile is left alone for the other test folders.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fake_tinker import BASE_MODEL, FakeServer, SleepRecorder, make_rest, make_service

import tinker


@pytest.fixture(autouse=True)
def _fast_polling(monkeypatch: pytest.MonkeyPatch) -> None:
    """The poller waits 0.25 s after a fast 408; keep tests fast."""
    import tinker._polling as polling

    monkeypatch.setattr(polling, "_MIN_POLL_INTERVAL", 0.001)


@pytest.fixture
def server() -> FakeServer:
    return FakeServer()


@pytest.fixture
def service(server: FakeServer) -> Iterator[tinker.ServiceClient]:
    client = make_service(server)
    yield client
    client.close().result(timeout=5)  # idempotent; finishing errors are logged, not raised


@pytest.fixture
def training(service: tinker.ServiceClient) -> Any:
    return service.create_lora_training_client(BASE_MODEL).result(timeout=10)


@pytest.fixture
def sampling(service: tinker.ServiceClient) -> Any:
    return service.create_sampling_client(base_model=BASE_MODEL).result(timeout=10)


@pytest.fixture
def rest(server: FakeServer) -> Any:
    return make_rest(server)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> SleepRecorder:
    """Record (and skip) the waits of the retry loop, the poller and the sampling client."""
    import tinker._polling
    import tinker._retry
    import tinker._sampling_client

    rec = SleepRecorder()
    proxy = rec.proxy()
    for mod in (tinker._retry, tinker._polling, tinker._sampling_client):
        monkeypatch.setattr(mod, "asyncio", proxy)
    return rec


@pytest.fixture(autouse=True)
def _no_telemetry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Telemetry requests would interleave with the recorded calls; it is tested end to end instead."""
    monkeypatch.setenv("TINKER_TELEMETRY", "0")
