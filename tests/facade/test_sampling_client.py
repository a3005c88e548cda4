"""SamplingClient: sample/compute_logprobs bodies and results, backpressure, expired futures, validation."""

from __future__ import annotations

import asyncio
import json
import logging

import httpx
import numpy as np
import pytest
from fake_tinker import PB, FakeServer, bare, make_service, status

import tinker
import tinker_wire as wire

PROMPT = tinker.ModelInput.from_ints([5, 6, 7, 8])
PARAMS = tinker.SamplingParams(max_tokens=3, temperature=0.5, seed=11)


def test_sample_request_and_result(sampling, server: FakeServer) -> None:
    resp = sampling.sample(PROMPT, 2, PARAMS).result(timeout=10)
    (sub,) = server.op_calls("asample")
    body = sub.body
    assert body["sampling_session_id"] == sampling.sampling_session_id
    assert body["seq_id"] == 0
    assert body["num_samples"] == 2
    assert body["prompt"] == {"chunks": [{"type": "encoded_text", "tokens": [5, 6, 7, 8]}]}
    assert body["sampling_params"]["max_tokens"] == 3
    assert body["sampling_params"]["temperature"] == 0.5
    assert body["sampling_params"]["seed"] == 11
    assert body["prompt_logprobs"] is False
    assert body["topk_prompt_logprobs"] == 0
    assert body["type"] == "sample"
    assert sub.header("x-tinker-sampling-backpressure") == "1"
    # The inline-result extension is asked for; this server ignores it, so the future is polled as usual.
    assert sub.header("x-tinker-result-wait") == "10.0"
    assert PB in sub.header("accept")
    poll = server.op_calls("retrieve_future")[-1]
    assert poll.header("x-tinker-request-type") == "Sample"
    assert PB in poll.header("accept")
    assert isinstance(resp, tinker.SampleResponse)
    assert [s.tokens for s in resp.sequences] == [[0, 0, 7], [0, 1, 7]]
    assert resp.sequences[0].logprobs == [-0.5, -0.25, -0.125]
    assert resp.sequences[0].stop_reason == "length"
    assert resp.prompt_logprobs is None


def test_sample_sequence_ids_are_stamped_in_order(sampling, server: FakeServer) -> None:
    resp = sampling.sample(PROMPT, 3, PARAMS).result(timeout=10)
    assert [s.sequence_id for s in resp.sequences] == ["seq-0-0", "seq-0-1", "seq-0-2"]


def test_sample_sequence_ids_on_a_json_result(sampling, server: FakeServer) -> None:
    result = wire.WireSampleResponse([wire.WireSampledSequence("stop", np.array([9, 9]), np.array([-1.0, -2.0]))])
    server.script_polls(wire.sample_response_to_json(result))
    resp = sampling.sample(PROMPT, 1, PARAMS).result(timeout=10)
    assert resp.sequences[0].tokens == [9, 9]
    assert resp.sequences[0].stop_reason == "stop"
    assert resp.sequences[0].sequence_id == "seq-0-0"


def test_an_inline_result_is_used_without_polling(sampling, server: FakeServer) -> None:
    result = wire.WireSampleResponse([wire.WireSampledSequence("stop", np.array([4, 2]), np.array([-0.5, -1.5]))] * 2)
    future = {"request_id": "r-inline", "sample_sequence_ids": ["r-inline:0", "r-inline:1"]}
    headers = {"content-type": PB, "X-Tinker-Inline-Future": json.dumps(future)}
    server.script("/api/v1/asample", httpx.Response(200, content=wire.encode_sample_response(result), headers=headers))
    resp = sampling.sample(PROMPT, 2, PARAMS).result(timeout=10)
    assert server.op_calls("retrieve_future") == []
    assert [s.tokens for s in resp.sequences] == [[4, 2], [4, 2]]
    assert [s.sequence_id for s in resp.sequences] == ["r-inline:0", "r-inline:1"]
    assert resp.sequences[0].logprobs == [-0.5, -1.5]


@pytest.mark.parametrize("header", ["not json", "[1, 2]", '"r-1"'])
def test_a_malformed_inline_future_header_is_an_error_naming_it(sampling, server: FakeServer, header: str) -> None:
    result = wire.WireSampleResponse([wire.WireSampledSequence("stop", np.array([4]), np.array([-0.5]))])
    headers = {"content-type": PB, "X-Tinker-Inline-Future": header}
    server.script("/api/v1/asample", httpx.Response(200, content=wire.encode_sample_response(result), headers=headers))
    with pytest.raises(tinker.APIResponseValidationError, match="malformed X-Tinker-Inline-Future header"):
        sampling.sample(PROMPT, 1, PARAMS).result(timeout=10)


def test_a_short_client_timeout_asks_for_a_shorter_hold(server: FakeServer) -> None:
    service = make_service(server, timeout=4.0)
    try:
        client = service.create_sampling_client(base_model="Qwen/Qwen3-8B").result(timeout=10)
        client.sample(PROMPT, 1, PARAMS).result(timeout=10)
    finally:
        service.close()
    assert server.op_calls("asample")[-1].header("x-tinker-result-wait") == "2.0"


def test_sample_seq_ids_count_up_per_call(sampling, server: FakeServer) -> None:
    futs = [sampling.sample(PROMPT, 1, PARAMS) for _ in range(4)]
    for f in futs:
        f.result(timeout=10)
    assert sorted(r.body["seq_id"] for r in server.op_calls("asample")) == [0, 1, 2, 3]


def test_sample_optional_fields(sampling, server: FakeServer) -> None:
    target = tinker.TensorData(np.zeros((3, 2), dtype=np.int64), dtype="int64", shape=[3, 2])
    sampling.sample(
        PROMPT,
        1,
        PARAMS,
        include_prompt_logprobs=True,
        topk_prompt_logprobs=2,
        topk_sample_logprobs=1,
        target_prompt_logprobs=target,
        prompt_logprobs_last_n=2,
    ).result(timeout=10)
    body = server.op_calls("asample")[0].body
    assert body["prompt_logprobs"] is True
    assert body["topk_prompt_logprobs"] == 2
    assert body["topk_sample_logprobs"] == 1
    assert body["prompt_logprobs_last_n"] == 2
    assert body["target_prompt_logprobs"]["shape"] == [3, 2]


def test_compute_logprobs(sampling, server: FakeServer) -> None:
    lps = sampling.compute_logprobs(PROMPT).result(timeout=10)
    body = server.op_calls("asample")[0].body
    assert body["num_samples"] == 1
    assert body["sampling_params"]["max_tokens"] == 1
    assert body["prompt_logprobs"] is True
    assert lps == [None, -1.0, -2.0, -3.0]


def test_compute_logprobs_last_n(sampling, server: FakeServer) -> None:
    sampling.compute_logprobs(PROMPT, prompt_logprobs_last_n=2).result(timeout=10)
    assert server.op_calls("asample")[0].body["prompt_logprobs_last_n"] == 2


# ------------------------------------------------------------------ backpressure and resubmission


def test_429_backpressure_then_success(sampling, server: FakeServer, sleeps) -> None:
    server.script("/api/v1/asample", status(429, {"detail": "slow down"}))
    resp = sampling.sample(PROMPT, 1, PARAMS).result(timeout=10)
    assert len(server.op_calls("asample")) == 2
    assert len(resp.sequences) == 1
    assert any(d == pytest.approx(1.0, abs=0.05) for d in sleeps.delays)  # small prompt: 1 s


def test_429_backpressure_large_prompt_waits_longer(sampling, server: FakeServer, sleeps) -> None:
    big = tinker.ModelInput.from_ints(list(range(40_000)))  # 160 KB > 128 KiB
    server.script("/api/v1/asample", status(429))
    sampling.sample(big, 1, PARAMS).result(timeout=10)
    assert any(d == pytest.approx(5.0, abs=0.05) for d in sleeps.delays)


def test_429_backpressure_honours_retry_after(sampling, server: FakeServer, sleeps) -> None:
    server.script("/api/v1/asample", status(429, retry_after="0.05"))
    sampling.sample(PROMPT, 1, PARAMS).result(timeout=10)
    assert any(d == pytest.approx(0.05, abs=0.02) for d in sleeps.delays)
    assert not any(d >= 0.9 for d in sleeps.delays)


def test_429_backpressure_honours_retry_after_ms(sampling, server: FakeServer, sleeps) -> None:
    server.script("/api/v1/asample", status(429, retry_after_ms="50"))
    sampling.sample(PROMPT, 1, PARAMS).result(timeout=10)
    assert any(d == pytest.approx(0.05, abs=0.02) for d in sleeps.delays)


def test_429_with_out_of_range_retry_after_keeps_the_backpressure_delay(sampling, server, sleeps) -> None:
    server.script("/api/v1/asample", status(429, retry_after="120"))
    sampling.sample(PROMPT, 1, PARAMS).result(timeout=10)
    assert max(sleeps.delays) >= 1.0 - 0.05


def test_5xx_on_submit_is_retried(sampling, server: FakeServer) -> None:
    server.script("/api/v1/asample", status(503), status(500))
    sampling.sample(PROMPT, 1, PARAMS).result(timeout=10)
    assert len(server.op_calls("asample")) == 3


def test_400_on_submit_is_raised(sampling, server: FakeServer) -> None:
    server.script("/api/v1/asample", status(400, {"detail": "prompt too long"}))
    with pytest.raises(tinker.BadRequestError, match="prompt too long"):
        sampling.sample(PROMPT, 1, PARAMS).result(timeout=10)
    assert len(server.op_calls("asample")) == 1


def test_expired_future_is_resubmitted_with_a_new_seq_id(sampling, server: FakeServer) -> None:
    server.script_polls(status(410, {"detail": "future expired"}))
    resp = sampling.sample(PROMPT, 2, PARAMS).result(timeout=10)
    subs = server.op_calls("asample")
    assert [s.body["seq_id"] for s in subs] == [0, 1]
    assert {k: v for k, v in subs[0].body.items() if k != "seq_id"} == {
        k: v for k, v in subs[1].body.items() if k != "seq_id"
    }
    # the result and its sequence ids come from the resubmitted request
    assert [s.sequence_id for s in resp.sequences] == ["seq-1-0", "seq-1-1"]
    assert resp.sequences[0].tokens == [1, 0, 7]


def test_expired_future_gives_up_after_five_resubmits(sampling, server: FakeServer) -> None:
    for _ in range(6):
        server.script_polls(bare(410))
    with pytest.raises(tinker.RetryableError):
        sampling.sample(PROMPT, 1, PARAMS).result(timeout=10)
    assert len(server.op_calls("asample")) == 6


def test_failed_sample_raises_request_failed(sampling, server: FakeServer) -> None:
    server.script_polls({"error": "sampler crashed", "category": "server"})
    with pytest.raises(tinker.RequestFailedError) as info:
        sampling.sample(PROMPT, 1, PARAMS).result(timeout=10)
    assert info.value.category == "server"


def test_alt_tokens_requested_but_missing(sampling, server: FakeServer) -> None:
    with pytest.raises(RuntimeError, match="prompt_alt_tokens"):
        sampling.sample(PROMPT, 1, PARAMS, prompt_alt_tokens_k=2).result(timeout=10)


def test_paused_queue_state_is_reported(sampling, server: FakeServer, caplog) -> None:
    server.script_polls(
        {"type": "try_again", "queue_state": "paused_capacity", "queue_state_reason": "short on capacity"}
    )
    with caplog.at_level(logging.WARNING, logger="tinker"):
        sampling.sample(PROMPT, 1, PARAMS).result(timeout=10)
    assert any("short on capacity" in r.getMessage() for r in caplog.records)


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    "args, kwargs, exc",
    [
        (([5, 6], 1, PARAMS), {}, TypeError),
        ((PROMPT, 1, {"max_tokens": 3}), {}, TypeError),
        ((PROMPT, 0, PARAMS), {}, ValueError),
        ((PROMPT, -2, PARAMS), {}, ValueError),
        ((PROMPT, 1.5, PARAMS), {}, ValueError),
        ((PROMPT, 1, PARAMS), {"topk_prompt_logprobs": -1}, ValueError),
        ((PROMPT, 1, PARAMS), {"topk_sample_logprobs": -1}, ValueError),
        ((PROMPT, 1, PARAMS), {"prompt_alt_tokens_k": -1}, ValueError),
        ((PROMPT, 1, PARAMS), {"prompt_logprobs_last_n": 2}, ValueError),
        ((PROMPT, 1, PARAMS), {"include_prompt_logprobs": True, "prompt_logprobs_last_n": 0}, ValueError),
        ((PROMPT, 1, PARAMS), {"include_prompt_logprobs": True, "prompt_logprobs_last_n": 4}, ValueError),
        ((PROMPT, 1, PARAMS), {"include_prompt_logprobs": True, "prompt_logprobs_last_n": "1"}, TypeError),
        ((PROMPT, 1, PARAMS), {"include_prompt_logprobs": True, "prompt_logprobs_last_n": True}, TypeError),
        ((PROMPT, 1, PARAMS), {"target_prompt_logprobs": tinker.TensorData([1.0, 2.0], dtype="float32")}, ValueError),
    ],
)
def test_sample_argument_errors(sampling, server: FakeServer, args, kwargs, exc) -> None:
    before = len(server.requests)
    with pytest.raises(exc):
        sampling.sample(*args, **kwargs)
    assert len(server.requests) == before


def test_compute_logprobs_argument_errors(sampling, server: FakeServer) -> None:
    with pytest.raises(ValueError):
        sampling.compute_logprobs(PROMPT, prompt_logprobs_last_n=10)
    with pytest.raises(TypeError):
        sampling.compute_logprobs([1, 2, 3])


# ------------------------------------------------------------------ deprecated and misc


def test_deprecated_async_methods(sampling, server: FakeServer) -> None:
    async def main():
        return (
            await sampling.sample_async(PROMPT, 1, PARAMS),
            await sampling.compute_logprobs_async(PROMPT),
            await sampling.get_base_model_async(),
        )

    with pytest.warns(FutureWarning):
        resp, lps, base = asyncio.run(main())
    assert len(resp.sequences) == 1 and lps[0] is None and base == sampling.get_base_model()


def test_sample_await_from_async_code(sampling) -> None:
    async def main():
        return await asyncio.gather(*(sampling.sample(PROMPT, 1, PARAMS) for _ in range(3)))

    assert len(asyncio.run(main())) == 3


def test_repr_and_pickle(sampling) -> None:
    import pickle

    assert sampling.sampling_session_id in repr(sampling)
    state = pickle.dumps(sampling)
    assert sampling.sampling_session_id.encode() in state
