"""The facade against the real local server: SFT, RL losses, custom losses, checkpoints, both call styles."""

from __future__ import annotations

import asyncio
import warnings

import numpy as np
import pytest

import tinker
from tests.helpers import text_datum
from tinker import types

from .conftest import BASE_MODEL

TEXTS = ["The quick brown fox jumps over the lazy dog.\n", "Pack my box with five dozen liquor jugs.\n"]


def _per_token(out: types.ForwardBackwardOutput, data: list[types.Datum]) -> float:
    return out.metrics["loss:sum"] / sum(d.model_input.length for d in data)


def test_sft_loss_falls_and_outputs_have_datum_shapes(service: tinker.ServiceClient) -> None:
    training = service.create_lora_training_client(base_model=BASE_MODEL, rank=8, seed=1).result()
    data = [text_datum(t) for t in TEXTS]
    losses = []
    for _ in range(15):
        fb = training.forward_backward(data, "cross_entropy")
        optim = training.optim_step(types.AdamParams(learning_rate=1e-2))
        out = fb.result()
        assert optim.result().metrics is not None
        losses.append(_per_token(out, data))
        for d, rec in zip(data, out.loss_fn_outputs):
            assert rec["logprobs"].to_numpy().shape == (d.model_input.length,)
    assert losses[-1] < 0.5 * losses[0], losses
    # Forward computes the same loss without changing the weights.
    a = training.forward(data, "cross_entropy").result()
    b = training.forward(data, "cross_entropy").result()
    assert a.metrics["loss:sum"] == pytest.approx(b.metrics["loss:sum"])


def test_get_tokenizer_comes_from_the_server(service: tinker.ServiceClient) -> None:
    training = service.create_lora_training_client(base_model=BASE_MODEL, rank=4).result()
    tokenizer = training.get_tokenizer()
    text = "héllo wörld"
    assert tokenizer.decode(tokenizer.encode(text, add_special_tokens=False)) == text
    assert training.get_info().model_data.model_name == BASE_MODEL


def _rl_datum(prompt: list[int], completion: list[int], sampler_logprobs: list[float], advantage: float) -> types.Datum:
    tokens = prompt + completion
    n_prompt = len(prompt) - 1
    return types.Datum(
        model_input=types.ModelInput.from_ints(tokens[:-1]),
        loss_fn_inputs={
            "target_tokens": tokens[1:],
            "logprobs": [0.0] * n_prompt + sampler_logprobs,
            "advantages": [0.0] * n_prompt + [advantage] * len(completion),
        },
    )


@pytest.mark.parametrize("loss_fn", ["importance_sampling", "ppo"])
def test_rl_loop_moves_the_policy_towards_rewarded_samples(service: tinker.ServiceClient, loss_fn: str) -> None:
    """Reward sampled bytes below 128 (about half of the vocabulary at init); their rate must rise."""
    training = service.create_lora_training_client(base_model=BASE_MODEL, rank=8, seed=2).result()
    prompt = list(b"Say: ")
    params = types.SamplingParams(max_tokens=8, temperature=1.0, seed=3, stop=[])

    def rate(sampler: tinker.SamplingClient) -> float:
        res = sampler.sample(types.ModelInput.from_ints(prompt), num_samples=32, sampling_params=params).result()
        toks = np.concatenate([np.asarray(s.tokens) for s in res.sequences])
        return float(np.mean(toks < 128))

    sampler = training.save_weights_and_get_sampling_client().result()
    before = rate(sampler)
    for it in range(6):
        res = sampler.sample(
            types.ModelInput.from_ints(prompt),
            num_samples=16,
            sampling_params=types.SamplingParams(max_tokens=8, temperature=1.0, seed=10 + it, stop=[]),
        ).result()
        rewards = np.array([np.mean(np.asarray(s.tokens) < 128) for s in res.sequences])
        adv = rewards - rewards.mean()
        data = [
            _rl_datum(prompt, list(s.tokens), list(s.logprobs), float(a))
            for s, a in zip(res.sequences, adv)
            if s.tokens
        ]
        assert all(s.sequence_id for s in res.sequences)
        training.forward_backward(data, loss_fn).result()
        training.optim_step(types.AdamParams(learning_rate=5e-2)).result()
        sampler = training.save_weights_and_get_sampling_client().result()
    after = rate(sampler)
    assert after > before + 0.1, (before, after)


def test_forward_backward_custom_matches_cross_entropy(service: tinker.ServiceClient) -> None:
    torch = pytest.importorskip("torch")
    data = [text_datum(t) for t in TEXTS]
    a = service.create_lora_training_client(base_model=BASE_MODEL, rank=4, seed=5).result()
    b = service.create_lora_training_client(base_model=BASE_MODEL, rank=4, seed=5).result()

    def neg_ll(batch: list[types.Datum], logprobs: list[torch.Tensor]) -> tuple[torch.Tensor, dict[str, float]]:
        loss = sum(
            -(lp * torch.as_tensor(d.loss_fn_inputs["weights"].to_numpy())).sum() for d, lp in zip(batch, logprobs)
        )
        return loss, {"custom/neg_ll:sum": float(loss.detach())}

    custom = a.forward_backward_custom(data, neg_ll).result()
    plain = b.forward_backward(data, "cross_entropy").result()
    assert custom.metrics["loss:sum"] == pytest.approx(plain.metrics["loss:sum"], rel=1e-4)
    assert "surrogate_loss:sum" in custom.metrics
    a.optim_step(types.AdamParams(learning_rate=1e-2)).result()
    b.optim_step(types.AdamParams(learning_rate=1e-2)).result()
    # Same gradient → same update → same loss afterwards.
    la = a.forward(data, "cross_entropy").result().metrics["loss:sum"]
    lb = b.forward(data, "cross_entropy").result().metrics["loss:sum"]
    assert la == pytest.approx(lb, rel=1e-4)


def test_checkpoints_save_load_and_sample(service: tinker.ServiceClient) -> None:
    data = [text_datum(t) for t in TEXTS]
    training = service.create_lora_training_client(
        base_model=BASE_MODEL, rank=8, seed=7, user_metadata={"renderer_name": "bytes"}
    ).result()
    for _ in range(5):
        training.forward_backward(data, "cross_entropy")
        training.optim_step(types.AdamParams(learning_rate=1e-2))
    trained = training.forward(data, "cross_entropy").result().metrics["loss:sum"]
    state = training.save_state("e2e-state").result()
    sampler_ckpt = training.save_weights_for_sampler("e2e-sampler").result()
    assert state.path.endswith("/weights/e2e-state") and sampler_ckpt.path.endswith("/sampler_weights/e2e-sampler")

    restored = service.create_training_client_from_state_with_optimizer(state.path).result()
    assert restored.forward(data, "cross_entropy").result().metrics["loss:sum"] == pytest.approx(trained, rel=1e-5)
    weights_only = service.create_training_client_from_state(state.path).result()
    assert weights_only.forward(data, "cross_entropy").result().metrics["loss:sum"] == pytest.approx(trained, rel=1e-5)

    sampler = service.create_sampling_client(model_path=sampler_ckpt.path).result()
    assert sampler.get_base_model() == BASE_MODEL
    params = types.SamplingParams(max_tokens=10, temperature=0.0)
    res = sampler.sample(types.ModelInput.from_ints(list(b"The quick")), num_samples=2, sampling_params=params).result()
    assert res.sequences[0].tokens == res.sequences[1].tokens
    logprobs = sampler.compute_logprobs(types.ModelInput.from_ints(list(b"The quick"))).result()
    assert logprobs[0] is None and len(logprobs) == 9 and all(lp <= 0 for lp in logprobs[1:])

    rest = tinker.RestClient(base_url=service.holder.settings.base_url, api_key="tml-e2e")
    run = rest.get_training_run_by_tinker_path(state.path).result()
    assert run.user_metadata == {"renderer_name": "bytes"}
    paths = {c.tinker_path for c in rest.list_checkpoints(run.training_run_id).result().checkpoints}
    assert {state.path, sampler_ckpt.path} <= paths
    rest.delete_checkpoint_from_tinker_path(state.path).result()
    paths = {c.tinker_path for c in rest.list_checkpoints(run.training_run_id).result().checkpoints}
    assert state.path not in paths


def test_async_call_styles(service: tinker.ServiceClient) -> None:
    data = [text_datum(t) for t in TEXTS]

    async def new_style() -> float:
        training = await service.create_lora_training_client(base_model=BASE_MODEL, rank=4)
        fb = training.forward_backward(data, "cross_entropy")
        optim = training.optim_step(types.AdamParams(learning_rate=1e-2))
        out = await fb
        await optim
        sampler = await training.save_weights_and_get_sampling_client()
        res = await sampler.sample(
            types.ModelInput.from_ints(list(b"Pack")), num_samples=1, sampling_params=types.SamplingParams(max_tokens=4)
        )
        assert len(res.sequences) == 1
        return out.metrics["loss:sum"]

    async def old_style() -> float:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            training = await service.create_lora_training_client_async(base_model=BASE_MODEL, rank=4)
            fut = await training.forward_backward_async(data, "cross_entropy")
            out = await fut.result_async()
            await (await training.optim_step_async(types.AdamParams(learning_rate=1e-2))).result_async()
            sampler = await training.save_weights_and_get_sampling_client_async()
            res = await sampler.sample_async(
                types.ModelInput.from_ints(list(b"Pack")),
                num_samples=1,
                sampling_params=types.SamplingParams(max_tokens=4),
            )
            assert len(res.sequences) == 1
            return out.metrics["loss:sum"]

    assert asyncio.run(new_style()) > 0
    assert asyncio.run(old_style()) > 0


def test_futures_returned_by_create_work_as_clients_with_a_warning(service: tinker.ServiceClient) -> None:
    data = [text_datum(TEXTS[0])]
    future = service.create_lora_training_client(base_model=BASE_MODEL, rank=4)
    assert isinstance(future, tinker.TrainingClient) and isinstance(future, tinker.APIFuture)
    with pytest.warns(FutureWarning):
        out = future.forward_backward(data, "cross_entropy").result()
    assert out.metrics["loss:sum"] > 0
    with pytest.warns(FutureWarning):
        assert future.model_id == future.result().model_id


def test_user_errors_are_clear(service: tinker.ServiceClient) -> None:
    with pytest.raises(tinker.TinkerError) as info:
        service.create_lora_training_client(base_model="no/such-model", rank=4).result()
    assert "no/such-model" in str(info.value)
    training = service.create_lora_training_client(base_model=BASE_MODEL, rank=4).result()
    bad = types.Datum(
        model_input=types.ModelInput.from_ints([1, 2, 3]),
        loss_fn_inputs={"target_tokens": [1, 2, 99999], "weights": [1.0, 1.0, 1.0]},
    )
    with pytest.raises(tinker.TinkerError) as info:
        training.forward_backward([bad], "cross_entropy").result()
    assert "target_tokens" in str(info.value)
    assert "tml-e2e" not in str(info.value)
