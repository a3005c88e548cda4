"""Peak memory of ``tinker local serve`` under hostile request bodies.

Starts the server as a subprocess and reads its peak RSS (``VmHWM`` in ``/proc/PID/status``) after each case,
so the figure is what the server process really paid:

* ``chunked``: a 1.5 GB body sent without ``Content-Length`` (chunked transfer encoding);
* ``zstd-json``: a ~3 KiB zstd body that decompresses to ~31 MiB of JSON (a forward_backward request whose
  tensors are long runs of the same number), sent ``concurrency`` times at once.

Run: ``python benchmarks/bench_server_memory.py``  (Linux only: it reads /proc).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import orjson
import zstandard

KEY = {"X-API-Key": "tml-bench"}


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def _start() -> tuple[subprocess.Popen[bytes], str]:
    port_file = Path(tempfile.mkdtemp()) / "url"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tinker_local",
            "serve",
            "--port",
            "0",
            "--port-file",
            str(port_file),
            "--log-level",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not port_file.exists() or not port_file.read_text().strip():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("server did not start")
        time.sleep(0.05)
    return proc, port_file.read_text().strip()


def _model(client: httpx.Client) -> str:
    s = client.post("/api/v1/create_session", json={"tags": [], "user_metadata": None, "sdk_version": "bench"})
    sid = s.json()["session_id"]
    r = client.post(
        "/api/v1/create_model",
        json={
            "session_id": sid,
            "model_seq_id": 0,
            "base_model": "tinker-local/tiny-byte",
            "lora_config": {"rank": 8},
            "type": "create_model",
        },
    )
    rid = r.json()["request_id"]
    while True:
        f = client.post("/api/v1/retrieve_future", json={"request_id": rid})
        if f.status_code == 200:
            return str(f.json()["model_id"])


def _bomb(model_id: str, target_mib: int = 31) -> bytes:
    n = 2048
    datum = {
        # token ids outside the vocabulary: the server decodes the whole body, then refuses it (400), so
        # the figure is the cost of reading and parsing, not of training
        "model_input": {"chunks": [{"tokens": [10**6] * n, "type": "encoded_text"}]},
        "loss_fn_inputs": {
            "target_tokens": {"data": [2] * n, "dtype": "int64", "shape": [n]},
            "weights": {"data": [0.5] * n, "dtype": "float32", "shape": [n]},
        },
    }
    one = len(orjson.dumps(datum))
    body = {
        "forward_backward_input": {"data": [datum] * (target_mib * 2**20 // one), "loss_fn": "cross_entropy"},
        "model_id": model_id,
        "seq_id": None,
    }
    return zstandard.ZstdCompressor(level=19).compress(orjson.dumps(body))


def _case(name: str, run: Callable[[httpx.Client, str], str]) -> tuple[float, float]:
    """Run one case in a fresh server (peak RSS never goes down); returns (idle, peak) MiB."""
    proc, url = _start()
    try:
        with httpx.Client(base_url=url, headers=KEY, timeout=600) as client:
            mid = _model(client)
            idle = _peak_rss_mib(proc.pid)
            print(f"{name}: {run(client, mid)}")
            return idle, _peak_rss_mib(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


def _chunked(client: httpx.Client, _mid: str) -> str:
    def chunks() -> Iterator[bytes]:
        block = b"x" * (1 << 20)
        for _ in range(1536):
            yield block

    try:
        r = client.post("/api/v1/forward_backward", content=chunks(), headers={"Content-Type": "application/json"})
    except httpx.TransportError as e:  # the server may answer 413 and close before the upload ends
        return f"connection closed by the server ({type(e).__name__})"
    return f"HTTP {r.status_code} {r.text[:100]}"


def _zstd_json(concurrency: int) -> Callable[[httpx.Client, str], str]:
    def run(client: httpx.Client, mid: str) -> str:
        bomb = _bomb(mid)
        results: list[int] = []

        def send() -> None:
            rr = client.post(
                "/api/v1/forward_backward",
                content=bomb,
                headers={"Content-Type": "application/json", "Content-Encoding": "zstd"},
            )
            results.append(rr.status_code)

        threads = [threading.Thread(target=send) for _ in range(concurrency)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return f"{len(bomb)} bytes zstd, statuses {sorted(results)}"

    return run


def main() -> dict[str, tuple[float, float]]:
    out = {
        "chunked 1.5 GB body": _case("chunked", _chunked),
        "1 x zstd JSON (31 MiB decoded)": _case("zstd x1", _zstd_json(1)),
        "4 x zstd JSON concurrently": _case("zstd x4", _zstd_json(4)),
    }
    for k, (idle, peak) in out.items():
        print(f"{k:34s} idle {idle:7.1f} MiB   peak RSS {peak:8.1f} MiB")
    return out


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
