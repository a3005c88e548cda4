"""Server facts and account endpoints: health, capabilities, client config, tokenizer, telemetry, auth,
audit log, billing and storage usage."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .._errors import bad_request, not_found
from .._state import iso, now
from .._tenancy import visible
from .calls import Call, handles
from .state import ServerState

__all__ = ["Admin"]


class Admin:
    def __init__(self, state: ServerState) -> None:
        self.state = state
        self.telemetry_events = 0

    @handles("healthz")
    def healthz(self, call: Call) -> dict[str, Any]:
        return {"status": "ok"}

    @handles("get_server_capabilities")
    def capabilities(self, call: Call) -> dict[str, Any]:
        models = []
        for name in self.state.served():
            models.append(
                {
                    "model_name": name,
                    "max_context_length": self.state.registry.served(name).config.context_length,
                    "trainable": True,
                    "sampleable": True,
                }
            )
        return {"supported_models": models}

    @handles("get_client_config")
    def client_config(self, call: Call) -> dict[str, Any]:
        return {
            # the server hands out JWTs (auth_token) and accepts them, so clients may use them (whoami needs one)
            "pjwt_auth_enabled": True,
            "credential_default_source": "api_key",
            "parallel_fwdbwd_chunks": True,
            "proto_compress_fwdbwd": False,
            "fwdbwd_max_chunk_len": 1024,
            "fwdbwd_max_chunk_bytes_count": 5_000_000,
            "sample_use_retrieve_futures": False,
            "custom_loss_server_side": False,
            "sample_join_sampling_session": False,
            "create_model_via_load_weights": False,
        }

    @handles("get_client_dynamic_config")
    def dynamic_config(self, call: Call) -> dict[str, Any]:
        return {
            "refresh_interval_sec": 300,
            "sample_cancel_enabled": False,
            "sample_cancel_max_batch_size": 64,
        }

    @handles("get_tokenizer")
    def tokenizer(self, call: Call) -> dict[str, Any]:
        model_name = call.params["model_name"]
        if model_name not in self.state.registry:
            raise not_found(f"model_name: unknown model {model_name!r}; this server serves {self.state.served()}")
        tok = self.state.registry.served(model_name).tokenizer
        if tok is None:
            raise not_found(
                f"model_name: {model_name!r} is served without a tokenizer (a synthetic vocabulary: ids 0-255 are "
                f"bytes, others <|id|>); serve it with --model {model_name}:tokenizer=PATH (a tokenizer.json), or "
                "put its tokenizer.json in the local Hugging Face cache"
            )
        return {
            "model_name": model_name,
            "tokenizer": tok.json_form,
            "bos_token_id": tok.bos_token_id,
            "eos_token_id": tok.eos_token_ids[0] if tok.eos_token_ids else None,
        }

    @handles("send_telemetry")
    def telemetry(self, call: Call) -> dict[str, Any]:
        with self.state.lock:
            self.telemetry_events += len(call.body.get("events") or [])
        return {"status": "accepted"}

    @handles("exchange_auth_token")
    def auth_token(self, call: Call) -> dict[str, Any]:
        return {"jwt": self.state.keys.tokens.issue(call.owner, now())}

    @handles("get_api_key_info")
    def api_key_info(self, call: Call) -> dict[str, Any]:
        fp = call.owner.split(":", 1)[-1]
        mode = (
            "this key is one of the server's --api-key keys and sees only its own resources"
            if self.state.keys
            else "the server runs without accounts: any non-empty X-API-Key is accepted"
        )
        return {
            "key_id": int(fp[:8], 16),
            "name": "local",
            "note": f"local Tinker server, user tml:user:{call.owner}: {mode}",
            "details": {"org_details": {"name": "local"}, "user_details": {"email": None}},
        }

    @handles("delete_api_key")
    def delete_api_key(self, call: Call) -> dict[str, Any]:
        return {}  # keys are not stored: any non-empty key (or one of --api-key) is accepted

    @handles("get_audit_log")
    def audit(self, call: Call) -> dict[str, Any]:
        event_type, day = call.param("event_type", "all"), call.param("day")
        if day is None:
            d = dt.datetime.now(dt.UTC).date()
        else:
            d = dt.date.fromisoformat(day)
        start = dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC).timestamp()
        end = start + 86400
        entries = []
        if event_type in ("all", "checkpoints"):
            for e in self.state.store.audit_entries():
                if start <= e["timestamp"] < end and visible(self.state.owner_of_run(str(e.get("model_id")))):
                    entries.append(
                        {
                            "timestamp": iso(e["timestamp"]),
                            "event": e["event"],
                            "model_id": e.get("model_id"),
                            "tinker_path": e.get("tinker_path"),
                            "purpose": (e.get("details") or {}).get("purpose"),
                            "event_details": e.get("details") or {},
                        }
                    )
        entries.sort(key=lambda x: x["timestamp"])
        return {"entries": entries}

    @handles("get_billing_usage")
    def billing_usage(self, call: Call) -> dict[str, Any]:
        starting_on, ending_before = call.params["starting_on"], call.params["ending_before"]

        def parse(v: str, f: str) -> dt.datetime:
            try:
                t = dt.datetime.fromisoformat(v.replace("Z", "+00:00").replace("z", "+00:00"))
            except ValueError:
                raise bad_request(f"{f}: expected an RFC 3339 date-time, got {v!r}") from None
            if t.tzinfo is None:
                t = t.replace(tzinfo=dt.UTC)
            if t.minute or t.second or t.microsecond:
                raise bad_request(f"{f}: must fall on a UTC hour boundary, got {v!r}")
            if t.utcoffset() and t.utcoffset().total_seconds() % 3600:
                raise bad_request(f"{f}: must fall on a UTC hour boundary, got {v!r}")
            return t

        a = parse(starting_on, "starting_on")
        b = parse(ending_before, "ending_before")
        if b <= a:
            raise bad_request("ending_before: must be after starting_on")
        if b - a > dt.timedelta(days=14):
            raise bad_request("ending_before: the window may span at most 14 days")
        if a > dt.datetime.now(dt.UTC):
            raise bad_request("starting_on: must not be in the future")
        h0, h1 = int(a.timestamp() // 3600), int(b.timestamp() // 3600)
        with self.state.lock:
            items = list(self.state.store.usage.items())
        rows = []
        sessions: dict[str, Any] = {}
        for key, val in items:
            hour_s, sid, base, kind = key.split("|", 3)
            hour = int(hour_s)
            if not h0 <= hour < h1:
                continue
            n = int(val.get("tokens", 0))
            if kind == "sampling_prefill":
                info: dict[str, Any] = {"type": kind, "cached": False, "token_count": n}
            elif kind == "checkpoint":
                info = {"type": "checkpoint", "count": n}
            else:
                info = {"type": kind, "token_count": n}
            ev: dict[str, Any] = {
                "bucket_start": iso(hour * 3600.0),
                "bucket_end": iso((hour + 1) * 3600.0),
                "base_model": base or None,
                "session_id": sid or None,
                "event_info": info,
            }
            srec = self.state.store.sessions.get(sid) if sid else None
            if not visible(srec.owner if srec is not None else None):
                continue
            if srec is not None:
                ev["user_id"] = srec.owner
                ev["project_id"] = srec.project_id
                sessions[sid] = {"user_metadata": dict(srec.user_metadata)}
            rows.append((hour, -n, ev))
        rows.sort(key=lambda r: (r[0], r[1]))
        return {"data": [r[2] for r in rows], "sessions": sessions}

    @handles("get_current_checkpoint_storage_usage")
    def storage_usage(self, call: Call) -> dict[str, Any]:
        project_id = call.param("project_id")
        groups: dict[tuple[str | None, str], list[int]] = {}
        for c in self.state.visible_checkpoints():
            run = self.state.store.runs.get(c.run_id)
            s = self.state.store.sessions.get(run.session_id) if run and run.session_id else None
            proj = s.project_id if s else None
            if project_id is not None and proj != project_id:
                continue
            owner = run.owner if run else "unknown"
            slot = groups.setdefault((proj, owner), [0, 0])
            slot[0] += 1
            slot[1] += c.size_bytes
        data = [
            {
                "project_id": proj,
                "org_user_urn": f"tml:user:{owner}",
                "checkpoint_count": cnt,
                "size_bytes": size,
                "size_gigabytes": size / 1e9,
            }
            for (proj, owner), (cnt, size) in sorted(groups.items(), key=lambda kv: (str(kv[0][0]), kv[0][1]))
        ]
        return {"data": data}
