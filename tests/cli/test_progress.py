"""Waiting on a future in the CLI: a spinner with the time waited and, when the server pauses the request's queue,
the queue state and reason (through the SDK's public ``tinker.on("queue_paused")`` hook); nothing when stderr is
not a terminal.

The local server always reports its queue as active, so a fault proxy answers the first polls of a future with
the ``try_again`` body a paused server sends; the real answer follows.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from rich.console import Console

import tinker
from tinker import _hooks
from tinker.testing import Fault, FaultProxy
from tinker_cli import _progress
from tinker_local import LocalServer

KEY = "tml-cli-progress"
PAUSED = {"type": "try_again", "queue_state": "paused_capacity", "queue_state_reason": "GPU pool full"}


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with LocalServer(api_keys=(KEY,)) as srv:
        yield srv


@pytest.fixture
def screen(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """What the progress display draws, as on a 120-column terminal."""
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120, emoji=False, markup=False, highlight=False)
    monkeypatch.setattr(_progress, "_console", lambda: console)
    return out


def _paused_model(server: LocalServer, enabled: bool, screen: io.StringIO) -> tuple[Any, list[Fault]]:
    with FaultProxy(server.base_url) as proxy:
        service = tinker.ServiceClient(base_url=proxy.base_url, api_key=KEY)
        faults = proxy.inject(Fault.http_status(200, "retrieve_future", times=3, body=json.dumps(PAUSED).encode()))
        try:
            training = _progress.wait_for(
                service.create_lora_training_client(base_model="tinker-local/tiny-byte", rank=4),
                "Loading the checkpoint",
                enabled,
            )
        finally:
            service.close().result()
    return training, faults


def test_a_paused_queue_shows_its_state_and_reason(server: LocalServer, screen: io.StringIO) -> None:
    training, faults = _paused_model(server, True, screen)
    assert training.model_id and faults[0].applied == 3  # three polls were answered "paused", then the result
    drawn = screen.getvalue()
    assert "Loading the checkpoint — server queue: paused_capacity (GPU pool full; reported at 0:00)" in drawn
    assert "0:00:0" in drawn  # the time waited
    assert not _hooks._listeners  # the hook is gone once the wait is over


def test_quiet_when_not_a_terminal(server: LocalServer, screen: io.StringIO, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    real_on = tinker.on

    def on(event: str, fn: Any) -> Any:
        calls.append(event)
        return real_on(event, fn)

    monkeypatch.setattr(tinker, "on", on)
    training, faults = _paused_model(server, False, screen)
    assert training.model_id and faults[0].applied == 3
    assert screen.getvalue() == "" and calls == []


def test_paused_text() -> None:
    assert _progress.paused_text("Exporting", "paused_rate_limit", None, 125.7) == (
        "Exporting — server queue: paused_rate_limit (reported at 2:05)"
    )
