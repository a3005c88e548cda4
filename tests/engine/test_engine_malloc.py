"""The engine keeps freed memory at the top of glibc's heaps, so training steps do not fault their arrays in again."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys

import pytest

from tinker_local.engine import set_malloc_pad

pytestmark = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="tunes glibc's malloc")

STEPS = r"""
import json, resource
import numpy as np
from tinker_local.engine import AdamConfig, Datum, LoraConfig, ModelRegistry, TrainableModel

model = TrainableModel(ModelRegistry().get("tinker-local/tiny-byte"), LoraConfig(rank=8, seed=1))
toks = [np.arange(1, 66) + i for i in range(4)]
batch = [Datum(t[:-1], {"target_tokens": t[1:], "weights": np.ones(64, np.float32)}) for t in toks]
adam = AdamConfig(learning_rate=1e-4)
for _ in range(3):
    model.forward_backward(batch, "cross_entropy"), model.optim_step(adam)
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    model.forward_backward(batch, "cross_entropy"), model.optim_step(adam)
print(json.dumps((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 20))
"""


def _faults_per_step(**env: str) -> float:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("MALLOC_", "TINKER_ENGINE_MALLOC"))}
    out = subprocess.run([sys.executable, "-c", STEPS], env={**full, **env}, capture_output=True, text=True, check=True)
    return float(json.loads(out.stdout))


def test_training_steps_do_not_fault_their_arrays_in_again() -> None:
    # one step allocates ~40 arrays of 64-256 KB; given back to the kernel each time, that is ~1,700 faults
    assert _faults_per_step() < 50


def test_the_environment_can_leave_malloc_alone() -> None:
    # without the padding, glibc returns the freed arrays and the next step faults them in again
    assert _faults_per_step(TINKER_ENGINE_MALLOC_PAD_MIB="0") > 10 * max(_faults_per_step(), 1.0)


@pytest.mark.parametrize("mib", [-1, 1025, 4096])
def test_a_pad_outside_what_mallopt_takes_is_refused(mib: int) -> None:
    with pytest.raises(ValueError, match="mib: expected 0 to 1024"):
        set_malloc_pad(mib)
