"""A seeded training loop through the fault proxy: every optimizer step must be applied exactly once.

Each scenario runs the loop of ``tinker._recovery``'s docstring (``RecoveringTrainingClient``) while the
proxy injects one family of faults, then checks from the server's own state that the run is the
fault-free reference run: the live model's optimizer step counter equals the number of requested
steps, every step's loss and the final loss equal the reference's (a step applied twice or skipped
would change them), and no recovery was needed for transient faults. A server restart mid-loop must
be recovered from the latest checkpoint; a permanent outage must fail within a bounded time with an
error that says what to check.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

import tinker
from tinker.testing import FaultProxy

from .conftest import (
    BASE_MODEL,
    EVAL_BATCH,
    NUM_STEPS,
    SAVE_EVERY,
    close_quietly,
    eval_loss,
    fast_retry,
    make_service,
    server_model,
    start_server,
    train,
)

JSON = {"content-type": "application/json"}
POLL = "/retrieve_future"

# name -> rules (action, path, options); installed once the training client exists, so the
# faults land in the loop. ``skip`` spreads them over the run.
SCENARIOS: dict[str, list[tuple[str, str, dict[str, Any]]]] = {
    # the server never sees these submissions: the retry is the first delivery
    "reset-on-submit": [
        ("reset", "/forward_backward", {"times": 2, "skip": 1}),
        ("reset", "/optim_step", {"times": 2, "skip": 4}),
        ("reset", "/save_weights", {"times": 1}),
    ],
    # the server acts, the reply is lost: the retry (same seq_id, same body) must be deduplicated
    "lost-reply-on-submit": [
        ("drop", "/optim_step", {"times": 3, "skip": 1}),
        ("drop", "/forward_backward", {"times": 2, "skip": 5}),
        ("drop", "/save_weights", {"times": 1}),
    ],
    # connection closed mid-poll, before and after the server delivered the result
    "reset-mid-poll": [("reset", POLL, {"times": 3, "skip": 2}), ("drop", POLL, {"times": 3, "skip": 9})],
    "5xx-burst": [
        ("status", POLL, {"status": 503, "times": 4, "skip": 2}),
        ("status", "/forward_backward", {"status": 500, "times": 3, "skip": 3}),
        # the server did the work, but the client sees a 502: must not be applied twice
        ("status", "/optim_step", {"status": 502, "times": 2, "skip": 6, "forward": True}),
    ],
    "5xx-burst-opens-breaker": [("status", POLL, {"status": 503, "times": 9, "skip": 4})],
    "408-storm": [
        (
            "status",
            POLL,
            {
                "status": 408,
                "times": 12,
                "skip": 2,
                "headers": JSON,
                "body": b'{"detail": "poll again", "queue_state": "active"}',
            },
        ),
        ("status", "/optim_step", {"status": 408, "times": 2, "skip": 3}),
    ],
    "429-storm": [
        ("status", POLL, {"status": 429, "times": 6, "skip": 3, "headers": {"retry-after": "0.1"}}),
        ("status", "/forward_backward", {"status": 429, "times": 3, "skip": 2, "headers": {"retry-after-ms": "50"}}),
        (
            "status",
            "/optim_step",
            {"status": 429, "times": 2, "skip": 5, "forward": True, "headers": {"retry-after": "0.1"}},
        ),
    ],
    "truncated-bodies": [
        ("truncate", POLL, {"times": 4, "skip": 2}),
        ("truncate", "/forward_backward", {"times": 2, "skip": 3}),
        ("truncate", "/optim_step", {"times": 2, "skip": 6}),
    ],
    "latency": [("delay", "", {"times": None, "delay": 0.03})],
}


def _check_against_reference(srv: Any, run: Any, losses: dict[int, float], reference: dict[str, Any]) -> None:
    assert server_model(srv, run.model_id).step == NUM_STEPS == reference["step"]
    assert sorted(losses) == list(range(NUM_STEPS))
    for step, loss in losses.items():
        assert loss == pytest.approx(reference["losses"][step], rel=1e-6, abs=1e-6), f"step {step}"
    assert eval_loss(run) == pytest.approx(reference["final"], rel=1e-6, abs=1e-6)


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_training_loop_applies_every_step_exactly_once(
    scenario: str, server: Any, proxy: FaultProxy, reference: dict[str, Any]
) -> None:
    service = make_service(proxy.base_url, fast_retry())
    try:
        training = service.create_lora_training_client(BASE_MODEL, rank=4, seed=7).result(timeout=60)
        run = tinker.RecoveringTrainingClient(service, training, tinker.RecoveryPolicy(max_attempts=3))
        rules = [proxy.add(action, path, **opts) for action, path, opts in SCENARIOS[scenario]]
        started = time.monotonic()
        losses, recovered = train(run, NUM_STEPS, save_every=SAVE_EVERY, budget_s=60)
        elapsed = time.monotonic() - started
        for rule in rules:
            if rule.times is not None:
                assert rule.applied == rule.times, f"fault {rule.action} {rule.path} fired {rule.applied}/{rule.times}"
        assert not recovered and run.attempts == 0, "a transient fault must be retried, not recovered from"
        _check_against_reference(server, run, losses, reference)
        assert elapsed < 45, f"{scenario}: the loop took {elapsed:.1f} s"
    finally:
        close_quietly(service)


def test_lost_replies_are_deduplicated_by_the_server(server: Any, proxy: FaultProxy) -> None:
    """Every optim_step submission whose reply was lost reaches the server twice; it runs once."""
    service = make_service(proxy.base_url, fast_retry())
    try:
        training = service.create_lora_training_client(BASE_MODEL, rank=4, seed=7).result(timeout=60)
        sent: list[bytes] = []

        def first_delivery(method: str, path: str, body: bytes) -> bool:
            first = body not in sent
            sent.append(body)
            return first

        # the reply to every first delivery is lost; every retry (same body) gets through
        proxy.add("drop", "/optim_step", times=None, when=first_delivery)
        _, recovered = train(training, 5)
        assert not recovered
        assert len(proxy.requests("/optim_step")) == 10
        assert server_model(server, training.model_id).step == 5
    finally:
        close_quietly(service)


@pytest.mark.parametrize("action", ["drop", "reset"])
def test_chunks_encoded_in_their_turn_resend_the_same_bytes(
    action: str, server: Any, proxy: FaultProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each chunk's body is made just before it is sent (one at a time here, none kept from the check): a chunk
    whose first delivery is lost (reply dropped after the server acted, or connection reset before) goes again
    as the same bytes, and the result is the fault-free one."""

    import tinker._chunking as chunking

    monkeypatch.setattr(chunking, "KEEP_WIRE_BYTES", 0)
    monkeypatch.setattr(chunking, "IN_FLIGHT_BYTES", 1)
    data = EVAL_BATCH  # six datums: three chunks of two
    services = [make_service(server.base_url), make_service(proxy.base_url, fast_retry())]
    try:
        outputs = []
        for service in services:
            training = service.create_lora_training_client(BASE_MODEL, rank=4, seed=7).result(timeout=60)
            holder = training.holder
            holder._server_config = holder.cached_server_config()._replace(fwdbwd_max_chunk_len=2)
            outputs.append(training.forward(data, "cross_entropy").result(timeout=60))
        sent: list[bytes] = []

        def first_delivery(method: str, path: str, body: bytes) -> bool:
            sent.append(body)
            return sent.count(body) == 1

        proxy.add(action, "/forward_backward", times=None, when=first_delivery)
        outputs.append(training.forward(data, "cross_entropy").result(timeout=60))
        assert len(sent) == 6 and len(set(sent)) == 3
        assert sent[0::2] == sent[1::2]  # every retry is its first delivery's bytes
        reference = [o["logprobs"].tolist() for o in outputs[0].loss_fn_outputs]
        for out in outputs[1:]:
            assert [o["logprobs"].tolist() for o in out.loss_fn_outputs] == reference
    finally:
        for service in services:
            close_quietly(service)


def test_server_restart_mid_loop_resumes_from_the_latest_checkpoint(
    tmp_path: Any, reference: dict[str, Any], tinker_log: Any
) -> None:
    state = tmp_path / "state"
    knobs = {"retrieve_timeout_s": 0.5, "train_delay_s": 0.05}
    servers = [start_server(state_dir=state, **knobs)]
    port = servers[0].port
    restarted = threading.Event()
    failure: list[BaseException] = []

    def restart() -> None:
        try:
            time.sleep(0.15)  # land in the middle of the next step's requests
            servers[0].stop()
            servers.append(start_server(port=port, state_dir=state, **knobs))
            restarted.set()
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread
            failure.append(exc)

    restarter = threading.Thread(target=restart, name="restarter", daemon=True)

    def on_step(step: int) -> None:
        if step == 6 and not restarter.is_alive() and not restarted.is_set() and not failure:
            restarter.start()

    try:
        with FaultProxy(servers[0].base_url) as px:
            service = make_service(px.base_url, fast_retry())
            try:
                training = service.create_lora_training_client(BASE_MODEL, rank=4, seed=7).result(timeout=60)
                run = tinker.RecoveringTrainingClient(service, training, tinker.RecoveryPolicy(max_attempts=3))
                losses, recovered = train(run, NUM_STEPS, save_every=SAVE_EVERY, on_step=on_step, budget_s=90)
                restarter.join(30)
                assert not failure, failure
                assert restarted.is_set()
                assert recovered, "the restart lost the model: the loop must have been told to resume"
                assert all(r.step in (4, 8) and r.checkpoint_path.endswith(f"step-{r.step:04d}") for r in recovered)
                assert run.model_id != training.model_id
                assert any("restoring" in m for m in tinker_log.messages())
                _check_against_reference(servers[-1], run, losses, reference)
            finally:
                close_quietly(service)
    finally:
        restarter.join(30)
        for srv in servers:
            srv.stop()


@pytest.mark.parametrize("outage", ["upstream-gone-behind-proxy", "server-stopped"])
def test_permanent_outage_fails_within_bounded_time_with_a_clear_error(tmp_path: Any, outage: str) -> None:
    srv = start_server(state_dir=tmp_path / "state", retrieve_timeout_s=1.0)
    px = FaultProxy(srv.base_url).start()
    url = px.base_url if outage == "upstream-gone-behind-proxy" else srv.base_url
    config = tinker.RetryConfig(
        deadline=5, circuit_breaker=tinker.CircuitBreakerConfig(failure_threshold=3, recovery_timeout=1)
    )
    service = make_service(url, config)
    try:
        training = service.create_lora_training_client(BASE_MODEL, rank=4, seed=7).result(timeout=60)
        run = tinker.RecoveringTrainingClient(service, training, tinker.RecoveryPolicy(max_attempts=2))
        train(run, SAVE_EVERY, save_every=SAVE_EVERY)
        if outage == "upstream-gone-behind-proxy":
            px.upstream = None
        else:
            srv.stop()
        started = time.monotonic()
        with pytest.raises(tinker.APIConnectionError) as info:
            train(run, NUM_STEPS, budget_s=60)
        elapsed = time.monotonic() - started
        assert elapsed < 20, f"gave up only after {elapsed:.1f} s (deadline 5 s)"
        assert not isinstance(info.value, tinker.TrainingRunRecovered)
        assert run.attempts >= 1, "the outage must have been offered to recovery (which had to give up)"
    finally:
        close_quietly(service)
        px.stop()
        srv.stop()


@pytest.mark.parametrize("outage", ["upstream-gone-behind-proxy", "nothing-listening"])
def test_exhausted_connection_retries_say_where_and_what_to_check(outage: str) -> None:
    """Regression test for a bug this suite found (fixed in the working tree): tinker/_retry.py to_api_error (used
    by Transport._send_guarded) builds 'Connection error: <httpx type>: <text>' with neither the server URL nor
    a hint; when the retry deadline runs out on connection errors (Transport.request / poll_future re-raise that
    last error) the user gets e.g. 'Connection error: ConnectError: All connection attempts failed', unlike
    CircuitOpenError, which names the base URL and says what to check
    """
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    px = FaultProxy(None).start()
    url = px.base_url if outage == "upstream-gone-behind-proxy" else dead
    # the breaker stays out of the way: only the retry deadline ends the call
    config = tinker.RetryConfig(
        deadline=1.0,
        retry_delay_base=0.05,
        retry_delay_max=0.2,
        circuit_breaker=tinker.CircuitBreakerConfig(enabled=False),
    )
    service = make_service(url, config)
    try:
        with pytest.raises(tinker.APIConnectionError) as info:
            service.create_sampling_client(base_model=BASE_MODEL).result(timeout=20)
        message = str(info.value)
        assert url in message and "check" in message.lower(), message
    finally:
        close_quietly(service)
        px.stop()
