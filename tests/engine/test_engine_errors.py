"""Bad inputs raise EngineInputError naming the key and the shapes, and change nothing."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tinker_local.engine import Datum, EngineInputError, LoraConfig, TrainableModel

N = 12


@pytest.fixture(scope="module")
def model(base):
    return TrainableModel(base, LoraConfig(rank=2))


def _rl(**over):
    d = {
        "target_tokens": np.arange(N, dtype=np.int64),
        "logprobs": -np.ones(N, np.float32),
        "advantages": np.ones(N, np.float32),
    }
    d.update(over)
    return {k: v for k, v in d.items() if v is not None}


TOKENS = np.arange(1, N + 1, dtype=np.int64)

CASES = [
    (
        "ppo",
        _rl(advantages=np.ones(11, np.float32)),
        None,
        "loss_fn_inputs['advantages']: expected shape (12,), got (11,)",
    ),
    ("ppo", _rl(logprobs=np.ones((12, 2))), None, "loss_fn_inputs['logprobs']: expected shape (12,), got (12, 2)"),
    ("ppo", _rl(advantages=None), None, "loss_fn_inputs['advantages']: missing"),
    ("cross_entropy", {}, None, "loss_fn_inputs['target_tokens']: missing"),
    (
        "cross_entropy",
        {"target_tokens": np.arange(11)},
        None,
        "loss_fn_inputs['target_tokens']: expected shape (12,) or (12, K) with K >= 1, got (11,)",
    ),
    (
        "cross_entropy",
        {"target_tokens": np.arange(N), "weights": np.ones(13)},
        None,
        "loss_fn_inputs['weights']: expected shape (12,), got (13,)",
    ),
    (
        "cross_entropy",
        {"target_tokens": np.zeros((N, 2), np.int64), "weights": np.ones(N)},
        None,
        "loss_fn_inputs['weights']: expected shape (12, 2), got (12,)",
    ),
    (
        "ppo",
        _rl(target_tokens=np.zeros((N, 2), np.int64)),
        None,
        "loss_fn_inputs['target_tokens']: expected shape (12,), got (12, 2)",
    ),
    ("cross_entropy", {"target_tokens": np.arange(N) + 300}, None, "loss_fn_inputs['target_tokens']: token 300"),
    ("cross_entropy", {"target_tokens": np.arange(N) - 1}, None, "loss_fn_inputs['target_tokens']: token -1"),
    (
        "cross_entropy",
        {"target_tokens": np.arange(N, dtype=np.float32)},
        None,
        "loss_fn_inputs['target_tokens']: expected an integer array",
    ),
    ("ppo", _rl(advantages=np.full(N, np.nan)), None, "loss_fn_inputs['advantages']: contains NaN"),
    ("ppo", _rl(logprobs=np.full(N, -np.inf)), None, "loss_fn_inputs['logprobs']: contains NaN or infinite"),
    ("cross_entropy", {"target_tokens": np.arange(N), "mask": np.ones(N)}, None, "loss_fn_inputs['mask']: unknown key"),
    ("gspo", _rl(), None, "loss_fn_inputs['sequence_ratio_mask']: missing"),
    ("nope", _rl(), None, "loss_fn: unknown loss 'nope'"),
    ("ppo", _rl(), {"clip_eps": 0.2}, "loss_fn_config['clip_eps']: unknown key"),
    ("cross_entropy", {"target_tokens": np.arange(N)}, {"beta": 1.0}, "loss_fn_config['beta']: unknown key"),
    ("dro", _rl(), {"beta": "abc"}, "loss_fn_config['beta']: expected a number"),
    ("dro", _rl(), {"beta": float("inf")}, "loss_fn_config['beta']: expected a finite number"),
    ("ppo", _rl(), {"clip_low_threshold": 1.5}, "clip_low_threshold"),
]


@pytest.mark.parametrize("loss, inputs, cfg, message", CASES)
def test_bad_inputs_name_key_and_shape(model, loss, inputs, cfg, message):
    before = {k: v.copy() for k, v in model.params.items()}
    good = Datum(TOKENS, _rl(sequence_ratio_mask=np.ones(N)))
    with pytest.raises(EngineInputError, match=re.escape(message)) as exc:
        # the bad datum is second: validation happens before anything is computed
        model.forward_backward([good, Datum(TOKENS, inputs)], loss, cfg)
    if message.startswith("loss_fn_inputs"):
        assert str(exc.value).startswith("datums[1].loss_fn_inputs")
    assert model.pending_datums == 0 and all(not g.any() for g in model.grads.values())
    for k, v in before.items():
        np.testing.assert_array_equal(v, model.params[k])


def test_datum_index_in_message(model):
    good = Datum(TOKENS, {"target_tokens": np.arange(N)})
    with pytest.raises(EngineInputError, match=re.escape("datums[1].loss_fn_inputs['target_tokens']: missing")):
        model.forward([good, Datum(TOKENS, {})], "cross_entropy")


@pytest.mark.parametrize(
    "tokens, message",
    [
        (np.array([], dtype=np.int64), "datums[0].tokens: expected at least one token, got shape (0,)"),
        (np.array([1, 2, 259]), "datums[0].tokens: token 259 outside the vocabulary [0, 259)"),
        (np.array([[1, 2]]), "datums[0].tokens: expected a 1-D token array of shape (N,), got shape (1, 2)"),
        (np.array([1.0, 2.0]), "datums[0].tokens: expected an integer array"),
        (np.zeros(2049, dtype=np.int64), "datums[0].tokens: 2049 tokens exceed the context length 2048"),
    ],
)
def test_bad_tokens(model, tokens, message):
    n = tokens.shape[0] if tokens.ndim == 1 else 2
    with pytest.raises(EngineInputError, match=re.escape(message)):
        model.forward([Datum(tokens, {"target_tokens": np.zeros(n, np.int64)})], "cross_entropy")


def test_empty_datum_list(model):
    with pytest.raises(EngineInputError, match="datums"):
        model.forward([], "cross_entropy")


def test_error_is_value_error():
    assert issubclass(EngineInputError, ValueError)


def test_known_but_unused_keys_are_ignored(model):
    # e.g. cross_entropy datums built by an RL recipe that still carry advantages
    d = Datum(TOKENS, _rl())
    r = model.forward([d], "cross_entropy")
    assert r.outputs[0]["logprobs"].shape == (N,)
