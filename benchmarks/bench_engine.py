"""Engine micro-benchmark: forward_backward of 64 datums x 256 tokens and 8 samples x 64 tokens
on the built-in model.  Run: ``python benchmarks/bench_engine.py``."""

from __future__ import annotations

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from tinker_local.engine import (  # noqa: E402
    BUILTIN_MODEL,
    AdamConfig,
    Datum,
    LoraConfig,
    ModelRegistry,
    SamplingConfig,
    TrainableModel,
    sample,
)


def _best(fn, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main(repeats: int = 3) -> dict[str, float]:
    base = ModelRegistry().get(BUILTIN_MODEL)
    model = TrainableModel(base, LoraConfig(rank=32))
    rng = np.random.default_rng(0)
    seqs = rng.integers(0, 256, size=(64, 257))
    datums = [
        Datum(s[:-1].astype(np.int64), {"target_tokens": s[1:].astype(np.int64), "weights": np.ones(256, np.float32)})
        for s in seqs
    ]
    model.forward_backward(datums[:2], "cross_entropy")  # warm-up
    fb = _best(lambda: model.forward_backward(datums, "cross_entropy"), repeats)
    fw = _best(lambda: model.forward(datums, "cross_entropy"), repeats)
    opt = _best(lambda: model.optim_step(AdamConfig(learning_rate=1e-3)), repeats)
    weights = model.snapshot()
    prompt = rng.integers(0, 256, size=32).astype(np.int64)
    cfg = SamplingConfig(max_tokens=64, temperature=1.0, seed=0, stop=[])
    smp = _best(lambda: sample(weights, prompt, cfg, num_samples=8), repeats)
    figures = {
        "forward_backward_64x256_s": fb,
        "forward_64x256_s": fw,
        "optim_step_s": opt,
        "sample_8x64_s": smp,
    }
    for k, v in figures.items():
        print(f"{k:28s} {v:8.3f}")
    return figures


if __name__ == "__main__":
    main()
