"""Supervised fine-tuning plus sampling, offline, against the embedded local Tinker server.

Run:  pip install -e '.[local]' && python examples/quickstart.py

The same loop runs against any Tinker server: drop the LocalServer block and set TINKER_BASE_URL and
TINKER_API_KEY instead.
"""

from __future__ import annotations

import argparse

import tinker
from tinker import types
from tinker_local import LocalServer

BASE_MODEL = "tinker-local/tiny-byte"
CORPUS = [
    "The quick brown fox jumps over the lazy dog.\n",
    "A journey of a thousand miles begins with a single step.\n",
    "To be or not to be, that is the question.\n",
    "All that glitters is not gold.\n",
]


def make_datum(tokenizer: object, text: str) -> types.Datum:
    """Next-token prediction on the whole text: input tokens[:-1], targets tokens[1:], every weight 1."""
    tokens = tokenizer.encode(text)  # type: ignore[attr-defined]
    return types.Datum(
        model_input=types.ModelInput.from_ints(tokens[:-1]),
        loss_fn_inputs={"target_tokens": tokens[1:], "weights": [1.0] * (len(tokens) - 1)},
    )


def run(base_url: str, steps: int, learning_rate: float) -> None:
    with tinker.ServiceClient(base_url=base_url, api_key="local") as service:
        training = service.create_lora_training_client(base_model=BASE_MODEL, rank=16, seed=0).result()
        tokenizer = training.get_tokenizer()
        data = [make_datum(tokenizer, text) for text in CORPUS]
        n_tokens = sum(d.model_input.length for d in data)

        print(f"fine-tuning {BASE_MODEL} (LoRA rank 16) on {len(data)} sentences, {n_tokens} tokens")
        for step in range(steps):
            # Submit both calls before waiting: they pipeline and run in order on the server.
            fwd_bwd = training.forward_backward(data, "cross_entropy")
            optim = training.optim_step(types.AdamParams(learning_rate=learning_rate))
            loss = fwd_bwd.result().metrics["loss:sum"] / n_tokens
            optim.result()
            if step % 5 == 0 or step == steps - 1:
                print(f"step {step:3d}  loss/token {loss:.4f}")

        state = training.save_state("final").result()
        print(f"saved training state: {state.path}")
        sampler = training.save_weights_and_get_sampling_client().result()
        params = types.SamplingParams(max_tokens=48, temperature=0.0, stop=["\n"])
        for text in CORPUS[:2]:
            prefix = text[:12]
            prompt = types.ModelInput.from_ints(tokenizer.encode(prefix))
            result = sampler.sample(prompt, num_samples=1, sampling_params=params).result()
            completion = tokenizer.decode(result.sequences[0].tokens)
            print(f"sample: {prefix!r} -> {completion!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--learning-rate", type=float, default=5e-3)
    args = parser.parse_args()
    with LocalServer() as server:
        print(f"local Tinker server at {server.base_url}")
        run(server.base_url, args.steps, args.learning_rate)


if __name__ == "__main__":
    main()
