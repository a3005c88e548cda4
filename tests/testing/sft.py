"""The supervised fine-tuning loop the tinker.testing tests run: a user's loop, written against ``tinker`` only."""

from __future__ import annotations

from dataclasses import dataclass

import tinker
from tests.helpers import text_datum
from tinker import types

BASE_MODEL = "tinker-local/tiny-byte"
TEXTS = ["The quick brown fox jumps over the lazy dog.\n", "Pack my box with five dozen liquor jugs.\n"]


@dataclass(frozen=True)
class Run:
    losses: list[float]
    tokens: list[list[int]]
    logprobs: list[list[float]]


def train(service: tinker.ServiceClient, steps: int = 4) -> Run:
    """LoRA SFT for ``steps`` pipelined steps, then two samples from the trained weights (no seeds given)."""
    training = service.create_lora_training_client(BASE_MODEL, rank=4).result(timeout=60)
    data = [text_datum(t) for t in TEXTS]
    losses = []
    for _ in range(steps):
        fwd_bwd = training.forward_backward(data, "cross_entropy")
        optim = training.optim_step(types.AdamParams(learning_rate=1e-2))
        losses.append(fwd_bwd.result(timeout=60).metrics["loss:sum"])
        optim.result(timeout=60)
    sampler = training.save_weights_and_get_sampling_client().result(timeout=60)
    prompt = types.ModelInput.from_ints(list(b"The quick"))
    result = sampler.sample(prompt, 2, types.SamplingParams(max_tokens=8)).result(timeout=60)
    return Run(
        losses,
        [list(s.tokens) for s in result.sequences],
        [list(s.logprobs or []) for s in result.sequences],
    )
