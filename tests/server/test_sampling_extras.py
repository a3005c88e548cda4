"""target_prompt_logprobs, prompt_alt_tokens_k and topk_sample_logprobs over HTTP: protobuf (read back with
the protoc-generated classes, not our codec), JSON, the stream extension and the SDK, plus the refusals.

Values are compared with the engine run directly on the same base model and seed (the same code path, so
bitwise equal); the engine's own tests check them against brute force."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

import tinker
import tinker_wire as tw
from tinker import types
from tinker_local import engine as eng

from .conftest import MODEL, PROTOBUF, text_tokens
from .test_protocol import _sse

pb2 = pytest.importorskip("tinker_proto.tinker_pb2")

PROMPT = text_tokens("Pick one: A, B or C? Answer:")
R = len(PROMPT) - 1
V = 259  # the built-in byte-level vocabulary


def _body(**extra: Any) -> dict[str, Any]:
    return {
        "base_model": MODEL,
        "prompt": {"chunks": [{"tokens": PROMPT}]},
        "sampling_params": {"max_tokens": 5, "seed": 11, "temperature": 0.8, "stop": []},
        "num_samples": 2,
        **extra,
    }


def _targets() -> np.ndarray:
    ids = np.full((R, 3), -1, dtype=np.int64)
    ids[R - 1] = [ord("A"), ord("B"), ord("C")]
    ids[4, 1] = 0
    return ids


def _engine(server: Any, **kw: Any) -> eng.SampleResult:
    base = server.service.state.registry.get(MODEL)
    ids = _targets()
    targets = eng.PromptTargets(np.repeat(np.arange(R), 3), ids.reshape(-1))
    cfg = eng.SamplingConfig(max_tokens=5, seed=11, temperature=0.8, stop=[])
    return eng.sample(base, np.array(PROMPT), cfg, 2, target_prompt_logprobs=targets, **kw)


def _tensor(t: Any) -> np.ndarray:
    """A protoc-decoded dense ``Tensor`` as numpy (little-endian values of its declared dtype)."""
    np_dt = {"DTYPE_FLOAT32": "<f4", "DTYPE_INT64": "<i8", "DTYPE_INT32": "<i4"}[pb2.DType.Name(t.dtype)]
    assert not t.HasField("sparse_csr")
    return np.frombuffer(t.dense, dtype=np_dt).reshape(list(t.shape))


def test_protobuf_result_read_with_the_generated_classes(server, api):
    body = _body(
        target_prompt_logprobs={"data": _targets().reshape(-1).tolist(), "dtype": "int64", "shape": [R, 3]},
        prompt_alt_tokens_k=4,
        topk_sample_logprobs=3,
    )
    r = api.result(api.ok("asample", body), accept=PROTOBUF)
    msg = pb2.SampleResponse.FromString(r.content)
    want = _engine(server, prompt_alt_tokens_k=4, topk_sample_logprobs=3)
    assert msg.HasField("target_prompt_logprobs") and msg.HasField("prompt_alt_tokens")
    got = _tensor(msg.target_prompt_logprobs)
    assert got.shape == (R, 3) and got.dtype == np.float32
    assert np.array_equal(got.reshape(-1), want.target_prompt_logprobs)
    assert np.all(got[_targets() < 0] == 0.0)
    alt = msg.prompt_alt_tokens
    assert np.array_equal(_tensor(alt.tokens), want.alt_tokens) and pb2.DType.Name(alt.tokens.dtype) == "DTYPE_INT32"
    assert np.array_equal(_tensor(alt.logprobs), want.alt_logprobs)
    for seq, ws in zip(msg.sequences, want.sequences):
        tk = seq.topk_sampled_logprobs
        assert (tk.k, tk.length) == (3, len(ws.tokens))
        ids = np.frombuffer(tk.token_ids, "<i4").reshape(-1, 3)
        lps = np.frombuffer(tk.logprobs, "<f4").reshape(-1, 3)
        assert ids.tolist() == [[t for t, _ in row] for row in ws.topk_logprobs]
        assert np.array_equal(lps, np.array([[v for _, v in row] for row in ws.topk_logprobs], dtype=np.float32))
    # nothing asked, nothing sent
    plain = pb2.SampleResponse.FromString(api.result(api.ok("asample", _body()), accept=PROTOBUF).content)
    assert not plain.HasField("target_prompt_logprobs") and not plain.HasField("prompt_alt_tokens")
    assert not any(s.HasField("topk_sampled_logprobs") for s in plain.sequences)


def test_sparse_targets_come_back_in_the_same_layout_and_json_carries_everything(api):
    sparse = tw.TensorData.from_numpy_sparse(_targets(), pad_value=-1)
    assert sparse.is_sparse
    body = _body(target_prompt_logprobs=sparse.to_json_dict(), prompt_alt_tokens_k=2, topk_sample_logprobs=2)
    out = api.result(api.ok("asample", body))  # JSON: the client did not accept protobuf
    tgt = out["target_prompt_logprobs"]
    assert tgt["sparse_crow_indices"] == sparse.sparse_crow_indices
    assert tgt["sparse_col_indices"] == sparse.sparse_col_indices
    assert tgt["dtype"] == "float32" and tgt["shape"] == [R, 3] and len(tgt["data"]) == 4
    assert out["prompt_alt_tokens"]["tokens"]["shape"] == [R, 2]
    assert all(len(s["topk_logprobs"]) == len(s["tokens"]) for s in out["sequences"])
    # the JSON form reads back through the codec into the same values as protobuf
    back = tw.sample_response_from_json(out)
    proto = tw.decode_sample_response(api.result(api.ok("asample", body), accept=PROTOBUF).content)
    assert back.target_prompt_logprobs == proto.target_prompt_logprobs
    assert back.prompt_alt_tokens.tokens == proto.prompt_alt_tokens.tokens
    assert [s.topk for s in back.sequences] == [s.topk for s in proto.sequences]


def test_k_larger_than_the_vocabulary_pads_with_sentinels(api):
    out = api.result(api.ok("asample", _body(topk_sample_logprobs=1024, num_samples=1)), accept=PROTOBUF)
    seq = tw.decode_sample_response(out.content).sequences[0]
    ids, lps = seq.topk
    assert ids.shape == (5, 1024)
    assert sorted(ids[0, :V].tolist()) == list(range(V))
    assert np.all(ids[:, V:] == tw.TOPK_SENTINEL_TOKEN) and np.all(lps[:, V:] == np.float32(tw.TOPK_SENTINEL_LOGPROB))


def test_stream_sends_a_prompt_event_and_topk_per_token(server, client):
    body = _body(
        target_prompt_logprobs={"data": _targets().reshape(-1).tolist(), "dtype": "int64", "shape": [R, 3]},
        prompt_alt_tokens_k=4,
        topk_sample_logprobs=3,
        prompt_logprobs=True,
        prompt_logprobs_last_n=2,
    )
    with client.stream("POST", "/api/v1/stream_sample", json=body) as r:
        assert r.status_code == 200, r.read()
        events = [(e, d) for e, d, _ in _sse(r.iter_lines())]
    want = _engine(server, prompt_alt_tokens_k=4, topk_sample_logprobs=3)
    kind, first = events[0]
    assert kind == "prompt"
    assert np.array_equal(
        tw.tensor_from_json(first["target_prompt_logprobs"]).to_numpy().reshape(-1), want.target_prompt_logprobs
    )
    assert first["prompt_alt_tokens"]["tokens"]["data"] == want.alt_tokens.reshape(-1).tolist()
    assert first["prompt_logprobs"][: len(PROMPT) - 2] == [None] * (len(PROMPT) - 2)  # last_n also holds here
    rows: list[list[Any]] = [[], []]
    for kind, d in events[1:]:
        if kind == "token":
            rows[d["index"]].append([tuple(p) for p in d["topk_logprobs"]])
    assert rows == [s.topk_logprobs for s in want.sequences]
    # no prompt part asked: no prompt event, no topk on tokens
    with client.stream("POST", "/api/v1/stream_sample", json=_body()) as r:
        kinds = {e for e, d, _ in _sse(r.iter_lines()) if e != "token" or "topk_logprobs" in d}
    assert kinds == {"done"}


def test_the_sdk_gets_every_field(server):
    sc = tinker.ServiceClient(base_url=server.base_url, api_key="tml-local-test-key")
    try:
        s = sc.create_sampling_client(base_model=MODEL).result()
        resp = s.sample(
            types.ModelInput.from_ints(PROMPT),
            2,
            types.SamplingParams(max_tokens=5, seed=11, temperature=0.8, stop=[]),
            topk_sample_logprobs=3,
            target_prompt_logprobs=tinker.TensorData.from_numpy_sparse(_targets(), pad_value=-1),
            prompt_alt_tokens_k=4,
        ).result()
    finally:
        sc.close().result()
    want = _engine(server, prompt_alt_tokens_k=4, topk_sample_logprobs=3)
    got = resp.target_prompt_logprobs.to_numpy()  # CSR; unlisted cells densify to 0.0
    assert np.array_equal(got.reshape(-1), want.target_prompt_logprobs)
    assert np.array_equal(resp.prompt_alt_tokens.tokens.to_numpy(), want.alt_tokens)
    f32 = [[[(t, float(np.float32(v))) for t, v in row] for row in s.topk_logprobs] for s in want.sequences]
    assert [s.topk_logprobs for s in resp.sequences] == f32  # float32 on the wire


def _dense(ids: Any, shape: list[int]) -> dict[str, Any]:
    return {"data": ids, "dtype": "int64", "shape": shape}


@pytest.mark.parametrize(
    "extra, match",
    [
        ({"target_prompt_logprobs": _dense([1] * (R + 1), [R + 1, 1])}, r"expected len\(prompt\) - 1 = \d+ rows"),
        ({"target_prompt_logprobs": _dense([-1] * R, [R, 1])}, "names no token id"),
        ({"target_prompt_logprobs": _dense([V] + [-1] * (R - 1), [R, 1])}, r"token id 259 outside the vocabulary"),
        ({"target_prompt_logprobs": _dense([-7] + [-1] * (R - 1), [R, 1])}, "token id -7"),
        (
            {"target_prompt_logprobs": _dense(list(range(R * 80)), [R, 80])},
            r"names \d+ distinct token ids; at most 1024",
        ),
        (
            {"target_prompt_logprobs": _dense([1] * 3, [3, 1]), "prompt": {"chunks": [{"tokens": [1, 2, 3]}]}},
            r"len\(prompt\) - 1 = 2 rows .*got 3",
        ),
        (
            {"target_prompt_logprobs": _dense([1], [1, 1]), "prompt": {"chunks": [{"tokens": [7]}]}},
            r"len\(prompt\) - 1 = 0 rows",
        ),
        (
            {"topk_sample_logprobs": 1024, "num_samples": 64, "sampling_params": {"max_tokens": 100}},
            r"topk_sample_logprobs.*over the local server's limit",
        ),
        ({"prompt": {"chunks": [{"tokens": []}]}, "prompt_alt_tokens_k": 3}, "prompt"),
    ],
)
def test_refused_with_a_400_naming_the_field(api, extra, match):
    r = api.post("asample", _body(**extra))
    assert r.status_code == 400, r.text
    detail = r.json()["detail"]
    assert re.search(match, detail), detail


def test_contract_refusals_name_the_field(api):
    for extra, field in (
        ({"prompt_alt_tokens_k": -1}, "prompt_alt_tokens_k"),
        ({"topk_sample_logprobs": 2000}, "topk_sample_logprobs"),
        ({"target_prompt_logprobs": {"data": [1.5], "dtype": "float32", "shape": [1, 1]}}, "target_prompt_logprobs"),
        ({"target_prompt_logprobs": _dense([1] * R, [R])}, "target_prompt_logprobs"),
    ):
        r = api.post("asample", _body(**extra))
        assert r.status_code in (400, 422), r.text
        assert field in r.text, r.text


def test_huge_dense_target_grid_is_refused_before_it_is_expanded(api):
    # 20 rows x 300k cells: JSON of ~18 MB; the row index would be 48 MB
    width = 300_000
    r = api.post("asample", _body(target_prompt_logprobs=_dense(np.full(R * width, -1).tolist(), [R, width])))
    assert r.status_code == 400 and "exceed the local server's limit" in r.json()["detail"], r.text
