"""Fixtures of the resilience tests: a real LocalServer per test, the fault proxy in front of it, and the
seeded training loop every fault scenario runs (so each can be compared with a fault-free reference run).

Everything stays on 127.0.0.1; every loop here is bounded in count and in time. The TINKER_* environment
is cleared around every test by ``tests/conftest.py``; the server helpers come from ``tests/helpers.py``.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

import tinker
from tests import helpers
from tests.helpers import text_datum
from tinker import types
from tinker.testing import FaultProxy

BASE_MODEL = "tinker-local/tiny-byte"
API_KEY = "tml-resilience"
ADAM = types.AdamParams(learning_rate=1e-2)
NUM_STEPS = 12
SAVE_EVERY = 4
TEXTS = [
    "The quick brown fox jumps over the lazy dog.\n",
    "Pack my box with five dozen liquor jugs.\n",
    "How vexingly quick daft zebras jump!\n",
    "Sphinx of black quartz, judge my vow.\n",
    "Two driven jocks help fax my big quiz.\n",
    "The five boxing wizards jump quickly.\n",
]


def batch(step: int) -> list[types.Datum]:
    """The (seeded) batch of one step: the same step always trains on the same two texts."""
    rng = np.random.default_rng(1000 + step)
    return [text_datum(TEXTS[i]) for i in rng.choice(len(TEXTS), size=2, replace=False)]


EVAL_BATCH = [text_datum(t) for t in TEXTS]


def fast_retry(**overrides: Any) -> tinker.RetryConfig:
    """Short backoffs and a quickly recovering breaker, so fault scenarios take seconds, not minutes."""
    breaker = overrides.pop("circuit_breaker", tinker.CircuitBreakerConfig(failure_threshold=5, recovery_timeout=0.3))
    kw: dict[str, Any] = {
        "retry_delay_base": 0.05,
        "retry_delay_max": 0.5,
        "deadline": 60.0,
        "circuit_breaker": breaker,
    }
    kw.update(overrides)
    return tinker.RetryConfig(**kw)


# make_service(base_url, retry_config=None): a ServiceClient with this folder's API key.
make_service = functools.partial(helpers.make_service, api_key=API_KEY)


def close_quietly(service: tinker.ServiceClient) -> None:
    with contextlib.suppress(Exception):  # the server may be gone on purpose
        service.close().result(timeout=10)


def wait_until(cond: Callable[[], Any], timeout: float, interval: float = 0.01) -> bool:
    """Poll ``cond`` until it holds or ``timeout`` seconds pass (bounded)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(interval)
    return bool(cond())


def drain(future: Any) -> None:
    """Wait for a future whose outcome no longer matters (bounded), ignoring its error."""
    with contextlib.suppress(BaseException):
        future.result(timeout=60)


def train(
    run: Any,
    num_steps: int = NUM_STEPS,
    *,
    save_every: int | None = None,
    on_step: Callable[[int], None] | None = None,
    budget_s: float = 90.0,
) -> tuple[dict[int, float], list[Any]]:
    """The loop of ``tinker._recovery``'s docstring, bounded in time and in recoveries.

    Returns the loss of every step as last applied and the ``TrainingRunRecovered`` events seen.
    ``run`` is a TrainingClient or a RecoveringTrainingClient.
    """
    losses: dict[int, float] = {}
    recovered: list[Any] = []
    end = time.monotonic() + budget_s
    step = 0
    while step < num_steps:
        assert time.monotonic() < end, f"training loop stuck at step {step} after {budget_s} s"
        try:
            fb = run.forward_backward(batch(step), "cross_entropy")
            opt = run.optim_step(ADAM)
            try:
                out = fb.result(timeout=60)
            except tinker.TrainingRunRecovered:
                drain(opt)
                raise
            metrics = opt.result(timeout=60).metrics
            assert metrics is not None and int(metrics["step"]) >= 1
            losses[step] = out.metrics["loss:sum"]
            step += 1
            if save_every and step % save_every == 0:
                run.save_state(f"step-{step:04d}").result(timeout=60)
            if on_step is not None:
                on_step(step)
        except tinker.TrainingRunRecovered as exc:
            recovered.append(exc)
            assert len(recovered) <= 5, "too many recoveries"
            step = exc.step
    return losses, recovered


def eval_loss(run: Any) -> float:
    return float(run.forward(EVAL_BATCH, "cross_entropy").result(timeout=60).metrics["loss:sum"])


def server_model(server: Any, model_id: str) -> Any:
    """The live engine model behind ``model_id`` in a LocalServer (its ``step`` counts optimizer steps)."""
    lm = server.service.state.models[model_id]
    assert lm.model is not None, f"model {model_id} is {lm.status}"
    return lm.model


# start_server(**config): a started LocalServer (stop it yourself). The TCP_NODELAY this folder used to set on
# the listening socket (a workaround for the Nagle bug test_stress.py guards) was a no-op since tinker_local
# creates its socket with IPPROTO_TCP and asyncio sets TCP_NODELAY on every accepted connection.
start_server = helpers.start_local_server

# A fresh server (own state directory) per test. Its results are always polled, as from the hosted service, so
# faults injected on retrieve_future reach sampling; test_inline_recovery.py covers the inline-result path.
server = helpers.local_server_fixture(
    scope="function", fresh_state_dir=True, retrieve_timeout_s=1.0, inline_results=False
)


@pytest.fixture
def proxy(server: Any) -> Iterator[FaultProxy]:
    with FaultProxy(server.base_url) as px:
        yield px


@pytest.fixture(scope="session")
def reference() -> dict[str, Any]:
    """The fault-free run of the seeded loop (straight to a fresh server, plain TrainingClient)."""
    srv = start_server(retrieve_timeout_s=1.0)
    service = make_service(srv.base_url)
    try:
        training = service.create_lora_training_client(BASE_MODEL, rank=4, seed=7).result(timeout=60)
        losses, recovered = train(training, NUM_STEPS)
        assert not recovered
        return {"losses": losses, "final": eval_loss(training), "step": server_model(srv, training.model_id).step}
    finally:
        close_quietly(service)
        srv.stop()


class LogCapture(logging.Handler):
    """Records the ``tinker`` logger's messages (independent of pytest's caplog propagation settings)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def messages(self, level: int = logging.DEBUG) -> list[str]:
        return [r.getMessage() for r in self.records if r.levelno >= level]


@pytest.fixture
def tinker_log() -> Iterator[LogCapture]:
    logger = logging.getLogger("tinker")
    handler = LogCapture()
    old = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old)
