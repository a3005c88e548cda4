"""The pytest fixtures of tinker.testing, used as a user's suite uses them (the plugin is installed through its
``pytest11`` entry point, so this suite loads it too)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import tinker
from tinker import types
from tinker.testing import Fault, FaultProxy, TinkerServer, service_client

from .sft import BASE_MODEL, train

PROMPT = types.ModelInput.from_ints(list(b"Pack my"))
SMALL_PROMPT = types.ModelInput.from_ints([1, 2, 3])  # inside any vocabulary
PARAMS = types.SamplingParams(max_tokens=6)


def _datum() -> types.Datum:
    return types.Datum(
        model_input=types.ModelInput.from_ints([5, 6, 7, 8]),
        loss_fn_inputs={"target_tokens": [6, 7, 8, 9], "weights": [1.0] * 4},
    )


def _tokens(result: types.SampleResponse) -> list[list[int]]:
    return [list(s.tokens) for s in result.sequences]


def test_the_plugin_is_registered_through_its_entry_point(pytestconfig: pytest.Config) -> None:
    plugin = pytestconfig.pluginmanager.get_plugin("tinker")
    assert plugin is not None and plugin.__name__ == "tinker.testing.plugin"


def test_the_same_test_gives_the_same_losses_and_samples(
    tinker_service_client: tinker.ServiceClient, tinker_server: TinkerServer
) -> None:
    first = train(tinker_service_client)
    assert first.losses[-1] < first.losses[0]
    # Another server with its own state: the fixture's seed (0) decides everything.
    with TinkerServer() as other, service_client(other.base_url, seed=0) as service:
        assert train(service) == first
    with service_client(tinker_server.base_url, seed=1) as service:
        reseeded = train(service)
    # (B starts at zero, so the first loss is the base model's whatever the seed; training tells them apart)
    assert reseeded.losses[-1] != first.losses[-1] and reseeded.tokens != first.tokens


@pytest.mark.tinker(seed=7, models=["acme/chat-13b:vocab=300"])
def test_the_marker_picks_the_seed_and_the_served_models(
    tinker_make_training_client: Callable[..., tinker.TrainingClient],
    tinker_make_sampling_client: Callable[..., tinker.SamplingClient],
    tinker_server: TinkerServer,
) -> None:
    training = tinker_make_training_client("acme/chat-13b", rank=4)
    loss = training.forward([_datum()], "cross_entropy").result().metrics["loss:sum"]
    tokens = _tokens(tinker_make_sampling_client("acme/chat-13b").sample(SMALL_PROMPT, 1, PARAMS).result())
    assert all(0 <= t < 300 for t in tokens[0])
    with service_client(tinker_server.base_url, seed=7) as service:
        again = service.create_lora_training_client("acme/chat-13b", rank=4).result()
        assert again.forward([_datum()], "cross_entropy").result().metrics["loss:sum"] == loss
        sampler = service.create_sampling_client(base_model="acme/chat-13b").result()
        assert _tokens(sampler.sample(SMALL_PROMPT, 1, PARAMS).result()) == tokens


def test_code_that_builds_its_own_client_reaches_the_test_server(
    tinker_service_client: tinker.ServiceClient, tinker_server: TinkerServer
) -> None:
    with tinker.ServiceClient() as mine:  # TINKER_BASE_URL and TINKER_API_KEY come from the fixture
        assert repr(mine).startswith(f"<ServiceClient base_url={tinker_server.base_url!r}")
        assert BASE_MODEL in {m.model_name for m in mine.get_server_capabilities().supported_models}


def test_a_loop_survives_a_fault_schedule_with_the_same_result(
    tinker_fault_proxy: FaultProxy, tinker_service_client: tinker.ServiceClient, tinker_server: TinkerServer
) -> None:
    with service_client(tinker_server.base_url) as direct:
        reference = train(direct)
    tinker_fault_proxy.inject(
        Fault.reset("forward_backward", skip=1),
        Fault.drop("optim_step", skip=2),
        Fault.http_status(503, "retrieve_future", skip=2, times=3),
        Fault.http_status(429, "asample", retry_after=0.05),
        Fault.truncate("save_weights_for_sampler"),
        Fault.latency(0.01),
    )
    assert train(tinker_service_client) == reference
    assert not tinker_fault_proxy.unfired()
    assert tinker_fault_proxy.requests(op="create_session"), "the fixture's client goes through the proxy"


def test_an_expired_sample_is_resubmitted_and_samples_the_same(
    tinker_fault_proxy: FaultProxy, tinker_make_sampling_client: Callable[..., tinker.SamplingClient]
) -> None:
    sampler = tinker_make_sampling_client()
    expected = _tokens(sampler.sample(PROMPT, 2, PARAMS).result())
    expired = tinker_fault_proxy.inject(Fault.http_status(410, "retrieve_future", body=b'{"detail": "expired"}'))
    assert _tokens(sampler.sample(PROMPT, 2, PARAMS).result()) == expected
    assert expired[0].applied == 1 and len(tinker_fault_proxy.requests(op="asample")) == 3


def test_a_restart_mid_loop_is_recovered_from_the_latest_checkpoint(
    tinker_fault_proxy: FaultProxy, tinker_service_client: tinker.ServiceClient, tinker_server: TinkerServer
) -> None:
    tinker_fault_proxy.inject(Fault.restart("forward_backward", skip=3))
    training = tinker_service_client.create_lora_training_client(BASE_MODEL, rank=4).result()
    run = tinker.RecoveringTrainingClient(tinker_service_client, training, tinker.RecoveryPolicy(max_attempts=2))
    step, resumed = 0, []
    while step < 5:
        try:
            run.forward_backward([_datum()], "cross_entropy")
            run.optim_step(types.AdamParams(learning_rate=1e-2)).result()
            step += 1
            if step % 2 == 0:
                run.save_state(f"step-{step}").result()
        except tinker.TrainingRunRecovered as recovered:
            resumed.append(recovered.step)
            step = recovered.step
    assert tinker_server.restarts == 1 and resumed == [2]
    assert run.model_id != training.model_id


_STATE_DIR = Path(tempfile.gettempdir()) / f"tinker-marker-state-{os.getpid()}"


@pytest.fixture
def remove_state_dir() -> Iterator[None]:
    """Set up before tinker_server, so torn down after it: the stopped server leaves nothing behind."""
    yield
    shutil.rmtree(_STATE_DIR, ignore_errors=True)


@pytest.mark.tinker(state_dir=_STATE_DIR)
def test_the_marker_picks_the_state_directory(
    remove_state_dir: None, tinker_make_training_client: Callable[..., tinker.TrainingClient]
) -> None:
    path = tinker_make_training_client(rank=4).save_state("kept").result().path
    assert path.endswith("/kept") and any(p.name == "kept" for p in _STATE_DIR.rglob("*"))


_SHARED_SERVER_SUITE = """
import pytest

ports = []

def test_one(tinker_server, tinker_service_client):
    ports.append(tinker_server.port)
    assert "acme/x" in {m.model_name for m in tinker_service_client.get_server_capabilities().supported_models}

def test_two(tinker_server):
    assert ports == [tinker_server.port], "one server for the run"

@pytest.mark.tinker(models=["acme/y:vocab=10"])
def test_three(tinker_server):
    pass
"""


def test_a_shared_server_is_configured_for_the_run_and_refuses_per_test_options(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\ntinker_server_scope = session\ntinker_models = acme/x:vocab=300\n")
    (tmp_path / "test_shared.py").write_text(_SHARED_SERVER_SUITE)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TINKER_")}
    args = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "test_shared.py"]
    proc = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert "2 passed, 1 error" in proc.stdout, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "@pytest.mark.tinker(models=...) configures a server, but tinker_server is shared" in proc.stdout
