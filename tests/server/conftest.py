"""Shared fixtures and raw-HTTP helpers of the local server tests."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.helpers import local_server_fixture

KEY = "tml-local-test-key"
HEADERS = {"X-API-Key": KEY}
MODEL = "tinker-local/tiny-byte"
PROTOBUF = "application/x-protobuf"


def text_tokens(text: str) -> list[int]:
    return list(text.encode("utf-8"))


def ce_datum(text: str) -> dict[str, Any]:
    """A JSON cross-entropy datum predicting each next byte of ``text``."""
    toks = text_tokens(text)
    n = len(toks) - 1
    return {
        "model_input": {"chunks": [{"tokens": toks[:-1]}]},
        "loss_fn_inputs": {
            "target_tokens": {"data": toks[1:], "dtype": "int64", "shape": [n]},
            "weights": {"data": [1.0] * n, "dtype": "float32", "shape": [n]},
        },
    }


class Api:
    """Thin raw-HTTP helpers over an ``httpx.Client`` pointed at a local server."""

    def __init__(self, client: httpx.Client) -> None:
        self.c = client

    def post(self, path: str, body: Any = None, **kw: Any) -> httpx.Response:
        return self.c.post(f"/api/v1/{path}", json=body, **kw)

    def ok(self, path: str, body: Any = None, **kw: Any) -> Any:
        r = self.post(path, body, **kw)
        assert r.status_code == 200, (r.status_code, r.text)
        return r.json()

    def session(self, **extra: Any) -> str:
        return self.ok("create_session", {"tags": [], "sdk_version": "0.38.0", **extra})["session_id"]

    def retrieve(self, request_id: str, accept: str | None = None, **extra: Any) -> httpx.Response:
        headers = {"Accept": accept} if accept else {}
        for _ in range(50):
            r = self.post("retrieve_future", {"request_id": request_id, **extra}, headers=headers)
            if r.status_code != 408:
                return r
        raise AssertionError(f"future {request_id} never finished")

    def result(self, future: dict[str, Any], accept: str | None = None) -> Any:
        r = self.retrieve(future["request_id"], accept)
        assert r.status_code == 200, (r.status_code, r.text)
        if accept == PROTOBUF:
            return r
        body = r.json()
        assert "error" not in body, body
        return body

    def model(self, sid: str | None = None, seq: int = 0, rank: int = 4, seed: int = 0, **extra: Any) -> str:
        sid = sid or self.session()
        fut = self.ok(
            "create_model",
            {
                "session_id": sid,
                "model_seq_id": seq,
                "base_model": MODEL,
                "lora_config": {"rank": rank, "seed": seed},
                **extra,
            },
        )
        out = self.result(fut)
        assert out["model_id"] == f"{sid}:train:{seq}"
        return out["model_id"]

    def fb(self, mid: str, seq: int | None, texts: list[str], forward_only: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model_id": mid,
            "forward_backward_input": {"data": [ce_datum(t) for t in texts], "loss_fn": "cross_entropy"},
        }
        if seq is not None:
            body["seq_id"] = seq
        if forward_only:
            body["forward_input"] = body.pop("forward_backward_input")
            return self.ok("forward", body)
        return self.ok("forward_backward", body)

    def optim(self, mid: str, seq: int | None, lr: float = 1e-2) -> dict[str, Any]:
        body: dict[str, Any] = {"model_id": mid, "adam_params": {"learning_rate": lr}}
        if seq is not None:
            body["seq_id"] = seq
        return self.ok("optim_step", body)


# One LocalServer per test module, with short long-polls (a module may define its own `server`).
server = local_server_fixture(scope="module", retrieve_timeout_s=2.0, retrieve_futures_timeout_s=1.0)


@pytest.fixture
def client(server):
    with httpx.Client(base_url=server.base_url, headers=HEADERS, timeout=30) as c:
        yield c


@pytest.fixture
def api(client):
    return Api(client)


def make_api(base_url: str) -> tuple[httpx.Client, Api]:
    c = httpx.Client(base_url=base_url, headers=HEADERS, timeout=30)
    return c, Api(c)
