"""Testing your own training loop offline with tinker.testing.

Run:  pip install 'tinker-oss[testing]' && pytest examples/test_my_loop.py

``train`` below stands for your code: it only knows the ``tinker`` API, as code written for the official SDK
does. The tests run it against an in-process local Tinker server (a tiny numpy model), under injected faults,
and from a recorded cassette with the server stopped. No key, no network, a few seconds.
"""

from __future__ import annotations

from pathlib import Path

import tinker
from tinker import types
from tinker.testing import Fault, FaultProxy, TinkerServer, record, replay, service_client

BASE_MODEL = "tinker-local/tiny-byte"  # the built-in byte-level model: token id = byte value
CORPUS = ["The quick brown fox jumps over the lazy dog.\n", "Pack my box with five dozen liquor jugs.\n"]


# ---------------------------------------------------------------------------------------------- your code


def make_datum(text: str) -> types.Datum:
    tokens = list(text.encode())
    return types.Datum(
        model_input=types.ModelInput.from_ints(tokens[:-1]),
        loss_fn_inputs={"target_tokens": tokens[1:], "weights": [1.0] * (len(tokens) - 1)},
    )


def train(service: tinker.ServiceClient, steps: int = 5) -> tuple[list[float], list[int]]:
    """Fine-tune a LoRA on the corpus; return the loss of every step and a sample from the trained weights."""
    training = service.create_lora_training_client(base_model=BASE_MODEL, rank=8).result()
    data = [make_datum(text) for text in CORPUS]
    losses = []
    for _ in range(steps):
        fwd_bwd = training.forward_backward(data, "cross_entropy")
        optim = training.optim_step(types.AdamParams(learning_rate=1e-2))
        losses.append(fwd_bwd.result().metrics["loss:sum"])
        optim.result()
    sampler = training.save_weights_and_get_sampling_client().result()
    prompt = types.ModelInput.from_ints(list(b"The quick"))
    sample = sampler.sample(prompt, num_samples=1, sampling_params=types.SamplingParams(max_tokens=10)).result()
    return losses, list(sample.sequences[0].tokens)


# ---------------------------------------------------------------------------------------------- your tests


def test_the_loss_falls(tinker_service_client: tinker.ServiceClient) -> None:
    losses, sample = train(tinker_service_client)
    assert losses[-1] < losses[0] / 2
    assert len(sample) == 10


def test_the_loop_survives_production_faults(
    tinker_server: TinkerServer, tinker_fault_proxy: FaultProxy, tinker_service_client: tinker.ServiceClient
) -> None:
    # The fault-free run, straight to the server (the fixtures seed LoRA and sampling: runs are comparable).
    with service_client(tinker_server.base_url) as direct:
        expected = train(direct)
    # tinker_service_client talks through the proxy, because this test uses tinker_fault_proxy.
    tinker_fault_proxy.inject(
        Fault.reset("forward_backward", skip=1),  # a connection refused mid-run
        Fault.drop("optim_step", skip=2),  # the server applied the step, its reply was lost
        Fault.http_status(503, "retrieve_future", times=3),  # a burst of 5xx while polling
        Fault.http_status(429, "asample", retry_after=0.1),  # rate limited
        Fault.truncate("save_weights_for_sampler"),  # a reply cut in half
        Fault.latency(0.005),  # every request a little slow
    )
    assert train(tinker_service_client) == expected  # every step applied once, nothing lost
    assert not tinker_fault_proxy.unfired()  # and every fault really happened


def test_the_loop_replays_from_a_cassette_without_a_server(tinker_server: TinkerServer, tmp_path: Path) -> None:
    cassette = tmp_path / "sft-run.jsonl"
    with record(cassette), service_client(tinker_server.base_url) as service:  # or TINKER_RECORD=... python
        recorded = train(service)
    tinker_server.stop()
    with replay(cassette), tinker.ServiceClient() as service:  # or TINKER_REPLAY=...: no server, no key
        assert train(service) == recorded  # the same losses and tokens, bit for bit
