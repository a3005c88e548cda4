"""``SamplingClient.sample_stream`` with the sampling features of ``sample`` (issue 13): prompt scores as a
``prompt`` event, each token's top-k, and the same values as ``sample()`` for the same seed -- whether the
server streams or the stream falls back to one ``sample`` call (no ``stream_sample`` endpoint)."""

from __future__ import annotations

import asyncio
import dataclasses
import math
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import tinker
from tests.helpers import make_service
from tinker import types
from tinker.testing import FaultProxy

from .conftest import API_KEY, BASE_MODEL

PROMPT = types.ModelInput.from_ints(list(b"Once upon a time"))
N = PROMPT.length


def params(seed: int = 7, max_tokens: int = 6) -> types.SamplingParams:
    return types.SamplingParams(max_tokens=max_tokens, seed=seed, temperature=1.0, stop=[])


def targets(sparse: bool = False) -> types.TensorData:
    """``[N - 1, 8]`` target ids, -1 where nothing is asked (the first rows ask nothing; few enough cells
    that the sparse form is CSR)."""
    ids = np.full((N - 1, 8), -1, dtype=np.int64)
    ids[4:, 0] = ord("e")
    ids[6:, 1] = 200
    ids[-1, 2] = 0
    return types.TensorData.from_numpy_sparse(ids, pad_value=-1) if sparse else types.TensorData.from_numpy(ids)


FEATURES: dict[str, dict[str, Any]] = {
    "plain": {},
    "topk_sample": {"topk_sample_logprobs": 3},
    "prompt_logprobs": {"include_prompt_logprobs": True, "topk_prompt_logprobs": 2},
    "last_n": {"include_prompt_logprobs": True, "topk_prompt_logprobs": 2, "prompt_logprobs_last_n": 4},
    "targets": {"target_prompt_logprobs": targets()},
    "targets_csr": {"target_prompt_logprobs": targets(sparse=True)},
    "alt_tokens": {"prompt_alt_tokens_k": 2},
    "everything": {
        "include_prompt_logprobs": True,
        "topk_prompt_logprobs": 4,
        "topk_sample_logprobs": 2,
        "target_prompt_logprobs": targets(sparse=True),
        "prompt_alt_tokens_k": 3,
    },
}
PROMPT_PARTS = ("prompt_logprobs", "topk_prompt_logprobs", "target_prompt_logprobs", "prompt_alt_tokens")


@pytest.fixture()
def sampler(service: tinker.ServiceClient) -> tinker.SamplingClient:
    return service.create_sampling_client(base_model=BASE_MODEL).result(timeout=30)


@pytest.fixture()
def fallback_sampler(server: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[tinker.SamplingClient]:
    """A sampler behind a proxy that answers 404 to ``stream_sample``, so every stream falls back."""
    import tinker._streaming as streaming

    monkeypatch.setattr(streaming, "_fallback_logged", threading.Event())
    with FaultProxy(server.base_url) as px:
        px.add(
            "status",
            "/stream_sample",
            times=None,
            status=404,
            headers={"content-type": "application/json"},
            body=b'{"detail": "no such endpoint"}',
        )
        service = make_service(px.base_url, api_key=API_KEY)
        try:
            yield service.create_sampling_client(base_model=BASE_MODEL).result(timeout=30)
        finally:
            service.close().result(timeout=30)


def comparable(events: list[tinker.SampleStreamEvent]) -> list[tinker.SampleStreamEvent]:
    """The prompt event, then each sample's events in order (the server interleaves samples, the fallback
    yields them one after another), without what differs between two requests of equal content (sequence
    ids) or with the source of the text (the server's decoding, or none in the fallback without a
    tokenizer)."""
    key = {"prompt": -1}
    ordered = sorted(events, key=lambda e: key.get(e.type, e.sample_index))  # stable: per-sample order kept
    return [dataclasses.replace(e, text=None, sequence_id=None) for e in ordered]


def assert_matches(events: list[tinker.SampleStreamEvent], expected: types.SampleResponse, asked: dict[str, Any]):
    prompt_events = [e for e in events if e.type == "prompt"]
    asked_prompt = any(
        asked.get(k) for k in ("include_prompt_logprobs", "topk_prompt_logprobs", "prompt_alt_tokens_k")
    ) or (asked.get("target_prompt_logprobs") is not None)
    if asked_prompt:
        assert len(prompt_events) == 1 and events[0] is prompt_events[0], "one prompt event, before any token"
        for part in PROMPT_PARTS:
            assert getattr(prompt_events[0], part) == getattr(expected, part), part
    else:
        assert not prompt_events
    for i, seq in enumerate(expected.sequences):
        toks = [e for e in events if e.type == "token" and e.sample_index == i]
        assert [e.token_id for e in toks] == list(seq.tokens)
        assert [e.logprob for e in toks] == list(seq.logprobs or [])  # exact: float32 either way
        if asked.get("topk_sample_logprobs"):
            assert seq.topk_logprobs is not None
            assert [e.topk_logprobs for e in toks] == seq.topk_logprobs
            assert all(e.topk_logprobs and len(e.topk_logprobs) == asked["topk_sample_logprobs"] for e in toks)
        else:
            assert all(e.topk_logprobs is None for e in toks)
        (done,) = [e for e in events if e.type == "done" and e.sample_index == i]
        assert (done.stop_reason, done.num_tokens) == (seq.stop_reason, len(seq.tokens))


@pytest.mark.parametrize("feature", FEATURES)
def test_streamed_and_fallback_events_equal_a_seeded_sample(
    sampler: tinker.SamplingClient, fallback_sampler: tinker.SamplingClient, feature: str
) -> None:
    asked = FEATURES[feature]
    expected = sampler.sample(PROMPT, 2, params(), **asked).result(timeout=60)
    streamed = list(sampler.sample_stream(PROMPT, 2, params(), **asked))

    async def consume() -> list[tinker.SampleStreamEvent]:
        return [ev async for ev in sampler.sample_stream(PROMPT, 2, params(), **asked)]

    streamed_async = asyncio.run(consume())
    fallback = list(fallback_sampler.sample_stream(PROMPT, 2, params(), **asked))
    for events in (streamed, streamed_async, fallback):
        assert_matches(events, expected, asked)
    # event for event the same stream, whichever way it was produced
    assert comparable(streamed) == comparable(streamed_async) == comparable(fallback)


def test_prompt_event_keeps_the_requests_layout_and_the_suffix_rule(sampler: tinker.SamplingClient) -> None:
    sparse = targets(sparse=True)
    assert sparse.is_sparse
    (prompt,) = [
        e
        for e in sampler.sample_stream(
            PROMPT,
            1,
            params(max_tokens=2),
            include_prompt_logprobs=True,
            topk_prompt_logprobs=2,
            target_prompt_logprobs=sparse,
            prompt_logprobs_last_n=3,
        )
        if e.type == "prompt"
    ]
    target = prompt.target_prompt_logprobs
    assert target is not None and target.is_sparse and target.shape == [N - 1, 8]
    assert target.sparse_crow_indices == sparse.sparse_crow_indices
    assert target.sparse_col_indices == sparse.sparse_col_indices
    values = target.to_numpy()
    asked = sparse.to_numpy(pad_value=-1) >= 0
    assert np.all(values[~asked] == 0.0) and np.all(values[asked] < 0.0) and np.all(np.isfinite(values))
    lps, rows = prompt.prompt_logprobs, prompt.topk_prompt_logprobs
    assert lps is not None and rows is not None and len(lps) == len(rows) == N
    assert all(v is None for v in lps[: N - 3]) and all(v is not None and math.isfinite(v) for v in lps[N - 3 :])
    assert all(r is None for r in rows[: N - 3]) and all(r is not None and len(r) == 2 for r in rows[N - 3 :])


def test_alt_tokens_are_reproducible_and_never_change_the_samples(sampler: tinker.SamplingClient) -> None:
    plain = [e for e in sampler.sample_stream(PROMPT, 2, params()) if e.type == "token"]
    with_alt = list(sampler.sample_stream(PROMPT, 2, params(), prompt_alt_tokens_k=4))
    again = list(sampler.sample_stream(PROMPT, 2, params(), prompt_alt_tokens_k=4))
    assert [(e.sample_index, e.token_id) for e in plain] == [
        (e.sample_index, e.token_id) for e in with_alt if e.type == "token"
    ]
    alt = with_alt[0].prompt_alt_tokens
    assert with_alt[0].type == "prompt" and alt is not None
    assert alt.tokens.shape == alt.logprobs.shape == [N - 1, 4] and alt == again[0].prompt_alt_tokens


# ---------------------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"target_prompt_logprobs": types.TensorData.from_numpy(np.zeros((N - 1, 2), dtype=np.float32))}, "int64"),
        ({"target_prompt_logprobs": types.TensorData.from_numpy(np.zeros(N - 1, dtype=np.int64))}, "2-D|2 dim"),
        ({"prompt_alt_tokens_k": -1}, "prompt_alt_tokens_k"),
        ({"topk_sample_logprobs": -2}, "topk_sample_logprobs"),
        ({"prompt_logprobs_last_n": 2}, "include_prompt_logprobs"),
        ({"include_prompt_logprobs": True, "prompt_logprobs_last_n": N}, "prompt_logprobs_last_n"),
    ],
)
def test_bad_arguments_are_refused_at_the_call_like_sample(
    sampler: tinker.SamplingClient, kwargs: dict[str, Any], error: str
) -> None:
    with pytest.raises(ValueError, match=error) as from_sample:
        sampler.sample(PROMPT, 1, params(), **kwargs)
    with pytest.raises(ValueError, match=error) as from_stream:
        sampler.sample_stream(PROMPT, 1, params(), **kwargs)
    assert type(from_stream.value) is type(from_sample.value)


def test_nan_sampling_params_are_refused_at_the_call(sampler: tinker.SamplingClient) -> None:
    nan = types.SamplingParams(max_tokens=3, temperature=math.nan)
    with pytest.raises(ValueError, match="finite|NaN|nan"):
        sampler.sample_stream(PROMPT, 1, nan)


@pytest.mark.parametrize("fallback", [False, True], ids=["stream", "fallback"])
def test_server_refusals_surface_from_the_iteration(
    sampler: tinker.SamplingClient, fallback_sampler: tinker.SamplingClient, fallback: bool
) -> None:
    client = fallback_sampler if fallback else sampler
    wrong_rows = types.TensorData.from_numpy(np.full((N - 3, 2), 5, dtype=np.int64))  # needs N - 1 rows
    out_of_vocab = types.TensorData.from_numpy(np.full((N - 1, 1), 10**9, dtype=np.int64))
    for bad in (wrong_rows, out_of_vocab):
        stream = client.sample_stream(PROMPT, 1, params(), target_prompt_logprobs=bad)
        with pytest.raises((tinker.BadRequestError, tinker.RequestFailedError)) as err:
            list(stream)
        assert "target_prompt_logprobs" in str(err.value)
    huge_k = client.sample_stream(PROMPT, 3, params(max_tokens=1400), topk_sample_logprobs=1024)
    with pytest.raises((tinker.BadRequestError, tinker.RequestFailedError), match="topk_sample_logprobs"):
        list(huge_k)


def test_missing_alt_tokens_raise_like_sample(sampler: tinker.SamplingClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server that ignores ``prompt_alt_tokens_k`` (simulated by dropping the prompt event): the stream
    raises the RuntimeError ``sample`` raises, before any token is handed out."""
    import tinker._streaming as streaming

    real = streaming.SampleStream._event

    def without_prompt(self: Any, event: str, payload: dict[str, Any]) -> Any:
        return None if event == "prompt" else real(self, event, payload)

    monkeypatch.setattr(streaming.SampleStream, "_event", without_prompt)
    seen: list[Any] = []
    with pytest.raises(RuntimeError, match="prompt_alt_tokens"):
        seen.extend(sampler.sample_stream(PROMPT, 1, params(), prompt_alt_tokens_k=2))
    assert seen == []
    # the other prompt parts do not need it
    assert [e.type for e in sampler.sample_stream(PROMPT, 1, params(max_tokens=1), include_prompt_logprobs=True)] == [
        "token",
        "done",
    ]
