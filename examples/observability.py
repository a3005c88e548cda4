"""Traces, metrics, alerts and the audit log of a short training + sampling loop, offline.

Run:  pip install -e '.[local,otel,prometheus]' && python examples/observability.py

An in-memory span exporter stands in for your tracing backend and a private Prometheus registry for your
scraper. The local server runs in this process, so its spans (request handling, queueing, engine work) land in
the same exporter as the SDK's: the printed tree is one trace per call, client spans with server children.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import httpx
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import CollectorRegistry
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families

import tinker
from tinker import types
from tinker_local import LocalServer

BASE_MODEL = "tinker-local/tiny-byte"
TEXT = "Observability is knowing what your training loop is doing.\n"


def span_tree(spans: list[ReadableSpan]) -> list[str]:
    """Each root span and its descendants, indented, children in start order."""
    children: dict[int | None, list[ReadableSpan]] = {}
    for span in spans:
        children.setdefault(span.parent.span_id if span.parent else None, []).append(span)
    lines: list[str] = []

    def walk(span: ReadableSpan, depth: int) -> None:
        assert span.context is not None and span.end_time is not None and span.start_time is not None
        ms = (span.end_time - span.start_time) / 1e6
        lines.append(f"{'  ' * depth}{span.name} [{span.kind.name.lower()}] {ms:.1f} ms")
        for child in sorted(children.get(span.context.span_id, []), key=lambda s: s.start_time or 0):
            walk(child, depth + 1)

    for root in sorted(children.get(None, []), key=lambda s: s.start_time or 0):
        walk(root, 0)
    return lines


def print_families(families: Iterable[Metric]) -> None:
    """One line per family: its type, and its value when it is a single unlabelled number."""
    for family in families:
        samples = [s for s in family.samples if not s.name.endswith("_created")]
        value = f" = {samples[0].value:g}" if len(samples) == 1 and not samples[0].labels else ""
        print(f"  {family.name} ({family.type}, {len(samples)} samples){value}")


def main() -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)  # what your application does once, with its real exporter
    registry = CollectorRegistry()
    audit_path = Path(tempfile.mkdtemp()) / "tinker-audit.jsonl"

    tinker.enable_tracing()  # or TINKER_OTEL=1
    tinker.enable_metrics(registry)  # or TINKER_METRICS=prometheus (the global registry)
    tinker.enable_audit_log(audit_path)  # or TINKER_AUDIT_LOG=path
    alerts: list[dict[str, Any]] = []
    tinker.on("*", alerts.append)  # circuit_open, retries_exhausted, slow_future, ...

    with LocalServer() as server, tinker.ServiceClient(base_url=server.base_url, api_key="local") as service:
        training = service.create_lora_training_client(base_model=BASE_MODEL, rank=8, seed=0).result()
        tokens = list(TEXT.encode())
        datum = types.Datum(
            model_input=types.ModelInput.from_ints(tokens[:-1]),
            loss_fn_inputs={"target_tokens": tokens[1:], "weights": [1.0] * (len(tokens) - 1)},
        )
        for _ in range(3):
            training.forward_backward([datum], "cross_entropy").result()
            training.optim_step(types.AdamParams(learning_rate=1e-2)).result()
        training.save_state("observed").result()
        sampler = training.save_weights_and_get_sampling_client().result()
        prompt = types.ModelInput.from_ints(list(b"Observability is"))
        sampler.sample(prompt, 2, types.SamplingParams(max_tokens=8, seed=0)).result()
        server_metrics = httpx.get(f"{server.base_url}/metrics").text

    print("== spans: one trace per call, the server's spans under the SDK's")
    print("\n".join(span_tree(list(exporter.get_finished_spans()))))
    print("\n== SDK metric families")
    print_families(registry.collect())
    print("\n== server metric families (GET /metrics)")
    print_families(text_string_to_metric_families(server_metrics))
    print(f"\n== audit log ({audit_path})")
    print(audit_path.read_text().rstrip())
    print(f"\n== alerts: {len(alerts)}")


if __name__ == "__main__":
    main()
