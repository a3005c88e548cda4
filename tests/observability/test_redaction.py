"""Nothing the observability features produce holds the API key or the workload's token ids: spans (client and
server), both metric expositions, both audit logs, debug and other log records, alert payloads and errors."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import CollectorRegistry, generate_latest

import tinker
from tinker import types

from .conftest import API_KEY, TOKENS, WIDE_MODEL, wide_datum

WEIGHTS_TOKEN = "tml-weights-SECRET-93jd7"


def _leaks(text: str) -> list[str]:
    found = [API_KEY] if API_KEY in text else []
    found += [WEIGHTS_TOKEN] if WEIGHTS_TOKEN in text else []
    # A token id as a number of its own (not a digit run inside a longer number, a float or a hex id).
    return found + [str(t) for t in TOKENS if re.search(rf"(?<![\w.]){t}(?![\w.])", text)]


def test_no_key_or_token_anywhere(
    server: Any,
    spans: InMemorySpanExporter,
    registry: CollectorRegistry,
    debug_log: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    audit = tmp_path / "audit.jsonl"
    tinker.enable_audit_log(audit)
    alerts: list[dict[str, Any]] = []
    tinker.on("*", alerts.append)
    errors: list[str] = []
    with tinker.ServiceClient(base_url=server.base_url, api_key=API_KEY) as service:
        training = service.create_lora_training_client(base_model=WIDE_MODEL, rank=4).result()
        for _ in range(2):
            training.forward_backward([wide_datum(), wide_datum(TOKENS[::-1])], "cross_entropy").result()
            training.optim_step(types.AdamParams(learning_rate=1e-3)).result()
        saved = training.save_state("redaction").result()
        sampler = training.save_weights_and_get_sampling_client().result()
        prompt = types.ModelInput.from_ints(TOKENS)
        sampler.sample(prompt, 2, types.SamplingParams(max_tokens=3)).result()
        sampler.compute_logprobs(prompt).result()
        # Failures: their messages and spans must stay clean too.
        for bad in (
            lambda: service.create_training_client_from_state(saved.path + "-gone", weights_access_token=WEIGHTS_TOKEN),
            lambda: tinker.RestClient(base_url=server.base_url, api_key=API_KEY + "-wrong").list_sessions(),
        ):
            try:
                bad().result()
            except tinker.TinkerError as exc:
                errors += [str(exc), repr(exc)]
    assert len(errors) == 4

    produced = {
        "spans": "\n".join(s.to_json() for s in spans.get_finished_spans()),
        "client metrics": generate_latest(registry).decode(),
        "server metrics": httpx.get(f"{server.base_url}/metrics").text,
        "client audit": audit.read_text(),
        "server audit": (server.service.state.store.root / "request-audit.jsonl").read_text(),
        "logs": "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in debug_log.records),
        "alerts": json.dumps(alerts),
        "errors": "\n".join(errors),
    }
    # The scan is not vacuous: each place recorded this workload.
    assert "TrainingClient.forward_backward" in produced["spans"] and "SERVER" in produced["spans"]
    assert "tinker_tokens_trained_total 24.0" in produced["client metrics"]
    assert "redaction" in produced["client audit"] and "forward_backward" in produced["server audit"]
    assert "request body" in produced["logs"] and "response body" in produced["logs"]
    for where, text in produced.items():
        assert not _leaks(text), (where, _leaks(text))
