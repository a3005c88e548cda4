"""Debug mode: one record per HTTP attempt on ``tinker.transport`` with sizes, timing, attempt and idempotency
key, bodies truncated and redacted; per-module loggers under ``tinker``."""

from __future__ import annotations

import logging
import re
from typing import Any

import orjson
import pytest

import tinker
from tinker import types
from tinker._debuglog import summarize_body

from .conftest import API_KEY, TOKENS, WIDE_MODEL


def test_each_attempt_is_logged_with_its_details_and_redacted_bodies(
    server: Any, service: tinker.ServiceClient, debug_log: pytest.LogCaptureFixture
) -> None:
    sampler = service.create_sampling_client(base_model=WIDE_MODEL).result()
    debug_log.clear()
    sampler.sample(types.ModelInput.from_ints(TOKENS), 1, types.SamplingParams(max_tokens=2)).result()
    records = [r for r in debug_log.records if r.name == "tinker.transport"]
    lines = [r.getMessage() for r in records]
    (head,) = [i for i, line in enumerate(lines) if line.startswith("POST /api/v1/asample ")]
    assert re.fullmatch(
        r"POST /api/v1/asample op=asample attempt=0 idempotency_key=tinker-retry-[0-9a-f]{32}-\d+ sent=\d+B -> 200 "
        r"received=\d+B in [\d.]+ ms in_flight=\d+",
        lines[head],
    ), lines[head]
    assert lines[head + 1].startswith("  request body: {") and f"<{len(TOKENS)} numbers>" in lines[head + 1]
    # the local server answers with the finished sample (inline-result extension): summarised, never dumped
    assert re.fullmatch(r"  response body: <application/x-protobuf, \d+ bytes>", lines[head + 2]), lines[head + 2]
    everything = "\n".join(r.getMessage() for r in debug_log.records)
    assert API_KEY not in everything
    for token in TOKENS:
        assert not re.search(rf"(?<![\d.]){token}(?![\d.])", everything), token


def test_modules_log_under_their_own_names(server: Any, debug_log: pytest.LogCaptureFixture) -> None:
    retry = tinker.RetryConfig(retry_delay_base=0.01, retry_delay_max=0.02)
    from tinker.testing import Fault, FaultProxy

    with (
        FaultProxy(server.base_url) as proxy,
        tinker.ServiceClient(base_url=proxy.base_url, api_key=API_KEY, retry_config=retry) as service,
    ):
        proxy.inject(Fault.http_status(503, "list_sessions"))
        service.create_rest_client().list_sessions().result()
    names = {r.name for r in debug_log.records}
    assert {"tinker.transport", "tinker.retry"} <= names
    assert all(n == "tinker" or n.startswith("tinker.") or not n.startswith("tinker") for n in names)
    (retried,) = [r for r in debug_log.records if r.name == "tinker.retry"]
    assert retried.getMessage().startswith("Retrying GET ") and "after HTTP 503" in retried.getMessage()


def test_no_debug_records_unless_debug_is_on(server: Any, service: tinker.ServiceClient, caplog: Any) -> None:
    with caplog.at_level(logging.INFO, logger="tinker"):
        service.create_rest_client().list_sessions().result()
    assert not [r for r in caplog.records if r.name == "tinker.transport" and r.levelno == logging.DEBUG]


def test_summarize_body_redacts_credentials_urls_and_numbers() -> None:
    body = {
        "weights_access_token": "secret-token",
        "api_key": "secret-key",
        "url": "https://example.test/signed?sig=abc",
        "prompt": {"chunks": [{"tokens": [5, 6, 7], "type": "encoded_text"}]},
        "seq_id": 3,
        "detail": "x" * 500,
    }
    text = summarize_body(orjson.dumps(body), "application/json", limit=10_000)
    summary = orjson.loads(text)
    assert summary["weights_access_token"] == summary["api_key"] == summary["url"] == "<redacted>"
    assert summary["prompt"]["chunks"][0]["tokens"] == "<3 numbers>"
    assert summary["seq_id"] == 3 and summary["detail"].endswith("...") and len(summary["detail"]) == 203
    assert summarize_body(b"\x08\x01\x12", "application/x-protobuf") == "<application/x-protobuf, 3 bytes>"
    assert summarize_body(b"", None) == "(empty)"
    long = summarize_body(orjson.dumps({"k": ["word"] * 300}), "application/json", limit=50)
    assert long.endswith(" bytes)") and len(long) < 80
