"""Engine micro-benchmark: forward_backward of 64 datums x 256 tokens and 8 samples x 64 tokens
on the built-in model.  Run: ``python benchmarks/bench_engine.py``."""

from __future__ import annotations

import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from tinker_local.engine import (
    BUILTIN_MODEL,
    AdamConfig,
    Datum,
    LoraConfig,
    ModelRegistry,
    SamplingConfig,
    TrainableModel,
    sample,
)


def _timed(fn, repeats: int) -> tuple[float, float, float]:
    """(best wall, median wall, best process CPU) seconds over ``repeats`` runs.

    The CPU figure sums the engine's threads; on a machine shared with other busy processes
    it is the steadier number (wall time then includes waiting for a core)."""
    walls, cpus = [], []
    for _ in range(repeats):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return min(walls), statistics.median(walls), min(cpus)


def main(repeats: int = 5) -> dict[str, tuple[float, float, float]]:
    base = ModelRegistry().get(BUILTIN_MODEL)
    model = TrainableModel(base, LoraConfig(rank=32))
    rng = np.random.default_rng(0)
    seqs = rng.integers(0, 256, size=(64, 257))
    datums = [
        Datum(s[:-1].astype(np.int64), {"target_tokens": s[1:].astype(np.int64), "weights": np.ones(256, np.float32)})
        for s in seqs
    ]
    model.forward_backward(datums[:2], "cross_entropy")  # warm-up
    figures = {
        "forward_backward 64x256": _timed(lambda: model.forward_backward(datums, "cross_entropy"), repeats),
        "forward 64x256": _timed(lambda: model.forward(datums, "cross_entropy"), repeats),
        "optim_step (rank 32)": _timed(lambda: model.optim_step(AdamConfig(learning_rate=1e-3)), repeats),
    }
    weights = model.snapshot()
    prompt = rng.integers(0, 256, size=32).astype(np.int64)
    cfg = SamplingConfig(max_tokens=64, temperature=1.0, seed=0, stop=[])
    figures["sample 8x64 (prompt 32)"] = _timed(lambda: sample(weights, prompt, cfg, num_samples=8), repeats)
    print(
        f"{'benchmark':26s} {'best s':>7s} {'median s':>9s} {'cpu s':>7s}"
        f"   ({repeats} runs, load avg {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores)"
    )
    for k, (best, med, cpu) in figures.items():
        print(f"{k:26s} {best:7.3f} {med:9.3f} {cpu:7.3f}")
    return figures


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
