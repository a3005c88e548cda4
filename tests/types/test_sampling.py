"""SampleResponse / SampledSequence / TopkLogprobs: constructors old and new, list views, JSON."""

from __future__ import annotations

import json
import math
import pickle

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tinker.types import (
    PromptAltTokens,
    SampledSequence,
    SampleResponse,
    TensorData,
    TopkLogprobs,
    TopkPromptLogprobs,
)

# Deterministic and quick; applied per test so other suites' hypothesis settings are untouched.
FAST = settings(derandomize=True, max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

logprob = st.floats(-50, 0, width=32)
topk_rows = st.lists(
    st.one_of(st.none(), st.lists(st.tuples(st.integers(1, 1000), logprob), min_size=1, max_size=3)),
    max_size=6,
)


def test_new_positional_and_numpy_form() -> None:
    seq = SampledSequence(
        "stop", "sess:sample:0:0", np.array([5, 6], dtype=np.int32), np.array([-0.5, -1.0], dtype=np.float32)
    )
    assert seq.sequence_id == "sess:sample:0:0"
    assert seq.tokens == [5, 6] and seq.logprobs == [-0.5, -1.0]
    assert seq.tokens is seq.tokens  # cached list view
    assert seq.topk_logprobs is None
    assert seq.tokens_np is not None and seq.tokens_np.dtype == np.int32


def test_cookbook_061_test_form() -> None:
    seq = SampledSequence(stop_reason="length", sequence_id="s1", _tokens_list=[1, 2, 3], _logprobs_list=[-1.0] * 3)
    assert seq.tokens == [1, 2, 3] and seq.logprobs == [-1.0] * 3 and seq.stop_reason == "length"
    resp = SampleResponse(sequences=[seq], _prompt_logprobs_list=[None, -0.25], prompt_cache_hit_tokens=7)
    assert resp.prompt_logprobs == [None, -0.25] and resp.prompt_cache_hit_tokens == 7
    assert resp.topk_prompt_logprobs is None and resp.target_prompt_logprobs is None


def test_old_keyword_form() -> None:
    seq = SampledSequence(tokens=[4, 5], logprobs=[-0.1, -0.2], stop_reason="stop")
    assert seq.sequence_id is None and seq.tokens == [4, 5] and seq.logprobs == [-0.1, -0.2]
    no_lp = SampledSequence(stop_reason="stop", tokens=[1])
    assert no_lp.logprobs is None
    resp = SampleResponse(
        sequences=[seq], prompt_logprobs=[None, -1.5], topk_prompt_logprobs=[None, [(3, -0.5)]], type="sample"
    )
    assert resp.type == "sample"
    assert resp.prompt_logprobs == [None, -1.5] and resp.topk_prompt_logprobs == [None, [(3, -0.5)]]
    with pytest.raises(TypeError, match="sequence_id"):
        SampledSequence("stop", np.array([1, 2]))  # type: ignore[arg-type]  # the 0.25 positional form


def test_numpy_views_nan_to_none() -> None:
    topk = TopkLogprobs(
        token_ids=np.array([[0, 0], [9, 0], [4, 2]]),
        logprobs=np.array([[-99999.0, -99999.0], [-0.5, -99999.0], [-0.25, -1.0]]),
    )
    resp = SampleResponse(
        [],
        prompt_logprobs_np=np.array([np.nan, -1.0, -2.0], dtype=np.float32),
        topk_prompt_logprobs_np=topk,
    )
    assert resp.prompt_logprobs == [None, -1.0, -2.0]
    assert resp.topk_prompt_logprobs == [None, [(9, -0.5)], [(4, -0.25), (2, -1.0)]]
    assert TopkPromptLogprobs is TopkLogprobs


@FAST
@given(topk_rows)
def test_topk_list_round_trip(rows: list) -> None:
    table = TopkLogprobs.from_list(rows)
    assert table.length == len(rows)
    back = table.to_list()
    assert back == [None if not row else row for row in rows]
    assert TopkLogprobs.from_json_dict(json.loads(json.dumps(table.to_json_dict()))) == table


@FAST
@given(
    st.lists(st.integers(0, 100_000), max_size=10),
    st.booleans(),
    st.one_of(st.none(), st.lists(st.one_of(st.none(), logprob), max_size=6)),
    topk_rows,
    st.integers(0, 50),
)
def test_sample_response_json_round_trip(tokens, with_lp, prompt_lps, topk, cache_hits) -> None:
    lps = [-0.5] * len(tokens) if with_lp else None
    seq = SampledSequence(
        "stop",
        "id-0",
        np.array(tokens, dtype=np.int32),
        None if lps is None else np.array(lps, dtype=np.float32),
        TopkLogprobs.from_list(topk) if topk else None,
    )
    resp = SampleResponse(
        [seq, SampledSequence(stop_reason="length", tokens=[1], sequence_id="id-1")],
        prompt_logprobs_np=None
        if prompt_lps is None
        else np.array([math.nan if v is None else v for v in prompt_lps], dtype=np.float32),
        prompt_cache_hit_tokens=cache_hits,
    )
    wire = json.loads(json.dumps(resp.to_json_dict()))
    assert wire["type"] == "sample"
    if prompt_lps is None:
        assert "prompt_logprobs" not in wire
    if topk:
        assert all(row is None or all(len(pair) == 2 for pair in row) for row in wire["sequences"][0]["topk_logprobs"])
    back = SampleResponse.from_json_dict(wire)
    assert back == resp
    assert back.sequences[0].tokens_np is not None
    assert pickle.loads(pickle.dumps(back)) == resp


def test_json_extras_and_errors() -> None:
    alt = PromptAltTokens(tokens=TensorData([1, 2], "int64", [1, 2]), logprobs=TensorData([-1, -2], "float32", [1, 2]))
    resp = SampleResponse([], target_prompt_logprobs=TensorData([-0.5, 0.0], "float32", [1, 2]), prompt_alt_tokens=alt)
    wire = resp.to_json_dict()
    assert wire["target_prompt_logprobs"]["shape"] == [1, 2]
    assert wire["prompt_alt_tokens"]["tokens"]["dtype"] == "int64"
    assert SampleResponse.from_json_dict(wire) == resp
    with pytest.raises(ValueError, match="stop_reason"):
        SampledSequence.from_json_dict({"stop_reason": "eos", "tokens": []})
    with pytest.raises(ValueError):
        TopkLogprobs(token_ids=np.zeros((2, 2)), logprobs=np.zeros((2, 3)))
    with pytest.raises(ValueError):
        TopkLogprobs.from_list([[(1, -1.0), (2, -2.0)]], k=1)
