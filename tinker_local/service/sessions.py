"""Sessions: create, heartbeat, finish, list, search and project assignment."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from .._errors import bad_request, gone
from .._state import SessionRec, iso, now
from .._tenancy import visible
from .calls import Call, handles
from .state import ServerState, metadata_strings

__all__ = ["Sessions"]


class Sessions:
    def __init__(self, state: ServerState) -> None:
        self.state = state

    @handles("create_session")
    def create_session(self, call: Call) -> dict[str, Any]:
        body, owner = call.body, call.owner
        sid = f"sess-{secrets.token_hex(8)}"
        rec = SessionRec(
            session_id=sid,
            created_at=now(),
            owner=owner,
            tags=[str(t) for t in body.get("tags") or []],
            user_metadata=metadata_strings(body.get("user_metadata")) or {},
            sdk_version=str(body.get("sdk_version", "")),
            project_id=body.get("project_id"),
            display_name=body.get("display_name"),
        )
        with self.state.lock:
            self.state.store.save_session(rec)  # first: a failed write (a full disk) leaves no session behind
            self.state.store.sessions[sid] = rec
        return {"session_id": sid, "type": "create_session"}

    @handles("session_heartbeat")
    def heartbeat(self, call: Call) -> dict[str, Any]:
        rec = self.state.session(call.body["session_id"])
        if rec.finished is not None:
            raise gone(f"session_id: session {rec.session_id!r} is finished; heartbeats are no longer needed")
        with self.state.lock:
            rec.last_heartbeat = now()
            rec.heartbeat_count += 1
        return {"type": "session_heartbeat"}

    @handles("finish_session")
    def finish_session(self, call: Call) -> dict[str, Any]:
        session_id, body = call.params["session_id"], call.body
        rec = self.state.session(session_id)
        with self.state.lock:
            if rec.finished is None:
                rec.finished = {
                    "reason": {"type": body["reason"]["type"]},
                    "detail": body.get("detail"),
                    "at": now(),
                }
                self.state.store.save_session(rec)
        return {"session_id": session_id, "reason": dict(rec.finished["reason"])}

    def _session_summary(self, rec: SessionRec) -> dict[str, Any]:
        count, size = 0, 0
        with self.state.lock:
            for c in self.state.store.checkpoints.values():
                run = self.state.store.runs.get(c.run_id)
                if run is not None and run.session_id == rec.session_id and c.status == "ready" and not c.expired():
                    count += 1
                    size += c.size_bytes
        if rec.finished is not None:
            status: dict[str, Any] = {"type": "client_finished", "reason": dict(rec.finished["reason"])}
            if rec.finished.get("detail") is not None:
                status["detail"] = rec.finished["detail"]
        else:
            status = {"type": "active"}
        out: dict[str, Any] = {
            "session_id": rec.session_id,
            "created_at": iso(rec.created_at),
            "owner": rec.owner,
            "project_id": rec.project_id or "default",
            "status": status,
            "checkpoints_count": count,
            "user_metadata": dict(rec.user_metadata),
            "checkpoint_storage_bytes": size,
        }
        if rec.display_name is not None:
            out["display_name"] = rec.display_name
        return out

    def _sessions_newest(self) -> list[SessionRec]:
        with self.state.lock:
            return sorted(
                (s for s in self.state.store.sessions.values() if visible(s.owner)),
                key=lambda s: (s.created_at, s.session_id),
                reverse=True,
            )

    @handles("list_sessions")
    def list_sessions(self, call: Call) -> dict[str, Any]:
        limit, offset = call.param("limit", 20), call.param("offset", 0)
        recs = self._sessions_newest()
        return {"sessions": [r.session_id for r in recs[offset : offset + limit]]}

    @handles("get_session")
    def get_session(self, call: Call) -> dict[str, Any]:
        rec = self.state.session(call.params["session_id"])
        out: dict[str, Any] = {
            "training_run_ids": list(rec.training_run_ids),
            "sampler_ids": list(rec.sampler_ids),
            "user_metadata": dict(rec.user_metadata),
        }
        if rec.display_name is not None:
            out["display_name"] = rec.display_name
        return out

    @handles("assign_session_project")
    def assign_project(self, call: Call) -> dict[str, Any]:
        session_id = call.params["session_id"]
        rec = self.state.session(session_id)
        pid = call.body["project_id"]
        with self.state.lock:
            if rec.project_id not in (None, pid):
                raise bad_request(
                    f"project_id: session {session_id!r} already belongs to project {rec.project_id!r}; sessions cannot move out of a project"
                )
            rec.project_id = pid
            self.state.store.save_session(rec)
        return {}

    @handles("search_sessions")
    def search_sessions(self, call: Call) -> dict[str, Any]:
        body, owner = call.body, call.owner
        limit = int(body.get("limit", 50))
        want_id = body.get("session_id")
        want_name = body.get("display_name")
        meta = body.get("user_metadata") or {}
        projects = body.get("project_ids")
        own = body.get("owner") or {"type": "own"}
        statuses = body.get("statuses")
        cursor = body.get("cursor")
        cur_key = None
        if cursor:
            try:
                t = dt.datetime.fromisoformat(cursor["last_created_at"])
                if t.tzinfo is None:
                    raise ValueError("naive")
            except (ValueError, AttributeError):
                raise bad_request("cursor.last_created_at: expected a timezone-aware RFC 3339 date-time") from None
            cur_key = (t.timestamp(), cursor["last_session_id"])
        words = want_name.lower().split() if isinstance(want_name, str) else None

        def matches(rec: SessionRec) -> bool:
            if want_id is not None or words is not None:
                ok = want_id is not None and rec.session_id == want_id
                if not ok and words is not None:
                    name = (rec.display_name or "").lower()
                    ok = all(w in name for w in words)
                if not ok:
                    return False
            for k, v in meta.items():
                if rec.user_metadata.get(k) != v:
                    return False
            if projects is not None and (rec.project_id or "default") not in projects:
                return False
            if own.get("type") == "own" and rec.owner != owner:
                return False
            if own.get("type") == "user" and rec.owner not in own.get("owner_urns", []):
                return False
            if statuses:
                ok = False
                for st in statuses:
                    t = st.get("type")
                    if t == "active" and rec.finished is None:
                        ok = True
                    elif t == "client_finished" and rec.finished is not None:
                        reasons = st.get("reasons")
                        if not reasons or rec.finished["reason"]["type"] in reasons:
                            ok = True
                if not ok:
                    return False
            return True

        out = []
        next_cursor = None
        for rec in self._sessions_newest():
            if cur_key is not None and (rec.created_at, rec.session_id) >= cur_key:
                continue
            if not matches(rec):
                continue
            if len(out) == limit:
                last = out[-1]
                next_cursor = {"last_created_at": last["created_at"], "last_session_id": last["session_id"]}
                break
            out.append(self._session_summary(rec))
        return {"sessions": out, "next_cursor": next_cursor}
