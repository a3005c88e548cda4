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


def _timed(fn, repeats: int) -> tuple[float, float]:
    """(best, median) wall time over ``repeats`` runs."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def main(repeats: int = 5) -> dict[str, tuple[float, float]]:
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
    print(f"{'benchmark':28s} {'best s':>8s} {'median s':>9s}   ({repeats} runs, load avg {os.getloadavg()[0]:.2f})")
    for k, (best, med) in figures.items():
        print(f"{k:28s} {best:8.3f} {med:9.3f}")
    return figures


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
