"""Sampling: sampling sessions, ``asample`` (a future) and ``stream_sample`` (server-sent events)."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

import tinker_wire as wire

from .. import engine as eng
from .._errors import ApiError, bad_request, conflict, not_found
from .._futures import FutureRec
from .._state import CheckpointRec, now
from .calls import Call, EventStream, handles
from .encryption import refuse_encrypted
from .sample_process import SampleArgs, SampleOutcome, SampleProcessError, SampleProcesses, collect
from .sample_results import PromptParts, ResultShape, parse_targets, topk_grid
from .state import SamplerRec, ServerState, body_hash, optional_int, remember_seq, tokens_from_chunks

__all__ = ["CLONE_STRIDE", "Sampling"]

log = logging.getLogger("tinker_local")

#: seq_ids of a cloned sampler start at clone * CLONE_STRIDE (retrieve_futures reports per clone)
CLONE_STRIDE = 1_000_000_000


@dataclass
class SamplePlan:
    """A validated sampling request, ready to run."""

    sampler: SamplerRec
    prompt: np.ndarray
    cfg: eng.SamplingConfig
    decode: Callable[[list[int]], str] | None
    session_id: str | None
    result: ResultShape
    targets: eng.PromptTargets | None

    @property
    def num_samples(self) -> int:
        return self.result.num_samples

    def args(self) -> SampleArgs:
        r = self.result
        return SampleArgs(
            self.prompt, self.cfg, r.num_samples, r.prompt_logprobs, r.topk_prompt, r.topk_sample, self.targets, r.alt_k
        )

    def stream(self, weights: Any) -> Iterator[eng.StreamEvent]:
        """The engine's event stream for this request (validated when called)."""
        return self.args().stream(weights, self.decode)


class Sampling:
    def __init__(self, state: ServerState) -> None:
        self.state = state
        self._sampler_cache: dict[tuple[str, str, str, float], Any] = {}
        self.pool = ThreadPoolExecutor(
            max_workers=max(1, state.config.sampling_workers), thread_name_prefix="tinker-local-sample"
        )
        n = state.config.sampling_processes
        self.processes = SampleProcesses(n, state.config.model_specs(), os.environ) if n > 0 else None

    def _load_sampler_weights(self, ck: CheckpointRec) -> Any:
        key = (ck.run_id, ck.kind, ck.name, ck.created_at)
        with self.state.lock:
            w = self._sampler_cache.get(key)
        if w is None:
            refuse_encrypted(self.state.checkpoint_dir(ck), ck.tinker_path, "model_path")
            try:
                w = eng.SamplerWeights.load(self.state.checkpoint_dir(ck), self.state.registry)
            except eng.EngineInputError as e:
                raise bad_request(f"model_path: cannot load {ck.tinker_path}: {e}") from None
            with self.state.lock:
                self._sampler_cache[key] = w
                while len(self._sampler_cache) > 64:
                    self._sampler_cache.pop(next(iter(self._sampler_cache)))
        return w

    @handles("create_sampling_session")
    def create_sampling_session(self, call: Call) -> dict[str, Any]:
        body = call.body
        sid = body["session_id"]
        self.state.session(sid, for_work=True)
        seq = int(body["sampling_session_seq_id"])
        sampler_id = f"{sid}:sample:{seq}"
        h = body_hash("create_sampling_session", {k: body.get(k) for k in ("base_model", "model_path")})
        with self.state.lock:
            existing = self.state.samplers.get(sampler_id)
            if existing is not None:
                if existing.body_hash == h:
                    return {"sampling_session_id": sampler_id, "type": "create_sampling_session"}
                raise conflict(
                    f"sampling_session_seq_id: sampling session {sampler_id!r} already exists with other settings"
                )
        base_model, model_path = body.get("base_model"), body.get("model_path")
        if model_path is not None:
            ck = self.state.checkpoint_by_path(model_path, "model_path")
            weights = self._load_sampler_weights(ck)
            if base_model is not None and base_model != weights.base.name:
                raise bad_request(
                    f"base_model: {model_path} is a checkpoint of {weights.base.name!r}, not {base_model!r}"
                )
            name = weights.base.name
            self.state.store.audit(
                "checkpoint_read", model_id=ck.run_id, tinker_path=ck.tinker_path, purpose="sampling"
            )
        elif base_model is not None:
            weights = eng.SamplerWeights.from_base(self.state.base(base_model))
            name = base_model
        else:
            raise bad_request(
                "base_model, model_path: send one of them (a served base model or a tinker:// checkpoint path)"
            )
        rec = SamplerRec(sampler_id, sid, name, model_path, now(), weights=weights, body_hash=h)
        rec.ready.set()
        procs = self.processes
        if procs is not None:
            try:
                procs.start()  # its imports overlap the client's first request
            except OSError as e:
                self._no_processes(procs, e)
        with self.state.lock:
            if sampler_id in self.state.samplers:
                if self.state.samplers[sampler_id].body_hash == h:
                    return {"sampling_session_id": sampler_id, "type": "create_sampling_session"}
                raise conflict(f"sampling_session_seq_id: sampling session {sampler_id!r} already exists")
            self.state.register_sampler(rec)
        return {"sampling_session_id": sampler_id, "type": "create_sampling_session"}

    @handles("get_sampler")
    def get_sampler(self, call: Call) -> dict[str, Any]:
        sampler_id = call.params["sampler_id"]
        rec = self.state.sampler(sampler_id)
        if rec is None:
            raise not_found(f"sampler_id: sampler {sampler_id!r} not found")
        out = {"sampler_id": sampler_id, "base_model": rec.base_model}
        if rec.model_path is not None:
            out["model_path"] = rec.model_path
        return out

    @handles("join_sampling_session")
    def join_sampling_session(self, call: Call) -> dict[str, Any]:
        ssid = call.body["sampling_session_id"]
        with self.state.lock:
            rec = self.state.sampler(ssid)
            if rec is None:
                raise not_found(f"sampling_session_id: sampling session {ssid!r} not found")
            rec.join_counter += 1
            n = rec.join_counter
        return {"client_counter": n, "type": "join_sampling_session"}

    def plan_sample(self, body: dict[str, Any]) -> SamplePlan:
        """Resolve the sampler and validate a sample request (no work done)."""
        sp = body["sampling_params"]
        if sp.get("max_tokens") is None:
            raise bad_request("sampling_params.max_tokens is required")
        ssid = body.get("sampling_session_id")
        if ssid is not None:
            sampler = self.state.sampler(ssid)
            if sampler is None:
                raise not_found(f"sampling_session_id: sampling session {ssid!r} not found")
            if sampler.session_id is not None:
                self.state.session(sampler.session_id, for_work=True, field_name="sampling_session_id")
        elif body.get("model_path") is not None:
            ck = self.state.checkpoint_by_path(body["model_path"], "model_path")
            w = self._load_sampler_weights(ck)
            sampler = SamplerRec(f"direct:{ck.tinker_path}", None, w.base.name, ck.tinker_path, now(), weights=w)
            sampler.ready.set()
        elif body.get("base_model") is not None:
            base = self.state.base(body["base_model"])
            sampler = SamplerRec(
                f"direct:{base.name}",
                None,
                base.name,
                None,
                now(),
                weights=eng.SamplerWeights.from_base(base),
            )
            sampler.ready.set()
        else:
            raise bad_request("sampling_session_id: required (or base_model / model_path for direct sampling)")
        base = self.state.registry.get(sampler.base_model)
        chunks = body["prompt"]["chunks"]
        prompt = tokens_from_chunks(chunks, "prompt.chunks")
        stop = sp.get("stop")
        if isinstance(stop, np.ndarray):  # a long stop-token list decoded as an array
            stop = stop.tolist()
        if (
            isinstance(stop, list)
            and stop
            and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in stop)
        ):
            stop = [int(x) for x in stop]
        seed = sp.get("seed")
        cfg = eng.SamplingConfig(
            max_tokens=int(sp["max_tokens"]),
            temperature=float(sp.get("temperature", 1.0)),
            top_k=int(sp.get("top_k", -1)),
            top_p=float(sp.get("top_p", 1.0)),
            seed=int(seed) if seed is not None else None,
            stop=stop,
        )
        n = int(body.get("num_samples", 1))
        want_plp = bool(body.get("prompt_logprobs") or False)
        topk = int(body.get("topk_prompt_logprobs", 0) or 0)
        last_n = body.get("prompt_logprobs_last_n")
        if last_n is not None:
            last_n = int(last_n)
            if not want_plp:
                raise bad_request("prompt_logprobs_last_n: needs prompt_logprobs=true")
            if not 1 <= last_n <= max(0, len(prompt) - 1):
                raise bad_request(
                    f"prompt_logprobs_last_n: must be between 1 and len(prompt) - 1 = {len(prompt) - 1}, got {last_n}"
                )
        budget = n * (len(prompt) + cfg.max_tokens)
        if budget > self.state.config.max_sample_batch_tokens:
            raise bad_request(
                f"num_samples: num_samples x (prompt + max_tokens) = {n} x ({len(prompt)} + {cfg.max_tokens}) = {budget} "
                f"exceeds the local server's limit of {self.state.config.max_sample_batch_tokens} tokens per request"
            )
        parsed = parse_targets(body.get("target_prompt_logprobs"), len(prompt))
        targets, layout = parsed if parsed is not None else (None, None)
        shape = ResultShape(
            prompt_len=len(prompt),
            num_samples=n,
            max_tokens=cfg.max_tokens,
            prompt_logprobs=want_plp,
            topk_prompt=topk,
            last_n=last_n,
            topk_sample=int(body.get("topk_sample_logprobs") or 0),
            target_cells=0 if targets is None else len(targets.ids),
            target_layout=layout,
            alt_k=int(body.get("prompt_alt_tokens_k") or 0),
        )
        shape.check_size()
        plan = SamplePlan(sampler, prompt, cfg, self.state.decoder(base.name), sampler.session_id, shape, targets)
        try:  # validates every argument without running anything
            plan.stream(eng.SamplerWeights.from_base(base)).close()
        except eng.EngineInputError as e:
            msg = str(e)
            if msg.startswith("prompt:"):
                msg = "prompt.chunks" + msg[len("prompt") :]
            raise bad_request(msg) from None
        return plan

    def _sampler_weights(self, plan: SamplePlan) -> Any:
        s = plan.sampler
        if not s.ready.wait(timeout=max(60.0, self.state.config.seq_gap_timeout_s)):
            raise ApiError(500, f"sampler {s.sampler_id!r} did not become ready", category="server")
        if s.weights is None:
            raise bad_request(
                f"sampling_session_id: sampler {s.sampler_id!r} could not be created: {s.error or 'server stopped'}"
            )
        return s.weights

    @handles("asample")
    async def asample(self, call: Call) -> dict[str, Any]:
        # A sampling session's request is only validated and queued, cheaper on the event loop than a thread hop;
        # direct sampling of a base model or checkpoint may load weights, so it runs on a worker thread.
        if call.body.get("sampling_session_id") is not None:
            return self.submit_sample(call)
        return await asyncio.to_thread(self.submit_sample, call)

    def submit_sample(self, call: Call) -> dict[str, Any]:
        body = call.body
        ssid = body.get("sampling_session_id")
        seq = optional_int(body.get("seq_id"))
        h = body_hash("sample", body)
        if ssid is not None and seq is not None:
            with self.state.lock:
                s = self.state.sampler(ssid)
                if s is not None and seq in s.seqs:
                    prev_h, prev_rid = s.seqs[seq]
                    if prev_h == h:
                        prev = self.state.futures.get(prev_rid)
                        if prev is not None:
                            return prev.describe()
                    else:
                        raise conflict(
                            f"seq_id: seq_id {seq} of sampling session {ssid!r} was already used by a different request"
                        )
        plan = self.plan_sample(body)
        with self.state.lock:
            if ssid is not None and seq is not None:
                s = plan.sampler
                if seq in s.seqs and s.seqs[seq][0] == h:
                    prev = self.state.futures.get(s.seqs[seq][1])
                    if prev is not None:
                        return prev.describe()
                if seq in s.seqs and s.seqs[seq][0] != h:
                    raise conflict(
                        f"seq_id: seq_id {seq} of sampling session {ssid!r} was already used by a different request"
                    )
            rec = self.state.futures.create(
                "sample",
                session_id=plan.session_id,
                sampling_session_id=ssid,
                clone_id=(seq // CLONE_STRIDE) if seq is not None else 0,
            )
            rec.sample_sequence_ids = [f"{rec.request_id}:{i}" for i in range(plan.num_samples)]
            if ssid is not None and seq is not None:
                remember_seq(plan.sampler.seqs, seq, (h, rec.request_id))
        self._dispatch(rec, plan)
        return rec.describe()

    def _dispatch(self, rec: FutureRec, plan: SamplePlan) -> None:
        """Run the sample in a sampling process, or on a sampling thread (no processes configured, or a sampler
        still being made: waiting for it would block the caller)."""
        procs = self.processes
        if procs is None or not plan.sampler.ready.is_set():
            self.pool.submit(self._run_sample, rec, plan)
            return
        if rec.cancel.is_set() or not self.state.futures.mark_running(rec):
            return
        try:
            procs.submit(self._sampler_weights(plan), plan.args(), lambda out: self._answered(procs, rec, plan, out))
        except ApiError as e:
            self._finish(rec, plan, e)
        except SampleProcessError as e:
            self._answered(procs, rec, plan, e)
        except OSError as e:
            self._no_processes(procs, e)
            self.pool.submit(self._sample_here, rec, plan)  # already marked running

    def _answered(
        self, procs: SampleProcesses, rec: FutureRec, plan: SamplePlan, out: SampleOutcome | BaseException
    ) -> None:
        """Finish a request the pool answered; one it failed because it was given up for threads (see
        _no_processes; or its children die on start) runs on a thread instead."""
        if isinstance(out, SampleProcessError) and procs.unusable and self.processes is procs:
            self._no_processes(procs, procs.unusable)
        if isinstance(out, SampleProcessError) and self.processes is not procs and not rec.cancel.is_set():
            self.pool.submit(self._sample_here, rec, plan)
            return
        self._finish(rec, plan, out)

    def _no_processes(self, procs: SampleProcesses, error: OSError | str) -> None:
        """No process can run samples here (no interpreter to start, no descriptors left, children that die on
        start): sample on threads."""
        with self.state.lock:
            if self.processes is not procs:  # another thread got here first
                return
            self.processes = None
        why = f"cannot start a sampling process ({error})" if isinstance(error, OSError) else error
        log.warning("%s; sampling on threads instead", why)
        procs.close()  # any child it did start

    def _run_sample(self, rec: FutureRec, plan: SamplePlan) -> None:
        if rec.cancel.is_set() or not self.state.futures.mark_running(rec):
            return
        self._sample_here(rec, plan)

    def _sample_here(self, rec: FutureRec, plan: SamplePlan) -> None:
        out: SampleOutcome | BaseException | None
        try:
            weights = self._sampler_weights(plan)
            out = collect(plan.stream(weights), plan.num_samples, rec.cancel.is_set)
        except Exception as e:  # noqa: BLE001 - _finish reports it (a server error, logged with its traceback)
            out = e
        self._finish(rec, plan, out)

    def _finish(self, rec: FutureRec, plan: SamplePlan, out: SampleOutcome | BaseException | None) -> None:
        """Complete ``rec`` with the outcome (None: cancelled), or fail it with the error, named as the caller
        should read it."""
        futures = self.state.futures
        if out is None or (rec.cancel.is_set() and not isinstance(out, BaseException)):
            futures.fail(rec, "the sample request was cancelled", "user")
            return
        if isinstance(out, eng.EngineInputError):
            futures.fail(rec, str(out), "user")
            return
        if isinstance(out, ApiError):
            futures.fail(rec, out.detail, out.category or "user")
            return
        if isinstance(out, SampleProcessError):  # a process died or the server stopped: the pool logged which
            futures.fail(rec, str(out), "server")
            return
        if isinstance(out, BaseException):
            log.warning("sample %s failed", rec.request_id, exc_info=out)
            futures.fail(rec, f"internal error during sampling: {type(out).__name__}: {out}", "server")
            return
        k = plan.result.topk_sample
        try:
            seqs = [
                wire.WireSampledSequence(
                    r,
                    np.asarray(t, dtype=np.int64),
                    np.asarray(lp, dtype=np.float32),
                    topk_grid(tk, k) if k else None,
                )
                for t, lp, r, tk in zip(out.tokens, out.logprobs, out.reasons, out.topk)
            ]
            result = PromptParts.of(plan.result, out.prompt).response(seqs)
        except Exception as e:  # noqa: BLE001 - as above
            self._finish(rec, plan, e)
            return
        store = self.state.store
        store.count_usage("sampling_prefill", len(plan.prompt), plan.session_id, plan.sampler.base_model)
        store.count_usage("sampling_sample", sum(map(len, out.tokens)), plan.session_id, plan.sampler.base_model)
        futures.complete(rec, result)

    @handles("stream_sample")
    def stream_sample(self, call: Call) -> EventStream:
        plan = self.plan_sample(call.body)
        return EventStream(lambda cancel, tag: self._stream_events(plan, cancel, tag))

    def _stream_events(
        self, plan: SamplePlan, cancel: threading.Event, request_tag: str
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """Blocking generator of SSE ``(event, data)`` pairs for ``stream_sample``; closing it cancels."""
        weights = self._sampler_weights(plan)
        gen = plan.stream(weights)
        counts = [0] * plan.num_samples
        toks: list[list[int]] = [[] for _ in range(plan.num_samples)]
        emitted = [0] * plan.num_samples
        delay = self.state.config.stream_token_delay_s
        try:
            for ev in gen:
                if cancel.is_set():
                    return
                if isinstance(ev, eng.PromptEvent):
                    if plan.result.any_prompt_part:
                        yield "prompt", PromptParts.of(plan.result, ev).to_json()
                elif isinstance(ev, eng.TokenEvent):
                    i = ev.sample_index
                    counts[i] += 1
                    toks[i].append(ev.token)
                    data: dict[str, Any] = {
                        "index": i,
                        "token_id": int(ev.token),
                        "logprob": float(ev.logprob),
                    }
                    if ev.topk is not None:
                        data["topk_logprobs"] = [[t, lp] for t, lp in ev.topk]
                    if plan.decode is not None:
                        text = plan.decode(toks[i])
                        if text.endswith("\ufffd"):
                            data["text"] = ""
                        else:
                            data["text"] = text[emitted[i] :]
                            emitted[i] = len(text)
                    yield "token", data
                    if delay > 0:
                        time.sleep(delay)
                elif isinstance(ev, eng.DoneEvent):
                    i = ev.sample_index
                    yield (
                        "done",
                        {
                            "index": i,
                            "stop_reason": ev.stop_reason,
                            "num_tokens": counts[i],
                            "sequence_id": f"{request_tag}:{i}",
                        },
                    )
        finally:
            gen.close()
            self.state.store.count_usage("sampling_prefill", len(plan.prompt), plan.session_id, plan.sampler.base_model)
            self.state.store.count_usage("sampling_sample", sum(counts), plan.session_id, plan.sampler.base_model)

    def prune(self) -> None:
        """Forget idempotency entries and completion events of futures that no longer exist, so long-lived
        samplers do not grow the server's memory without bound."""
        state = self.state
        with state.lock:
            for s in state.samplers.values():
                s.seqs = {q: v for q, v in s.seqs.items() if state.futures.get(v[1]) is not None}
                drop = 0
                while drop < len(s.events) and state.futures.get(s.events[drop]["request_id"]) is None:
                    drop += 1
                if drop:
                    del s.events[:drop]
                    s.events_base += drop
