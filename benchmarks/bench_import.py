"""Import cost of the SDK, measured against baselines in the same run (fresh interpreter per sample).

    python benchmarks/bench_import.py [--runs 15]

Reports medians of: a bare interpreter, `import httpx` (our one heavy core dependency), `import tinker`,
and `import tinker` plus touching the client classes (what user code does first). Also checks that
`import tinker` pulls in neither torch nor pydantic.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

CASES = {
    "python -c pass": "pass",
    "import httpx": "import httpx",
    "import tinker": "import tinker",
    "import tinker + clients": "import tinker; tinker.ServiceClient; tinker.types.Datum; tinker.SamplingParams",
}


def measure(code: str, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    results = {name: measure(code, args.runs) for name, code in CASES.items()}
    base = results["python -c pass"]
    for name, seconds in results.items():
        print(f"{name:28s} {seconds * 1000:7.1f} ms   (+{(seconds - base) * 1000:6.1f} ms over bare python)")
    ratio = (results["import tinker"] - base) / max(results["import httpx"] - base, 1e-9)
    print(f"import tinker costs {ratio:.2f}x the import of httpx")
    leaked = subprocess.run(
        [sys.executable, "-c", "import sys, tinker; print(sorted(m for m in ('torch', 'pydantic', 'tinker_local') if m in sys.modules))"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    print(f"heavy modules loaded by `import tinker`: {leaked}")


if __name__ == "__main__":
    main()
