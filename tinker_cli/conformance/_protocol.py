"""Protocol checks: what the Tinker HTTP protocol promises beyond the shapes of its bodies."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

import tinker_wire as wire

from ._data import SEQS, datum, fb_body, forward_body, logprobs_of, tokens
from ._kit import PROTOBUF, CheckFailed, CheckSkipped, Server, check

__all__ = ["REORDER_RTOL", "SAME_RTOL"]

#: Two evaluations of the same logprobs that may sum in a different order (another batch shape, another request)
#: agree to about 2**-13 relative: float32 (2**-24 per operation) with reductions of up to ~2**11 terms.
REORDER_RTOL = 2.0**-13
#: The same computation delivered twice (JSON or protobuf, first or second delivery) must agree to the bit, but
#: a float32 printed as JSON and read back may take the nearest float64: allow a few float32 ulps.
SAME_RTOL = 4 * float(np.finfo(np.float32).eps)


def _close(a: Any, b: Any, rtol: float) -> bool:
    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return x.shape == y.shape and bool(np.all(np.abs(x - y) <= rtol * np.maximum(1.0, np.abs(y))))


def _loss(result: Any) -> float:
    return float(result["metrics"]["loss:sum"])


@check("server.capabilities", "get_server_capabilities answers 200 and lists the models it serves.", mutating=False)
def capabilities(s: Server) -> str:
    r = s.http.get("/api/v1/get_server_capabilities")
    if r.status_code != 200:
        raise CheckFailed(f"HTTP {r.status_code}: {r.text[:200]}")
    names = [m.get("model_name") for m in r.json().get("supported_models", [])]
    if not names:
        raise CheckFailed("supported_models is empty")
    return f"{len(names)} model(s); checks use {s.base_model()!r}"


@check(
    "server.client_config",
    "client/config answers 200 with feature flags, or 404 when the server speaks JSON only (SDKs then send JSON).",
    mutating=False,
)
def client_config(s: Server) -> str:
    r = s.post("client/config", {"sdk_version": "0.38.0"})
    s.facts["protobuf"] = r.status_code == 200
    if r.status_code == 404:
        return "absent (404): clients must send JSON bodies"
    if r.status_code != 200 or not isinstance(r.json(), dict):
        raise CheckFailed(f"HTTP {r.status_code}: {r.text[:200]}")
    return f"flags: {sorted(r.json())[:6]}"


@check(
    "futures.unknown_id",
    "retrieve_future of a request id never issued is refused with 404 (or 410), not left pending or a 5xx.",
    mutating=False,
)
def unknown_future(s: Server) -> str:
    r = s.post("retrieve_future", {"request_id": f"conformance-never-issued-{time.time_ns()}"})
    if r.status_code not in (404, 410):
        raise CheckFailed(f"HTTP {r.status_code}: {r.text[:200]}")
    return f"HTTP {r.status_code}"


@check(
    "futures.long_poll",
    "A future that cannot run yet (its seq_id waits for an earlier one) is answered 408, or 200 try_again, after "
    "the long-poll window — never a result — and completes once the gap is filled.",
    mutating=True,
)
def long_poll(s: Server) -> str:
    mid = s.new_model()
    waiting = s.ok("forward", forward_body(mid, 2, [datum(SEQS[0])]))
    t0 = time.monotonic()
    r = s.post("retrieve_future", {"request_id": waiting["request_id"]})
    window = time.monotonic() - t0
    if r.status_code == 200 and r.json().get("type") != "try_again":
        raise CheckFailed("seq_id 2 was answered with a result before seq_id 1 was sent (no seq_id ordering)")
    if r.status_code not in (200, 408):
        raise CheckFailed(f"pending future -> HTTP {r.status_code}: {r.text[:200]}")
    first = s.ok("forward", forward_body(mid, 1, [datum(SEQS[1])]))
    s.result(first)
    s.result(waiting)
    kind = "408" if r.status_code == 408 else "200 try_again"
    return f"pending answered {kind} after {window:.2f} s; both completed once seq_id 1 arrived"


@check(
    "futures.idempotent",
    "Resubmitting a request with the same (model_id, seq_id) and body returns the same request_id and result "
    "(a retry after a lost answer runs once); another body on a used seq_id is refused with 409.",
    mutating=True,
)
def idempotent(s: Server) -> str:
    mid = s.new_model()
    body = fb_body(mid, 1, [datum(SEQS[0])])
    first, again = s.ok("forward_backward", body), s.ok("forward_backward", body)
    if first["request_id"] != again["request_id"]:
        raise CheckFailed(f"resubmission got a new request id ({first['request_id']} then {again['request_id']})")
    a, b = s.result(first), s.result(again)
    if not _close(_loss(a), _loss(b), SAME_RTOL):
        raise CheckFailed(f"two deliveries of one result differ: loss {_loss(a)} vs {_loss(b)}")
    r = s.post("forward_backward", fb_body(mid, 1, [datum(SEQS[1])]))
    if r.status_code != 409:
        raise CheckFailed(f"a different body on used seq_id 1 -> HTTP {r.status_code}, expected 409")
    return "same request_id and result on resubmission; 409 for a different body"


@check(
    "ordering.seq_id",
    "Requests of one model run in seq_id order, whatever order they arrive in: forward(1), forward_backward(2), "
    "optim_step(3), forward(4) sent as 4,3,2,1 must show the step only in forward 4.",
    mutating=True,
)
def ordering(s: Server) -> str:
    mid = s.new_model()
    batch = [datum(SEQS[2])]
    futures = {
        4: s.ok("forward", forward_body(mid, 4, batch)),
        3: s.ok("optim_step", {"model_id": mid, "seq_id": 3, "adam_params": {"learning_rate": 0.05}}),
        2: s.ok("forward_backward", fb_body(mid, 2, batch)),
        1: s.ok("forward", forward_body(mid, 1, batch)),
    }
    before, after = _loss(s.result(futures[1])), _loss(s.result(futures[4]))
    s.result(futures[2])
    s.result(futures[3])
    if not after < before * (1 - REORDER_RTOL):
        raise CheckFailed(f"forward 4 ({after:.6f}) does not reflect the step after forward 1 ({before:.6f})")
    return f"loss {before:.5f} at seq 1 -> {after:.5f} at seq 4"


@check(
    "chunking.equivalence",
    "forward_backward of a batch in one call equals the same batch in two chunks (consecutive seq_ids, sent "
    "highest first): the same per-datum logprobs, and loss:sum adds up.",
    mutating=True,
)
def chunking(s: Server) -> str:
    mid = s.new_model()
    data = [datum(q) for q in SEQS]
    whole = s.result(s.ok("forward_backward", fb_body(mid, 1, data)))
    second = s.ok("forward_backward", fb_body(mid, 3, data[2:]))
    first = s.ok("forward_backward", fb_body(mid, 2, data[:2]))
    parts = [s.result(first), s.result(second)]
    lp_whole = logprobs_of(whole)
    lp_parts = logprobs_of(parts[0]) + logprobs_of(parts[1])
    for i, (a, b) in enumerate(zip(lp_whole, lp_parts, strict=True)):
        if not _close(b, a, REORDER_RTOL):
            raise CheckFailed(f"datum {i}: chunked logprobs {b[:4]}... differ from one call's {a[:4]}...")
    total = _loss(parts[0]) + _loss(parts[1])
    if not _close(total, _loss(whole), REORDER_RTOL):
        raise CheckFailed(f"chunk losses add up to {total}, one call gave {_loss(whole)}")
    return f"4 datums: one call and 2+2 chunks agree (loss:sum {_loss(whole):.5f})"


def _pb_body(mid: str, seq: int) -> bytes:
    data = []
    for q in SEQS[:2]:
        inp, tgt = tokens(q)
        data.append(
            wire.WireDatum(
                chunks=[wire.EncodedText(np.asarray(inp, dtype=np.int64))],
                loss_fn_inputs={
                    "target_tokens": wire.TensorData.from_numpy(np.asarray(tgt, dtype=np.int64)),
                    "weights": wire.TensorData.from_numpy(np.ones(len(tgt), dtype=np.float32)),
                },
            )
        )
    return wire.encode_forward_backward_request(
        wire.WireForwardBackwardRequest(mid, seq, data, "cross_entropy", {}, True)
    )


@check(
    "wire.protobuf_json",
    "The same forward sent as JSON and as protobuf gives the same logprobs and loss, answered in protobuf when "
    "Accept asks for it and in JSON otherwise.",
    mutating=True,
)
def protobuf_json(s: Server) -> str:
    if "protobuf" not in s.facts:
        client_config(s)
    if not s.facts["protobuf"]:
        raise CheckSkipped("the server has no client/config: it speaks JSON only")
    mid = s.new_model()
    by_json = s.result(s.ok("forward", forward_body(mid, 1, [datum(q) for q in SEQS[:2]])))
    r = s.http.post("/api/v1/forward_backward", content=_pb_body(mid, 2), headers={"Content-Type": PROTOBUF})
    if r.status_code != 200:
        raise CheckFailed(f"protobuf forward_backward -> HTTP {r.status_code}: {r.text[:200]}")
    future = r.json()
    answer = s.result(future, accept=PROTOBUF)
    if not hasattr(answer, "content"):
        raise CheckFailed("Accept: application/x-protobuf was answered in JSON")
    out = wire.decode_forward_backward_output(answer.content)
    for i, (d, ref) in enumerate(zip(out.loss_fn_outputs, logprobs_of(by_json), strict=True)):
        if not _close(d["logprobs"].to_numpy(), ref, REORDER_RTOL):
            raise CheckFailed(f"datum {i}: protobuf logprobs differ from JSON ones")
    if not _close(out.metrics["loss:sum"], _loss(by_json), REORDER_RTOL):
        raise CheckFailed(f"loss:sum {out.metrics['loss:sum']} (protobuf) vs {_loss(by_json)} (JSON)")
    again = s.result(future)
    if not isinstance(again, dict) or not _close(_loss(again), out.metrics["loss:sum"], SAME_RTOL):
        raise CheckFailed("the protobuf future polled without protobuf in Accept did not give the same JSON result")
    return "JSON and protobuf agree; the same future is served in both encodings"


@check(
    "checkpoint.round_trip",
    "save_weights, train on, load_weights: the model gives exactly the saved logprobs again.",
    mutating=True,
)
def checkpoint_round_trip(s: Server) -> str:
    mid = s.new_model()
    batch = [datum(SEQS[2])]
    s.result(s.ok("forward_backward", fb_body(mid, 1, batch)))
    s.result(s.ok("optim_step", {"model_id": mid, "seq_id": 2, "adam_params": {"learning_rate": 0.05}}))
    name = f"conformance-{time.time_ns()}"
    saved = s.result(s.ok("save_weights", {"model_id": mid, "seq_id": 3, "path": name}))
    at_save = logprobs_of(s.result(s.ok("forward", forward_body(mid, 4, batch))))[0]
    s.result(s.ok("forward_backward", fb_body(mid, 5, batch)))
    s.result(s.ok("optim_step", {"model_id": mid, "seq_id": 6, "adam_params": {"learning_rate": 0.05}}))
    moved = logprobs_of(s.result(s.ok("forward", forward_body(mid, 7, batch))))[0]
    if _close(moved, at_save, REORDER_RTOL):
        raise CheckFailed("a second optimizer step did not change the model: the round trip proves nothing")
    load = {"model_id": mid, "seq_id": 8, "path": saved["path"], "optimizer": True}
    s.result(s.ok("load_weights", load))
    back = logprobs_of(s.result(s.ok("forward", forward_body(mid, 9, batch))))[0]
    if not _close(back, at_save, SAME_RTOL):
        raise CheckFailed(f"after load_weights logprobs {back[:4]}... differ from the saved {at_save[:4]}...")
    return f"{saved['path']}: restored logprobs equal the saved ones"


def _sample(s: Server, ssid: str, seq: int, prompt: list[int], **params: Any) -> Any:
    extra = {k: params.pop(k) for k in ("prompt_logprobs",) if k in params}
    body = {
        "sampling_session_id": ssid,
        "seq_id": seq,
        "num_samples": 1,
        "prompt": {"chunks": [{"type": "encoded_text", "tokens": prompt}]},
        "sampling_params": params,
        **extra,
    }
    return s.result(s.ok("asample", body))


@check(
    "sampling.semantics",
    "asample: the same seed gives the same tokens; max_tokens ends with stop_reason 'length'; a stop token ends "
    "the sequence at its first occurrence, kept, with 'stop'; sampled logprobs (temperature 1) are the model's "
    "own logprobs of those tokens, as prompt_logprobs scores them.",
    mutating=True,
)
def sampling(s: Server) -> str:
    body = {"session_id": s.session(), "sampling_session_seq_id": 0, "base_model": s.base_model()}
    ssid = str(s.ok("create_sampling_session", body)["sampling_session_id"])
    prompt = list(SEQS[0][:5])
    a = _sample(s, ssid, 1, prompt, max_tokens=8, seed=1234, temperature=1.0, stop=[])["sequences"][0]
    b = _sample(s, ssid, 2, prompt, max_tokens=8, seed=1234, temperature=1.0, stop=[])["sequences"][0]
    if a["tokens"] != b["tokens"]:
        raise CheckFailed(f"seed 1234 gave {a['tokens']} then {b['tokens']}")
    if len(a["tokens"]) != 8 or a["stop_reason"] != "length":
        raise CheckFailed(f"max_tokens 8 without stops gave {len(a['tokens'])} tokens, stop_reason {a['stop_reason']}")
    lps = np.asarray(a.get("logprobs") or [], dtype=np.float64)
    if lps.shape != (8,) or not np.all(np.isfinite(lps)) or np.any(lps > 0):
        raise CheckFailed(f"sampled logprobs must be 8 finite values <= 0, got {a.get('logprobs')}")
    scored = _sample(s, ssid, 3, prompt + a["tokens"], max_tokens=1, prompt_logprobs=True, stop=[])
    tail = np.asarray(scored["prompt_logprobs"][len(prompt) :], dtype=np.float64)
    if not _close(tail, lps, REORDER_RTOL):
        raise CheckFailed(f"sampled logprobs {lps[:3]}... differ from prompt_logprobs {tail[:3]}... of those tokens")
    stop_at = a["tokens"][3]
    cut = a["tokens"].index(stop_at) + 1
    c = _sample(s, ssid, 4, prompt, max_tokens=8, seed=1234, temperature=1.0, stop=[stop_at])["sequences"][0]
    if c["tokens"] != a["tokens"][:cut] or c["stop_reason"] != "stop":
        raise CheckFailed(
            f"stop=[{stop_at}] gave {c['tokens']} ({c['stop_reason']}), expected {a['tokens'][:cut]} ('stop')"
        )
    return f"seeded tokens {a['tokens']}; logprobs match prompt scoring; stop token cuts at {cut}"
