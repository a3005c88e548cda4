"""How one request travels through the server: seq_id checks before the body is checked, big bodies decoded
off the event loop."""

from __future__ import annotations

import asyncio
import threading

import pytest

from tests.helpers import local_server_fixture
from tinker_local.http import endpoint
from tinker_local.service import training as training_module
from tinker_local.service.calls import SMALL_BODY_BYTES

from .conftest import ce_datum

server = local_server_fixture(scope="module", retrieve_timeout_s=1.0)


def _fb_body(mid: str, seq: int, datums: list) -> dict:
    return {"model_id": mid, "seq_id": seq, "forward_backward_input": {"data": datums, "loss_fn": "cross_entropy"}}


def test_a_reused_seq_id_is_a_conflict_even_when_the_new_body_is_invalid(api) -> None:
    mid = api.model()
    api.ok("forward_backward", _fb_body(mid, 1, [ce_datum("hello")]))
    bad = ce_datum("hello")
    bad["model_input"]["chunks"][0]["tokens"] = [10**6]  # outside the vocabulary
    r = api.post("forward_backward", _fb_body(mid, 1, [bad]))
    assert r.status_code == 409, r.text
    assert "seq_id" in r.json()["detail"]


def test_a_resubmitted_request_gets_the_first_future(api) -> None:
    mid = api.model()
    body = _fb_body(mid, 1, [ce_datum("hello world")])
    assert api.ok("forward_backward", body)["request_id"] == api.ok("forward_backward", body)["request_id"]


def test_big_bodies_are_decoded_on_a_worker_thread(api, monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[tuple[int, str]] = []
    real = endpoint.decode_body

    def spy(op, raw, ctype, decoded):  # type: ignore[no-untyped-def]
        threads.append((len(raw), threading.current_thread().name))
        return real(op, raw, ctype, decoded)

    monkeypatch.setattr(endpoint, "decode_body", spy)
    mid = api.model()
    api.ok("forward_backward", _fb_body(mid, 1, [ce_datum("hi")]))
    big = [ce_datum("x" * 1000) for _ in range(40)]
    api.ok("forward_backward", _fb_body(mid, 2, big))
    (small_size, loop_thread), (big_size, worker_thread) = [t for t in threads if t[0] > 100][-2:]
    assert small_size < SMALL_BODY_BYTES <= big_size
    assert worker_thread != loop_thread


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def test_small_training_requests_are_queued_on_the_event_loop_big_ones_on_a_thread(
    server, api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a hop to a thread and back waits twice for the GIL while a model computes; a big body converts for longer
    training = next(c for c in server.service.concerns if isinstance(c, training_module.Training))
    seen: list[tuple[str, bool]] = []
    for name in ("_forward", "_forward_backward", "_optim_step"):
        real = getattr(training, name)

        def spy(call, real=real, name=name):  # type: ignore[no-untyped-def]
            seen.append((f"{name} {len(call.raw) >= SMALL_BODY_BYTES}", _on_event_loop()))
            return real(call)

        monkeypatch.setattr(training, name, spy)
    mid = api.model()
    api.ok("forward_backward", _fb_body(mid, 1, [ce_datum("hi")]))
    api.ok("optim_step", {"model_id": mid, "seq_id": 2, "adam_params": {"learning_rate": 1e-3}})
    api.ok(
        "forward",
        {"model_id": mid, "seq_id": 3, "forward_input": {"data": [ce_datum("hi")], "loss_fn": "cross_entropy"}},
    )
    api.ok("forward_backward", _fb_body(mid, 4, [ce_datum("x" * 1000) for _ in range(40)]))
    assert seen == [
        ("_forward_backward False", True),
        ("_optim_step False", True),
        ("_forward False", True),
        ("_forward_backward True", False),
    ]
