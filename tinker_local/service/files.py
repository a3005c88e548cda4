"""Files the server hands out through signed, expiring links: checkpoint archives, exported weights, traces."""

from __future__ import annotations

import base64
import hashlib
import hmac
from pathlib import Path
from typing import Any

import tinker_wire as wire

from .._errors import bad_request, not_found
from .._state import iso, now
from .calls import Call, Redirect, handles
from .runs import checkpoint_address
from .state import ServerState

__all__ = ["Files"]


class Files:
    def __init__(self, state: ServerState) -> None:
        self.state = state

    def sign(self, rel: str, mode: str, filename: str, ttl: float | None = None) -> tuple[str, float]:
        """A link token for a file (``mode`` "file") or a directory sent as a tar.gz (``mode`` "tar")."""
        exp = now() + (ttl if ttl is not None else self.state.config.signed_url_ttl_s)
        payload = wire.dumps({"p": rel, "m": mode, "f": filename, "e": int(exp)})
        tok = base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
        sig = hmac.new(self.state.store.url_key, tok.encode(), hashlib.sha256).hexdigest()[:32]
        return f"{tok}.{sig}", float(int(exp))

    def verify(self, token: str) -> tuple[Path, str, str]:
        """(path, mode, download file name) of a valid token; 404 for a forged, expired or escaping one."""
        tok, _, sig = token.partition(".")
        good = hmac.new(self.state.store.url_key, tok.encode(), hashlib.sha256).hexdigest()[:32]
        if not sig or not hmac.compare_digest(sig, good):
            raise not_found("download: invalid or tampered link")
        try:
            data = wire.loads(base64.urlsafe_b64decode(tok + "=" * (-len(tok) % 4)))
        except (ValueError, wire.WireError):
            raise not_found("download: invalid link") from None
        if now() > float(data["e"]):
            raise not_found("download: the link has expired; request a new one")
        root = self.state.store.root.resolve()
        path = (root / data["p"]).resolve()
        if root not in path.parents and path != root:
            raise not_found("download: invalid link")
        if not path.exists():
            raise not_found("download: the file no longer exists")
        return path, str(data["m"]), str(data["f"])

    @handles("get_checkpoint_archive_url")
    def archive_url(self, call: Call) -> Redirect:
        run_id, kind, name = checkpoint_address(call)
        rec = self.state.checkpoint(run_id, kind, name, "checkpoint_id")
        rel = str(self.state.checkpoint_dir(rec).resolve().relative_to(self.state.store.root.resolve()))
        fname = f"{run_id.replace(':', '_')}-{kind}-{name}.tar.gz"
        token, exp = self.sign(rel, "tar", fname)
        self.state.store.audit("checkpoint_read", model_id=run_id, tinker_path=rec.tinker_path, purpose="archive")
        return Redirect(f"{call.base_url}local/files/{token}", exp)

    @handles("get_external_weights_urls")
    def external_urls(self, call: Call) -> dict[str, Any]:
        run_id, kind, name = checkpoint_address(call)
        base_url = call.base_url
        if kind != "external_weights":
            raise bad_request(
                f"checkpoint_kind: download URLs exist only for external_weights checkpoints, not {kind!r}"
            )
        rec = self.state.checkpoint(run_id, kind, name, "checkpoint_id")
        d = self.state.checkpoint_dir(rec).resolve()
        root = self.state.store.root.resolve()
        urls = {}
        exp = 0.0
        for p in sorted(d.rglob("*")):
            if p.is_file():
                relname = str(p.relative_to(d))
                token, exp = self.sign(str(p.relative_to(root)), "file", p.name)
                urls[relname] = f"{base_url}local/files/{token}"
        if not urls:
            raise not_found(f"checkpoint_id: {rec.tinker_path} has no files")
        self.state.store.audit(
            "checkpoint_read", model_id=run_id, tinker_path=rec.tinker_path, purpose="external_weights_urls"
        )
        return {"urls": urls, "expires": iso(exp)}

    # ---------------------------------------------------------------- trace export
    @handles("export_session_trace")
    def trace_export(self, call: Call) -> dict[str, Any]:
        session_id = call.params["session_id"]
        self.state.session(session_id)
        with self.state.lock:
            spans = list(self.state.spans.get(session_id, []))
        lanes: dict[str, int] = {}
        events: list[dict[str, Any]] = [
            {
                "name": "process_name",
                "ph": "M",
                "pid": 1,
                "tid": 0,
                "args": {"name": f"tinker session {session_id}"},
            }
        ]
        for sp in spans:
            tid = lanes.setdefault(sp["lane"], len(lanes) + 1)
            events.append(
                {
                    "name": sp["name"],
                    "cat": "tinker",
                    "ph": "X",
                    "pid": 1,
                    "tid": tid,
                    "ts": round(sp["start"] * 1e6, 1),
                    "dur": round(max(0.0, sp["end"] - sp["start"]) * 1e6, 1),
                    "args": sp["args"],
                }
            )
        for lane, tid in lanes.items():
            events.append({"name": "thread_name", "ph": "M", "pid": 1, "tid": tid, "args": {"name": lane}})
        doc = {"traceEvents": events, "displayTimeUnit": "ms", "otherData": {"session_id": session_id}}
        out_dir = self.state.store.exports_dir / "traces"
        out_dir.mkdir(parents=True, exist_ok=True)
        fname = f"trace-{session_id}-{int(now() * 1000)}.json"
        target = out_dir / fname
        tmp = out_dir / f".{fname}.tmp"
        tmp.write_bytes(wire.dumps(doc))
        tmp.replace(target)
        token, _ = self.sign(str(target.relative_to(self.state.store.root)), "file", fname)
        return {"status": "ready", "url": f"{call.base_url}local/files/{token}"}
