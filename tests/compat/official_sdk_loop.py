"""A training + sampling loop written against the *official* tinker SDK, run by test_official_sdk.py.

It runs inside a separate virtualenv holding the official package (never a dependency of this project):

    python official_sdk_loop.py BASE_URL

Exit status 0 means: 20 SFT steps lowered the loss, state and sampler weights were saved, sampling from
them worked, and the state restored into a new training client reproduces the trained loss.
"""

from __future__ import annotations

import sys

import tinker
from tinker import types

BASE_MODEL = "tinker-local/tiny-byte"
TEXTS = ["The quick brown fox jumps over the lazy dog.\n", "Pack my box with five dozen liquor jugs.\n"]


def datum(text: str) -> types.Datum:
    tokens = list(text.encode("utf-8"))  # the built-in model's byte tokenizer: id = byte value
    return types.Datum(
        model_input=types.ModelInput.from_ints(tokens[:-1]),
        loss_fn_inputs={"target_tokens": tokens[1:], "weights": [1.0] * (len(tokens) - 1)},
    )


def resolved(x):
    """Creation methods return the client (<= 0.25) or a future of it (0.38)."""
    return x.result() if isinstance(x, tinker.APIFuture) else x


def main(base_url: str) -> int:
    version = getattr(tinker, "__version__", "?")
    print(f"official tinker {version} against {base_url}")
    service = tinker.ServiceClient(base_url=base_url, api_key="tml-local-compat")
    names = [m.model_name for m in service.get_server_capabilities().supported_models]
    assert BASE_MODEL in names, names
    training = service.create_lora_training_client(base_model=BASE_MODEL, rank=8)
    training = resolved(training)
    data = [datum(t) for t in TEXTS]
    n_tokens = sum(d.model_input.length for d in data)
    losses = []
    for step in range(20):
        fb = training.forward_backward(data, "cross_entropy")
        opt = training.optim_step(types.AdamParams(learning_rate=1e-2))
        out = fb.result()
        opt.result()
        losses.append(out.metrics["loss:sum"] / n_tokens)
        assert len(out.loss_fn_outputs) == len(data)
    print("loss per token:", " ".join(f"{x:.3f}" for x in losses))
    assert losses[-1] < 0.6 * losses[0], f"loss did not fall: {losses[0]:.3f} -> {losses[-1]:.3f}"

    state_path = training.save_state("compat-final").result().path
    sampler_path = training.save_weights_for_sampler("compat-sampler").result().path
    print("saved", state_path, sampler_path)
    assert state_path.startswith("tinker://") and "/weights/" in state_path
    assert sampler_path.startswith("tinker://") and "/sampler_weights/" in sampler_path

    sampler = service.create_sampling_client(model_path=sampler_path)
    sampler = resolved(sampler)
    prompt = types.ModelInput.from_ints(list(b"The quick "))
    params = types.SamplingParams(max_tokens=20, temperature=0.0, stop=["\n"])
    response = sampler.sample(prompt=prompt, num_samples=2, sampling_params=params).result()
    text = bytes(t for t in response.sequences[0].tokens if t < 256).decode("utf-8", "replace")
    print("sample:", repr(text), response.sequences[0].stop_reason)
    assert len(response.sequences) == 2 and response.sequences[0].tokens
    assert response.sequences[0].tokens == response.sequences[1].tokens  # greedy

    restored = service.create_training_client_from_state(state_path)
    restored = resolved(restored)
    again = restored.forward(data, "cross_entropy").result().metrics["loss:sum"] / n_tokens
    print(f"restored model loss per token: {again:.3f}")
    assert abs(again - losses[-1]) < 0.5 * losses[0], (again, losses)
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
