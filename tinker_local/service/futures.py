"""Futures: long-poll retrieval of one result, results answered inline (extension), a sampling session's
completion feed, cancellation."""

from __future__ import annotations

from typing import Any

from tinker_wire import PROTOBUF, dumps

from .._errors import gone, not_found
from .._futures import DONE, FAILED, FutureRec
from .calls import Call, Payload, Pending, handles
from .state import ServerState

__all__ = ["RESULT_HEADER", "RESULT_WAIT", "Futures"]

#: The request header asking for an inline result, and the response header that marks one and carries its future
#: (contract extension).
RESULT_WAIT = "X-Tinker-Result-Wait"
RESULT_HEADER = "X-Tinker-Inline-Future"
_MAX_HEADER = 4096


class Futures:
    def __init__(self, state: ServerState) -> None:
        self.state = state
        state.futures.add_listener(self.record_completion)

    @handles("retrieve_future")
    async def retrieve_future(self, call: Call) -> Any:
        state = self.state
        rid = call.body["request_id"]
        rec = state.futures.get(rid)
        if rec is None:
            if state.futures.was_issued(rid):
                raise gone(f"request_id: the result of {rid!r} expired; submit the request again")
            raise not_found(f"request_id: future {rid!r} not found")
        if not rec.terminal:
            done = await state.futures.wait(rec, state.config.retrieve_timeout_s)
            if not done:
                return Pending(
                    {
                        "detail": f"request {rid} is still {rec.status}; poll again",
                        "request_id": rid,
                        "queue_state": "active",
                    }
                )
        if rec.status == FAILED:
            state.futures.mark_delivered(rec)
            return {"error": rec.error or "failed", "category": rec.category or "unknown"}
        payload, media = rec.payload(call.accepts_protobuf)
        if call.body.get("allow_metadata_only") and len(payload) > state.config.metadata_only_threshold_bytes:
            return {"status": "complete_metadata", "response_payload_size": len(payload)}
        state.futures.mark_delivered(rec)
        return Payload(payload, media)

    async def inline(self, future: dict[str, Any], wait: float, proto: bool) -> Any:
        """Extension ``X-Tinker-Result-Wait``: answer the submit with its finished protobuf result instead of the
        future when it is ready within ``wait`` seconds. Failures, JSON-only callers and results too large for one
        reply keep the future, so the client's ordinary poll handles them (error replies, metadata-only budgets)."""
        state = self.state
        rec = state.futures.get(future["request_id"])
        if rec is None or not proto or not state.config.inline_results:  # never inline: do not hold
            return future
        if not rec.terminal:
            await state.futures.wait(rec, min(wait, state.config.retrieve_timeout_s))
        if rec.status != DONE:
            return future
        payload, media = rec.payload(proto)
        header = dumps(future).decode()
        if media != PROTOBUF or len(payload) > state.config.metadata_only_threshold_bytes or len(header) > _MAX_HEADER:
            return future
        state.futures.mark_delivered(rec)
        return Payload(payload, media, {RESULT_HEADER: header})

    def record_completion(self, rec: FutureRec) -> None:
        """Append a finished sample to its sampling session's completion log (retrieve_futures)."""
        if rec.op != "sample" or rec.sampling_session_id is None:
            return
        s = self.state.samplers.get(rec.sampling_session_id)
        if s is None:
            return
        with self.state.lock:
            entry: dict[str, Any] = {"request_id": rec.request_id, "clone": rec.clone_id}
            if rec.status == DONE:
                entry["state"] = "finished"
                try:
                    entry["size"] = len(rec.payload(proto=True)[0])
                except (ValueError, TypeError):  # pragma: no cover - size is advisory
                    entry["size"] = None
            else:
                entry["state"] = "failed"
            s.events.append(entry)
            entry["cursor"] = s.events_base + len(s.events)
        s.signal.notify()

    @handles("retrieve_futures")
    async def retrieve_futures(self, call: Call) -> dict[str, Any]:
        body = call.body
        target = body["target"]
        ssid = target["sampling_session_id"]
        clone = int(target.get("cloned_sampler_id", 0))
        s = self.state.sampler(ssid)
        if s is None:
            raise not_found(f"target.sampling_session_id: sampling session {ssid!r} not found")
        for rid in body.get("retrieved_request_ids") or []:
            rec = self.state.futures.get(rid)
            if rec is not None and rec.terminal:
                self.state.futures.mark_delivered(rec)
        prev = int(body.get("prev_cursor", 0))
        timeout = body.get("timeout")
        timeout = (
            self.state.config.retrieve_futures_timeout_s
            if timeout is None
            else min(float(timeout), self.state.config.retrieve_futures_timeout_s)
        )

        def fresh() -> list[dict[str, Any]]:
            with self.state.lock:
                return [e for e in s.events[max(prev - s.events_base, 0) :] if e["clone"] == clone]

        await s.signal.wait(timeout, lambda: bool(fresh()))
        items = fresh()
        with self.state.lock:
            cursor = max(prev, s.events_base + len(s.events))
        out = []
        for e in items:
            if e["state"] == "finished":
                out.append(
                    {
                        "state": "finished",
                        "request_id": e["request_id"],
                        "response_payload_uncompressed_size": e.get("size"),
                    }
                )
            else:
                out.append({"state": "failed", "request_id": e["request_id"]})
        return {"completions": out, "cursor": cursor}

    @handles("cancel_future")
    def cancel_future(self, call: Call) -> dict[str, Any]:
        rid = call.body["request_id"]
        rec = self.state.futures.get(rid)
        if rec is None:
            if self.state.futures.was_issued(rid):
                return {"cancelled": False}
            raise not_found(f"request_id: future {rid!r} not found")
        if rec.op != "sample" or rec.terminal:
            return {"cancelled": False}
        rec.cancel.set()
        if rec.status == "pending":
            self.state.futures.fail(rec, "the sample request was cancelled", "user")
        return {"cancelled": True}
