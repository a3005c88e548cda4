"""Import plus first use of the SDK, side by side with baselines in one run (fresh interpreter per sample).

    python benchmarks/bench_import.py [--runs 21] [--official-python /path/to/venv/bin/python]
                                      [--baseline-tree /path/to/older/checkout] [--instructions]

Each sample is a new interpreter started outside any checkout (so `python -c` cannot pick up a stray
package from the working directory). Reported: medians over ``--runs`` of
* ``python -c pass``, ``import httpx`` (our heavy core dependency),
* ``import tinker`` and ``first use``: import, touch the clients and build the three types every loop builds
  (``ModelInput.from_ints``, ``SamplingParams``, ``Datum``) -- what user code pays before its first request,
for this checkout, an optional older checkout (``--baseline-tree``) and the official SDK (``--official-python``).
Targets (issue 10/12): ``first use`` not slower than the previous checkout and below the official SDK.

``--instructions`` also counts the instructions ``first use`` executes, under valgrind's callgrind (which must be on
PATH), with hash randomisation and address-space randomisation off. On a shared machine wall time moves by tens of
percent between runs while this count moves by well under 1%, so it tells whether a change of a few milliseconds
is real; it leaves out what happens in the kernel (reading files) and cache misses, so it does not replace the
timings.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIRST_USE = """
import tinker
tinker.ServiceClient, tinker.TrainingClient, tinker.SamplingClient
mi = tinker.types.ModelInput.from_ints([1, 2, 3, 4])
sp = tinker.types.SamplingParams(max_tokens=8, temperature=0.7)
d = tinker.types.Datum(model_input=mi, loss_fn_inputs={"target_tokens": [2, 3, 4, 5], "weights": [1.0, 1.0, 1.0, 1.0]})
"""
CASES = {
    "python -c pass": "pass",
    "import httpx": "import httpx",
    "import tinker": "import tinker",
    "first use": FIRST_USE,
}


def measure(python: str, code: str, env: dict[str, str], runs: int, cwd: str) -> float:
    subprocess.run([python, "-c", code], check=True, env=env, cwd=cwd)  # warm the OS file cache once
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([python, "-c", code], check=True, env=env, cwd=cwd)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def instructions(python: str, code: str, env: dict[str, str], cwd: str, runs: int = 3) -> int:
    """Instructions executed by ``python -c code`` (interpreter startup included), the least of ``runs``: a run that
    differs counts more, never fewer (e.g. the garbage collector running once more)."""
    counts = []
    fixed = {**env, "PYTHONHASHSEED": "0"}
    for _ in range(runs):
        done = subprocess.run(
            ["setarch", "-R", "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", python, "-c", code],
            check=True,
            env=fixed,
            cwd=cwd,
            capture_output=True,
            text=True,
        )
        found = re.search(r"Collected : (\d+)", done.stderr)
        if found is None:
            raise RuntimeError(f"callgrind printed no instruction count:\n{done.stderr[-2000:]}")
        counts.append(int(found.group(1)))
    return min(counts)


def tree_env(tree: Path) -> dict[str, str]:
    # Byte-compiled first, as installing a package does: with PYTHONDONTWRITEBYTECODE=1 (or a fresh worktree) every
    # sample would otherwise compile the sources again, and a checkout would be compared with its compiler.
    for package in (tree / "tinker", tree / "tinker_wire", tree / "generated"):
        compileall.compile_dir(package, quiet=1)
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(tree), str(tree / "generated")])}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--official-python", help="python of a virtualenv with the official tinker installed")
    parser.add_argument("--baseline-tree", help="another checkout of this repository, e.g. a git worktree")
    parser.add_argument("--instructions", action="store_true", help="also count first use's instructions (valgrind)")
    args = parser.parse_args()
    if args.instructions and not (shutil.which("valgrind") and shutil.which("setarch")):
        parser.error("--instructions needs valgrind and setarch on PATH (Debian: apt-get install valgrind)")
    subjects = {"this checkout": (sys.executable, tree_env(ROOT))}
    if args.baseline_tree:
        subjects["baseline checkout"] = (sys.executable, tree_env(Path(args.baseline_tree)))
    if args.official_python:
        subjects["official SDK"] = (args.official_python, {k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    with tempfile.TemporaryDirectory() as cwd:
        results: dict[str, dict[str, float]] = {}
        # Interleave subjects per case so drift in machine load hits all of them alike.
        for case, code in CASES.items():
            for subject, (python, env) in subjects.items():
                results.setdefault(subject, {})[case] = measure(python, code, env, args.runs, cwd)
        for subject, row in results.items():
            base = row["python -c pass"]
            print(f"{subject}:")
            for case, seconds in row.items():
                print(f"  {case:16s} {seconds * 1000:7.1f} ms   (+{(seconds - base) * 1000:6.1f} ms over bare python)")
        ours = results["this checkout"]
        for other in ("baseline checkout", "official SDK"):
            if other in results:
                theirs = results[other]
                ratio = (ours["first use"] - ours["python -c pass"]) / (theirs["first use"] - theirs["python -c pass"])
                print(f"first use, this checkout / {other}: {ratio:.2f}x")
        if args.instructions:
            print("instructions executed (callgrind, least of 3; interpreter startup included):")
            counted = {
                subject: {case: instructions(python, CASES[case], env, cwd) for case in ("python -c pass", "first use")}
                for subject, (python, env) in subjects.items()
            }
            for subject, row in counted.items():
                own = row["first use"] - row["python -c pass"]
                print(
                    f"  {subject:18s} first use {row['first use'] / 1e6:8.1f} M   (+{own / 1e6:6.1f} M over bare python)"
                )
        probe = (
            "import sys, tinker; print(sorted(m for m in ('torch', 'pydantic', 'tinker_local') if m in sys.modules))"
        )
        leaked = subprocess.run(
            [sys.executable, "-c", probe], check=True, capture_output=True, text=True, env=tree_env(ROOT), cwd=cwd
        ).stdout.strip()
        print(f"heavy modules loaded by `import tinker`: {leaked}")


if __name__ == "__main__":
    main()
