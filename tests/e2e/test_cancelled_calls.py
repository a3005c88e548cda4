"""A cancelled training call never leaves a hole in the model's seq_id order (real local server, real HTTP).

The server runs a model's requests in seq_id order and fails the ones behind an id that never arrives once its
gap timeout passes (3 s here). Without the fix, each test below ends in that failure or in a hang.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Iterator
from typing import Any

import pytest

import tinker
from tests.helpers import make_service, start_local_server, text_datum

BASE_MODEL = "tinker-local/tiny-byte"
ADAM = tinker.AdamParams(learning_rate=1e-3)


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    srv = start_local_server(seq_gap_timeout_s=3.0)
    yield srv
    srv.stop()


@pytest.fixture()
def training(server: Any) -> Iterator[tinker.TrainingClient]:
    service = make_service(server.base_url, api_key="tml-cancel")
    yield service.create_lora_training_client(BASE_MODEL, rank=4).result(timeout=60)
    service.close().result(timeout=30)


def test_a_call_cancelled_while_waiting_for_its_turn_is_still_sent(training: tinker.TrainingClient) -> None:
    big = [text_datum("x" * 400) for _ in range(200)]
    ahead = [training.forward_backward(big, "cross_entropy") for _ in range(3)]
    waiting = training.forward_backward([text_datum("hello")], "cross_entropy")
    assert waiting.cancel()
    step = training.optim_step(ADAM).result(timeout=60)
    assert step.metrics["step"] == 1.0
    assert all(f.result(timeout=60).metrics["loss:sum"] > 0 for f in ahead)
    with pytest.raises(concurrent.futures.CancelledError):
        waiting.result(timeout=1)


def test_calls_cancelled_at_once_never_wedge_the_client(training: tinker.TrainingClient) -> None:
    # Cancelled right away, some calls are cancelled before their coroutine ever runs on the SDK loop.
    for _ in range(40):
        training.forward([text_datum("ab")], "cross_entropy").cancel()
    assert training.forward([text_datum("abc")], "cross_entropy").result(timeout=60).loss_fn_outputs


def test_a_result_async_timeout_leaves_no_gap(training: tinker.TrainingClient) -> None:
    big = [text_datum("y" * 400) for _ in range(200)]
    ahead = training.forward_backward(big, "cross_entropy")
    late = training.forward_backward([text_datum("hi")], "cross_entropy")

    async def impatient() -> None:
        await late.result_async(timeout=0.001)

    with pytest.raises(TimeoutError):
        asyncio.run(impatient())
    ahead.result(timeout=60)
    assert training.optim_step(ADAM).result(timeout=60).metrics["step"] == 1.0
