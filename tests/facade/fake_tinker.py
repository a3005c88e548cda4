"""A small, deterministic fake Tinker server for the client facade tests.

The fake is an ``httpx.MockTransport`` handler: it runs inside the SDK's event-loop thread, records every
request (method, path, query, headers, decoded body) and answers from default behaviour plus per-test
scripts:

* ``server.script(path, *replies)`` — the next requests to ``path`` get these replies (in order) before the
  default handler answers again. A reply is an ``httpx.Response``, a ``dict`` (JSON 200), an exception
  instance (raised by the transport, e.g. ``httpx.ConnectError``) or a callable ``(request) -> reply``.
* ``server.script_polls(*replies)`` — the next future the server creates answers its first polls with these
  replies before its result (same reply forms).
  An ``async def`` callable is awaited on the SDK loop (to hold a request open); a callable returning
  ``None`` defers to the default reply.
* ``server.config`` — the ``client/config`` reply.
* ``server.add_future(kind, result, polls)`` — register a future directly (for poller tests).

Futures: every "future" endpoint answers ``{"request_id": ...}`` and registers a result; ``retrieve_future``
serves scripted poll replies first, then the result (protobuf for forward/backward and sample results when
the ``Accept`` header asks for it, JSON otherwise).
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import re
import threading
from collections import deque
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import httpx
import numpy as np
import orjson
from hypothesis import HealthCheck, settings

import tinker
import tinker_wire as wire
from tests import helpers
from tinker._retry import RetryConfig

API_KEY = "tml-test-SECRET-4f9a2c"
BASE_URL = "http://fake"
BASE_MODEL = "Qwen/Qwen3-8B"
FAST_RETRY = RetryConfig(retry_delay_base=0.001, retry_delay_max=0.01)
PB = "application/x-protobuf"
# Seeded, bounded hypothesis settings for the property tests of this folder.
SEEDED = settings(
    derandomize=True,
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


# ---------------------------------------------------------------------------------------------- helpers


def json_response(status: int = 200, body: Any = None, headers: dict[str, str] | None = None) -> httpx.Response:
    content = b"" if body is None else orjson.dumps(body)
    hdrs = {"content-type": "application/json"} if body is not None else {}
    hdrs.update(headers or {})
    return httpx.Response(status, content=content, headers=hdrs)


def status(code: int, body: Any = None, **headers: str) -> httpx.Response:
    """An error (or any) reply with an optional JSON body; header names use ``_`` for ``-``."""
    return json_response(code, body, {k.replace("_", "-"): v for k, v in headers.items()})


def bare(code: int) -> httpx.Response:
    """A reply with an empty body (e.g. a proxy's bare 400)."""
    return httpx.Response(code, content=b"")


@dataclass
class Recorded:
    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    raw: bytes
    body: Any
    target: str = ""  # the path as sent on the wire (percent-encoded), with the query

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass
class FakeFuture:
    request_id: str
    kind: str  # "json" | "fbo" | "sample"
    result: Any  # JSON dict, WireForwardBackwardOutput, or WireSampleResponse
    polls: deque = field(default_factory=deque)


def fake_logprobs(targets: np.ndarray) -> np.ndarray:
    """The fake's logprobs for a datum: -0.1·(k+1) - 0.001·(first target token), so each output names its datum."""
    first = float(targets.reshape(-1)[0]) if targets.size else 0.0
    lp = -0.1 * (np.arange(targets.size, dtype=np.float32) + 1) - 0.001 * first
    return lp.astype(np.float32).reshape(targets.shape)


def make_fbo(req: wire.WireForwardBackwardRequest) -> wire.WireForwardBackwardOutput:
    """A deterministic forward/backward result: logprobs of each target token and the cross-entropy loss."""
    outputs = []
    loss = 0.0
    for i, d in enumerate(req.data):
        targets = d.loss_fn_inputs["target_tokens"].to_numpy()
        lp = fake_logprobs(targets)
        weights = d.loss_fn_inputs.get("weights")
        w = weights.to_numpy() if weights is not None else np.ones_like(lp)
        loss += float(-(w * lp).sum())
        outputs.append({"logprobs": wire.TensorData.from_numpy(lp)})
    metrics = {"loss:sum": loss, "seq:mean": float(req.seq_id), "n:sum": float(len(req.data))}
    return wire.WireForwardBackwardOutput("target_token_logprobs", outputs, metrics)


class FakeServer:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.config: dict[str, Any] = {}
        self.session_id = "sess-1"
        self._lock = threading.Lock()
        self._scripts: dict[str, deque] = {}
        self._poll_scripts: deque[list[Any]] = deque()
        self._futures: dict[str, FakeFuture] = {}
        self._ids = itertools.count(1)
        self.rest_reply: Any = {}
        self.sampler_base_model = BASE_MODEL

    # --------------------------------------------------------------- scripting

    def script(self, path: str, *replies: Any) -> None:
        with self._lock:
            self._scripts.setdefault(path, deque()).extend(replies)

    def script_polls(self, *replies: Any) -> None:
        with self._lock:
            self._poll_scripts.append(list(replies))

    # --------------------------------------------------------------- inspection

    def calls(self, path: str | None = None, method: str | None = None) -> list[Recorded]:
        with self._lock:
            out = list(self.requests)
        if path is not None:
            out = [r for r in out if r.path == path or (path.endswith("*") and r.path.startswith(path[:-1]))]
        if method is not None:
            out = [r for r in out if r.method == method]
        return out

    def paths(self) -> list[str]:
        return [r.path for r in self.calls()]

    def op_calls(self, op: str) -> list[Recorded]:
        return self.calls(f"/api/v1/{op}")

    # --------------------------------------------------------------- handler

    def handler(self, request: httpx.Request) -> httpx.Response:
        raw = request.read()
        body: Any = None
        if raw:
            ctype = request.headers.get("content-type", "")
            if PB in ctype:
                data = raw
                if request.headers.get("content-encoding") == "zstd":
                    data = wire.decompress_zstd(raw, 64 << 20)
                body = wire.decode_forward_backward_request(data)
            else:
                try:
                    body = orjson.loads(raw)
                except orjson.JSONDecodeError:
                    body = raw
        rec = Recorded(
            method=request.method,
            path=request.url.path,
            params=dict(request.url.params),
            headers={k.lower(): v for k, v in request.headers.items()},
            raw=raw,
            body=body,
            target=request.url.raw_path.decode(),
        )
        with self._lock:
            self.requests.append(rec)
            script = self._scripts.get(rec.path)
            reply = script.popleft() if script else None
        if reply is not None:
            return self._materialise(reply, rec)
        return self._default(rec)

    def _materialise(self, reply: Any, rec: Recorded) -> Any:
        if inspect.iscoroutinefunction(reply):

            async def deferred() -> httpx.Response:
                return self._materialise(await reply(rec), rec)

            return deferred()  # MockTransport awaits it on the SDK loop
        if callable(reply) and not isinstance(reply, httpx.Response):
            reply = reply(rec)
        if reply is None:  # a callable may defer to the default behaviour
            return self._default(rec)
        if isinstance(reply, BaseException):
            raise reply
        if isinstance(reply, httpx.Response):
            return reply
        return json_response(200, reply)

    def add_future(self, kind: str, result: Any, polls: list[Any] | None = None) -> str:
        rid = f"req-{next(self._ids)}"
        with self._lock:
            if polls is None:
                polls = self._poll_scripts.popleft() if self._poll_scripts else []
            self._futures[rid] = FakeFuture(rid, kind, result, deque(polls))
        return rid

    def _new_future(self, kind: str, result: Any, extra: dict[str, Any] | None = None) -> httpx.Response:
        rid = self.add_future(kind, result)
        return json_response(200, {"request_id": rid, **(extra or {})})

    def _default(self, rec: Recorded) -> httpx.Response:
        p = rec.path
        b = rec.body if isinstance(rec.body, dict) else {}
        if p == "/api/v1/client/config":
            return json_response(200, self.config)
        if p == "/api/v1/client/dynamic_config":
            return json_response(200, {})
        if p == "/api/v1/create_session":
            return json_response(200, {"session_id": self.session_id, "type": "create_session"})
        if p == "/api/v1/session_heartbeat":
            return json_response(200, {"type": "session_heartbeat"})
        m = re.fullmatch(r"/api/v1/sessions/([^/]+)/finish", p)
        if m and rec.method == "POST":
            return json_response(200, {"session_id": m.group(1), "reason": b.get("reason")})
        if p == "/api/v1/create_model":
            model_id = f"{b['session_id']}:train:{b['model_seq_id']}"
            return self._new_future("json", {"model_id": model_id, "type": "create_model"}, {"model_id": model_id})
        if p == "/api/v1/get_info":
            return json_response(
                200,
                {
                    "type": "get_info",
                    "model_id": b["model_id"],
                    "is_lora": True,
                    "lora_rank": 32,
                    "model_name": BASE_MODEL,
                    "model_data": {"arch": "qwen3", "model_name": BASE_MODEL, "tokenizer_id": BASE_MODEL},
                },
            )
        if p == "/api/v1/forward_backward":
            req = rec.body
            assert isinstance(req, wire.WireForwardBackwardRequest), "forward_backward must be protobuf"
            return self._new_future("fbo", make_fbo(req))
        if p == "/api/v1/optim_step":
            return self._new_future("json", {"type": "optim_step", "metrics": {"grad_norm:mean": 1.5}})
        if p == "/api/v1/save_weights":
            run = b["model_id"]
            return self._new_future("json", {"type": "save_weights", "path": f"tinker://{run}/weights/{b['path']}"})
        if p == "/api/v1/save_weights_for_sampler":
            run = b["model_id"]
            if b.get("path"):
                res = {"type": "save_weights_for_sampler", "path": f"tinker://{run}/sampler_weights/{b['path']}"}
            else:
                res = {
                    "type": "save_weights_for_sampler",
                    "sampling_session_id": f"{self.session_id}:sample:{b['sampling_session_seq_id']}",
                }
            return self._new_future("json", res)
        if p == "/api/v1/save_weights_external":
            run = b["model_id"]
            return self._new_future(
                "json",
                {
                    "type": "save_weights_external",
                    "size_bytes": 10,
                    "path": f"tinker://{run}/external_weights/{b['path']}",
                },
            )
        if p == "/api/v1/load_weights":
            model_id = b.get("model_id") or f"{b['session_id']}:train:{b['model_seq_id']}"
            return self._new_future("json", {"type": "load_weights", "model_id": model_id, "path": b["path"]})
        if p == "/api/v1/create_sampling_session":
            return json_response(
                200,
                {
                    "sampling_session_id": f"{b['session_id']}:sample:{b['sampling_session_seq_id']}",
                    "type": "create_sampling_session",
                },
            )
        m = re.fullmatch(r"/api/v1/samplers/([^/]+)", p)
        if m:
            return json_response(
                200, {"sampler_id": m.group(1), "base_model": self.sampler_base_model, "model_path": None}
            )
        if p == "/api/v1/asample":
            return self._sample(b)
        if p == "/api/v1/retrieve_future":
            return self._poll(rec)
        return self._materialise(self.rest_reply, rec)

    def _sample(self, b: dict[str, Any]) -> httpx.Response:
        n = int(b["num_samples"])
        seq = int(b.get("seq_id", 0))
        prompt_len = sum(len(c.get("tokens", [])) for c in b["prompt"]["chunks"])
        seqs = [
            wire.WireSampledSequence(
                "length", np.array([seq, i, 7], dtype=np.int64), np.array([-0.5, -0.25, -0.125], dtype=np.float32)
            )
            for i in range(n)
        ]
        prompt_lp = None
        if b.get("prompt_logprobs"):
            prompt_lp = np.array([np.nan] + [-1.0 - k for k in range(prompt_len - 1)], dtype=np.float32)
        result = wire.WireSampleResponse(seqs, prompt_logprobs=prompt_lp)
        ids = [f"seq-{seq}-{i}" for i in range(n)]
        return self._new_future("sample", result, {"sample_sequence_ids": ids})

    def _poll(self, rec: Recorded) -> httpx.Response:
        rid = rec.body["request_id"]
        with self._lock:
            fut = self._futures.get(rid)
            reply = fut.polls.popleft() if fut is not None and fut.polls else None
        if fut is None:
            return status(404, {"detail": f"unknown future {rid}"})
        if reply is not None:
            return self._materialise(reply, rec)
        wants_pb = PB in (rec.header("accept") or "")
        if fut.kind == "fbo":
            if wants_pb:
                return httpx.Response(
                    200, content=wire.encode_forward_backward_output(fut.result), headers={"content-type": PB}
                )
            return json_response(200, wire.forward_backward_output_to_json(fut.result))
        if fut.kind == "sample":
            if wants_pb:
                return httpx.Response(
                    200, content=wire.encode_sample_response(fut.result), headers={"content-type": PB}
                )
            return json_response(200, wire.sample_response_to_json(fut.result))
        return json_response(200, fut.result)


# ---------------------------------------------------------------------------------------------- data


def datum(n_tokens: int = 4, start: int = 1, weights: Any = None) -> tinker.Datum:
    toks = list(range(start, start + n_tokens))
    inputs: dict[str, Any] = {"target_tokens": [t + 1 for t in toks]}
    inputs["weights"] = weights if weights is not None else [1.0] * n_tokens
    return tinker.Datum(model_input=tinker.ModelInput.from_ints(toks), loss_fn_inputs=inputs)


def hold(server: FakeServer, path: str, seconds: float = 5.0) -> threading.Event:
    """Make ``server`` hold each submission to ``path`` until the returned event is set (at most ``seconds``),
    then give its default reply: the client's later requests wait for their turn meanwhile."""
    released = threading.Event()

    async def held(rec: Any) -> None:
        for _ in range(int(seconds / 0.005)):
            if released.is_set():
                break
            await asyncio.sleep(0.005)

    server.script(path, held)
    return released


def decoded_fb(server: FakeServer) -> list[wire.WireForwardBackwardRequest]:
    return [r.body for r in server.op_calls("forward_backward")]


# ---------------------------------------------------------------------------------------------- clients


def make_service(server: FakeServer, **kwargs: Any) -> tinker.ServiceClient:
    """``tests.helpers.make_service`` wired to ``server`` in memory, with FAST_RETRY unless ``retry_config`` is given."""
    kwargs.setdefault("retry_config", FAST_RETRY)
    return helpers.make_service(
        BASE_URL, api_key=API_KEY, _http_transport=httpx.MockTransport(server.handler), **kwargs
    )


def make_rest(server: FakeServer, cls: Any = None, retry_config: RetryConfig | None = FAST_RETRY) -> Any:
    from tinker._config import ClientSettings
    from tinker._holder import ClientHolder

    settings_ = ClientSettings.resolve(base_url=BASE_URL, api_key=API_KEY)
    holder = ClientHolder(settings_, retry_config=retry_config, http_transport=httpx.MockTransport(server.handler))
    return (cls or tinker.RestClient)(_holder=holder)


class SleepRecorder:
    """Replaces ``asyncio`` inside chosen facade modules: records every ``sleep`` and waits ~0 instead."""

    def __init__(self) -> None:
        self.delays: list[float] = []
        self._real_sleep = asyncio.sleep

    async def sleep(self, delay: float, result: Any = None) -> Any:
        self.delays.append(float(delay))
        return await self._real_sleep(0, result)

    def proxy(self) -> Any:
        ns = SimpleNamespace(**{k: getattr(asyncio, k) for k in dir(asyncio) if not k.startswith("__")})
        ns.sleep = self.sleep
        return ns
