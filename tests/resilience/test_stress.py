"""2,000 concurrent ``sample`` calls through one SamplingClient, three rounds.

Checks: no deadlock or stall (every round finishes within a bounded time), every result is right (the
seeded sample ``i`` returns the same tokens in every round, each runs to ``max_tokens`` or stops on
EOS, sequence ids are unique), memory stays flat across rounds (RSS of this process and of the
server), and the connection pool never runs dry (no error at all, not even a retried one).

The server runs in a child process (a LocalServer started by a few lines of Python): on 2 cores an
in-process server shares the GIL with the SDK's event loop and halves the throughput. Measured here
(2 cores): ~20 ms of client CPU per sample at this concurrency, i.e. ~40 s per round of 2,000 with
the default RetryConfig; the sampler itself (max_tokens=4) costs ~5 ms per sample and is not the
bottleneck, so max_tokens stays small.
"""

from __future__ import annotations

import concurrent.futures
import gc
import json
import logging
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

import tinker
from tinker import types

from .conftest import BASE_MODEL, LogCapture, close_quietly, make_service

N = 2000
ROUNDS = 3
MAX_TOKENS = 4
ROUND_TIMEOUT = 150.0
RSS_MARGIN_MB = 30.0

_CHILD = r"""
import json, sys
from tinker_local import LocalServer
with LocalServer(**json.loads(sys.argv[1])) as srv:
    print(srv.base_url, flush=True)
    sys.stdin.read()  # runs until the test closes our stdin
"""


def _rss_mb(pid: str | int = "self") -> float:
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


@pytest.fixture
def child_server() -> Iterator[tuple[str, subprocess.Popen[str]]]:
    # Results are kept future_ttl_s after delivery by design; a short TTL keeps that out of the RSS check.
    config = {"future_ttl_s": 1.0, "janitor_interval_s": 0.5}
    proc = subprocess.Popen([sys.executable, "-c", _CHILD, json.dumps(config)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), f"child server did not start: {url!r}"
        yield url, proc
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def _prompt(i: int) -> types.ModelInput:
    return types.ModelInput.from_ints(list(f"#{i % 97}:".encode()))


@pytest.mark.slow
def test_2000_concurrent_samples_three_rounds(child_server: tuple[str, Any]) -> None:
    url, proc = child_server
    service = make_service(url)  # the default RetryConfig: this is the configuration users get
    log = LogCapture()
    logging.getLogger("tinker").addHandler(log)
    old_level = logging.getLogger("tinker").level
    logging.getLogger("tinker").setLevel(logging.INFO)
    try:
        sampler = service.create_sampling_client(base_model=BASE_MODEL).result(timeout=60)
        eos = sampler.get_tokenizer().eos_token_id
        first_tokens: list[list[int]] = []
        sequence_ids: set[str] = set()
        rss: list[tuple[float, float]] = []
        for rnd in range(ROUNDS):
            started = time.monotonic()
            futures = [sampler.sample(_prompt(i), 1, types.SamplingParams(max_tokens=MAX_TOKENS, seed=i))
                       for i in range(N)]
            done, pending = concurrent.futures.wait(futures, timeout=ROUND_TIMEOUT)
            for f in pending:
                f.cancel()
            assert not pending, f"round {rnd}: {len(pending)} of {N} calls still pending after {ROUND_TIMEOUT} s"
            errors = [f.exception() for f in futures if f.exception() is not None]
            assert not errors, f"round {rnd}: {len(errors)} calls failed, e.g. {errors[0]!r}"
            elapsed = time.monotonic() - started
            for i, f in enumerate(futures):
                res = f.result()
                assert len(res.sequences) == 1
                seq = res.sequences[0]
                tokens = list(seq.tokens)
                if seq.stop_reason == "length":
                    assert len(tokens) == MAX_TOKENS, (i, tokens)
                else:
                    assert seq.stop_reason == "stop" and 1 <= len(tokens) <= MAX_TOKENS and tokens[-1] == eos, (i, seq)
                assert seq.sequence_id and seq.sequence_id not in sequence_ids, seq.sequence_id
                sequence_ids.add(seq.sequence_id)
                if rnd == 0:
                    first_tokens.append(tokens)
                else:  # the same seeded request gets the same answer: no result went to the wrong caller
                    assert tokens == first_tokens[i], (rnd, i, tokens, first_tokens[i])
            del futures, done, pending
            gc.collect()
            rss.append((_rss_mb(), _rss_mb(proc.pid)))
            print(f"round {rnd}: {elapsed:.1f} s, client RSS {rss[-1][0]:.1f} MB, server RSS {rss[-1][1]:.1f} MB")
        assert len(sequence_ids) == ROUNDS * N
        assert len({tuple(t) for t in first_tokens}) > N // 4, "seeds must give different samples"
        retries = [m for m in log.messages(logging.INFO) if "Retrying" in m]
        assert not retries, f"{len(retries)} retried requests (pool exhausted?), e.g. {retries[0]}"
        assert rss[-1][0] <= rss[0][0] + RSS_MARGIN_MB, f"client RSS grew: {rss}"
        assert rss[-1][1] <= rss[0][1] + RSS_MARGIN_MB, f"server RSS grew: {rss}"
    finally:
        logging.getLogger("tinker").removeHandler(log)
        logging.getLogger("tinker").setLevel(old_level)
        close_quietly(service)
