"""The kit's machinery: named checks, their outcomes, the raw-HTTP session they share, and the runner.

Checks speak raw HTTP (httpx, JSON and the wire codec's protobuf) rather than the SDK: the point is to see
exactly what the server answers, without the SDK's retries and fallbacks smoothing it over.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatch
from typing import Any, Literal

import httpx

__all__ = ["Check", "CheckFailed", "CheckSkipped", "Outcome", "Server", "check", "registry", "run_checks"]

Status = Literal["pass", "fail", "skip"]


class CheckFailed(Exception):
    """The server broke the property the check holds; the message is the evidence."""


class CheckSkipped(Exception):
    """The check does not apply to this server or this run (the message says why)."""


@dataclass(frozen=True)
class Check:
    name: str
    explains: str
    run: Callable[[Server], str]
    mutating: bool


@dataclass
class Outcome:
    name: str
    status: Status
    evidence: str
    seconds: float
    explains: str

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "evidence": self.evidence,
            "seconds": round(self.seconds, 3),
            "explains": self.explains,
        }


_REGISTRY: dict[str, Check] = {}


def check(name: str, explains: str, *, mutating: bool) -> Callable[[Callable[[Server], str]], Callable[[Server], str]]:
    """Register a check: ``fn(server) -> evidence``; it raises CheckFailed / CheckSkipped otherwise."""

    def register(fn: Callable[[Server], str]) -> Callable[[Server], str]:
        _REGISTRY[name] = Check(name, explains, fn, mutating)
        return fn

    return register


def registry() -> dict[str, Check]:
    from . import _contract, _gradients, _losses, _protocol  # noqa: F401  (their @check decorators fill the registry)

    # Report order: the server and its protocol first, then the loss maths, the (slow) contract fuzzing last;
    # a check named PARENT.part (loss.ppo.gradient) right after PARENT.
    first = ("server", "futures", "ordering", "chunking", "wire", "checkpoint", "sampling", "loss", "contract")
    names = list(_REGISTRY)

    def order(name: str) -> tuple[int, int, int]:
        parent = name.rsplit(".", 1)[0]
        anchor = parent if parent in _REGISTRY else name
        return first.index(name.split(".")[0]), names.index(anchor), anchor != name

    return {name: _REGISTRY[name] for name in sorted(_REGISTRY, key=order)}


PROTOBUF = "application/x-protobuf"


@dataclass
class Server:
    """One server under test: raw HTTP plus what earlier checks learnt about it (model, session)."""

    base_url: str
    api_key: str
    timeout: float
    mutating: bool
    model: str | None = None
    _client: httpx.Client | None = None
    _session: str | None = None
    _model_seq: int = 0
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def http(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(
                base_url=self.base_url.rstrip("/"),
                headers={"X-API-Key": self.api_key},
                timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 10.0)),
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def post(self, op: str, body: Any = None, **kw: Any) -> httpx.Response:
        return self.http.post(f"/api/v1/{op}", json=body, **kw)

    def ok(self, op: str, body: Any = None, **kw: Any) -> Any:
        r = self.post(op, body, **kw)
        if r.status_code != 200:
            raise CheckFailed(f"POST /api/v1/{op} -> HTTP {r.status_code}: {r.text[:300]}")
        return r.json()

    def poll(self, request_id: str, accept: str | None = None, deadline: float | None = None) -> httpx.Response:
        """Long-poll a future until it is no longer pending (408 or a ``try_again`` reply)."""
        end = time.monotonic() + (self.timeout if deadline is None else deadline)
        headers = {"Accept": accept} if accept else {}
        while True:
            r = self.post("retrieve_future", {"request_id": request_id}, headers=headers)
            pending = r.status_code == 408 or (
                r.status_code == 200 and _is_json(r) and r.json().get("type") == "try_again"
            )
            if not pending:
                return r
            if time.monotonic() > end:
                raise CheckFailed(f"future {request_id} still pending after {self.timeout:.0f} s")

    def result(self, future: Any, accept: str | None = None) -> Any:
        """A future's completed JSON result (or the raw response when protobuf is accepted)."""
        r = self.poll(str(future["request_id"]), accept)
        if r.status_code != 200:
            raise CheckFailed(f"future {future['request_id']} -> HTTP {r.status_code}: {r.text[:300]}")
        if accept == PROTOBUF and PROTOBUF in r.headers.get("content-type", ""):
            return r
        body = r.json()
        if isinstance(body, dict) and "error" in body:
            raise CheckFailed(f"future {future['request_id']} failed: {body['error']}")
        return body

    def session(self) -> str:
        if self._session is None:
            body = {"tags": ["conformance"], "user_metadata": {}, "sdk_version": "0.38.0"}
            self._session = str(self.ok("create_session", body)["session_id"])
        return self._session

    def new_model(self, rank: int = 4) -> str:
        """A fresh LoRA model on the base model under test (each check gets its own, so checks stay apart)."""
        sid = self.session()
        seq = self._model_seq
        self._model_seq += 1
        body = {"session_id": sid, "model_seq_id": seq, "base_model": self.base_model(), "lora_config": {"rank": rank}}
        return str(self.result(self.ok("create_model", body))["model_id"])

    def base_model(self) -> str:
        if self.model is None:
            r = self.http.get("/api/v1/get_server_capabilities")
            if r.status_code != 200:
                raise CheckFailed(f"GET /api/v1/get_server_capabilities -> HTTP {r.status_code}")
            models = [m.get("model_name") for m in r.json().get("supported_models", []) if m.get("model_name")]
            if not models:
                raise CheckSkipped("the server lists no supported model; pass --model")
            self.model = str(models[0])
        return self.model


def _is_json(r: httpx.Response) -> bool:
    return "json" in r.headers.get("content-type", "")


def select(checks: Iterable[Check], only: Sequence[str], skip: Sequence[str]) -> list[Check]:
    """Checks whose name matches an ``--only`` pattern (all when none) and no ``--skip`` pattern."""
    return [
        c
        for c in checks
        if (not only or any(fnmatch(c.name, p) or c.name.startswith(p + ".") for p in only))
        and not any(fnmatch(c.name, p) or c.name.startswith(p + ".") for p in skip)
    ]


def run_checks(server: Server, checks: Sequence[Check], progress: Callable[[Outcome], None]) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for c in checks:
        t0 = time.monotonic()
        if c.mutating and not server.mutating:
            status: Status = "skip"
            evidence = "creates sessions, models or checkpoints: run with --mutating"
        else:
            try:
                status, evidence = "pass", c.run(server)
            except CheckSkipped as e:
                status, evidence = "skip", str(e)
            except CheckFailed as e:
                status, evidence = "fail", str(e)
            except httpx.HTTPError as e:
                status, evidence = "fail", f"HTTP error: {type(e).__name__}: {e}"
            except (KeyError, TypeError, ValueError, IndexError) as e:  # answers of the wrong shape
                status, evidence = "fail", f"unexpected answer: {type(e).__name__}: {e}"
        outcome = Outcome(c.name, status, evidence, time.monotonic() - t0, c.explains)
        outcomes.append(outcome)
        progress(outcome)
    return outcomes
