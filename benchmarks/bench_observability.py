"""What observability costs per call: everything off against tracing, metrics and all of it on, in one run.

    python benchmarks/bench_observability.py [--rounds 5]

The server is the in-process fake of the facade tests (``tests/facade/fake_tinker.py``, an
``httpx.MockTransport`` that answers at once), so the time is the SDK's own. Each mode runs in its own
interpreter; rounds alternate between modes so machine load hits all alike. Tracing exports to an in-memory
exporter through a ``SimpleSpanProcessor`` (the span work happens inline, the worst case); "all" adds metrics,
the audit log and a hook. Reported: the median over rounds of the mean microseconds per call, and what
``import tinker`` plus a first client loads with everything off (it must load no OpenTelemetry and no
prometheus_client).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

WORKER = r"""
import json, sys, tempfile, time
import tinker
from tests.facade.fake_tinker import FakeServer, datum, make_service

mode = sys.argv[1]
if mode in ("tracing", "all"):
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tinker.enable_tracing(provider)
if mode in ("metrics", "all"):
    from prometheus_client import CollectorRegistry

    tinker.enable_metrics(CollectorRegistry())
if mode == "all":
    tinker.enable_audit_log(tempfile.mkdtemp() + "/audit.jsonl")
    tinker.on("*", lambda payload: None)

server = FakeServer()
service = make_service(server)
training = service.create_lora_training_client(base_model="Qwen/Qwen3-8B", rank=8).result()
sampler = service.create_sampling_client(base_model="Qwen/Qwen3-8B")
prompt = tinker.ModelInput.from_ints(list(range(1, 257)))
params = tinker.SamplingParams(max_tokens=16, temperature=0.7)
batch = [datum(n_tokens=128, start=1 + i) for i in range(8)]
adam = tinker.AdamParams(learning_rate=1e-4)


def timed(fn, n):
    for _ in range(max(3, n // 10)):  # warm-up
        fn()
    start = time.perf_counter()
    for _ in range(n):
        fn()
        if mode in ("tracing", "all"):
            exporter.clear()  # an exporter keeps nothing in a real process either
    return (time.perf_counter() - start) / n * 1e6


out = {
    "sample (256-token prompt, 4 samples)": timed(lambda: sampler.sample(prompt, 4, params).result(), 300),
    "forward_backward (8 x 128 tokens)": timed(lambda: training.forward_backward(batch, "cross_entropy").result(), 150),
    "optim_step": timed(lambda: training.optim_step(adam).result(), 300),
    "save_state (audited)": timed(lambda: training.save_state("bench", overwrite=True).result(), 150),
}
print(json.dumps(out))
"""

LOADED = r"""
import sys
import tinker
tinker.ServiceClient(base_url="http://127.0.0.1:9", api_key="bench")
print(sorted({m.split(".")[0] for m in sys.modules} & {"opentelemetry", "prometheus_client"}))
"""

MODES = ("off", "metrics", "tracing", "all")


def run(mode: str) -> dict[str, float]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TINKER_")},
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "generated")]),
        "TINKER_TELEMETRY": "0",
    }
    done = subprocess.run(
        [sys.executable, "-c", WORKER, mode], env=env, cwd=ROOT, capture_output=True, text=True, check=True, timeout=600
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    samples: dict[str, list[dict[str, float]]] = {mode: [] for mode in MODES}
    for _ in range(args.rounds):
        for mode in MODES:
            samples[mode].append(run(mode))
    medians = {m: {case: statistics.median(s[case] for s in rows) for case in rows[0]} for m, rows in samples.items()}
    cases = list(medians["off"])
    print(f"{'us per call (median of round means)':40s}" + "".join(f"{m:>10s}" for m in MODES))
    for case in cases:
        print(f"{case:40s}" + "".join(f"{medians[m][case]:10.1f}" for m in MODES))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "generated")])}
    env = {k: v for k, v in env.items() if not k.startswith("TINKER_")}
    loaded = subprocess.run(
        [sys.executable, "-c", LOADED], env=env, cwd="/", capture_output=True, text=True, check=True, timeout=60
    ).stdout.strip()
    print(f"everything off: import tinker + a client load {loaded} of opentelemetry/prometheus_client")


if __name__ == "__main__":
    main()
