"""Client cost of the hot paths through the public API, side by side with a baseline checkout.

    python benchmarks/bench_client.py [--baseline-tree /path/to/older/checkout] [--rounds 5]

The server is the in-process fake of the facade tests (``tests/facade/fake_tinker.py``, an
``httpx.MockTransport``): it answers at once, so the time is what the SDK itself spends per call -- building
and validating the request, encoding, the transport, polling the future and parsing the result. Each tree
runs in its own interpreter (its own ``tinker``, generated layer and fake); rounds alternate between trees so
machine load hits both alike. Reported: the median over rounds of the mean microseconds per call.
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
import json, sys, time
import tinker
from tests.facade.fake_tinker import FakeServer, datum, make_service

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
    return (time.perf_counter() - start) / n * 1e6


out = {
    "sample (256-token prompt, 4 samples)": timed(lambda: sampler.sample(prompt, 4, params).result(), 300),
    "forward_backward (8 x 128 tokens)": timed(lambda: training.forward_backward(batch, "cross_entropy").result(), 150),
    "optim_step": timed(lambda: training.optim_step(adam).result(), 300),
    "ModelInput.from_ints + SamplingParams": timed(
        lambda: (tinker.ModelInput.from_ints(list(range(256))), tinker.SamplingParams(max_tokens=16)), 3000),
}
print(json.dumps(out))
"""


def run(tree: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tree), str(tree / "generated")]), "TINKER_TELEMETRY": "0"}
    done = subprocess.run(
        [sys.executable, "-c", WORKER], env=env, cwd=tree, capture_output=True, text=True, check=True, timeout=600
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline-tree", help="another checkout of this repository, e.g. a git worktree")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    trees = {"this checkout": ROOT}
    if args.baseline_tree:
        trees["baseline checkout"] = Path(args.baseline_tree)
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    for _ in range(args.rounds):
        for name, tree in trees.items():
            samples[name].append(run(tree))
    medians = {
        name: {case: statistics.median(s[case] for s in rows) for case in rows[0]} for name, rows in samples.items()
    }
    cases = list(medians["this checkout"])
    print(f"{'us per call (median of round means)':42s}" + "".join(f"{name:>20s}" for name in trees))
    for case in cases:
        print(f"{case:42s}" + "".join(f"{medians[name][case]:20.1f}" for name in trees))
    if "baseline checkout" in medians:
        for case in cases:
            ratio = medians["this checkout"][case] / medians["baseline checkout"][case]
            print(f"{case}: this / baseline = {ratio:.2f}x")


if __name__ == "__main__":
    main()
