"""TurnGate: submissions go in id order, and each waiting submission is woken once, when its turn comes."""

from __future__ import annotations

import asyncio
import sys
from types import FrameType
from typing import Any

import pytest

from tinker._ordering import TurnGate


async def _run_in_turn(gate: TurnGate, first: int, count: int, log: list[int]) -> None:
    await gate.wait(first)
    log.append(first)
    gate.release(first, count)


def test_submissions_run_in_id_order_whatever_order_they_start_in() -> None:
    async def main() -> list[int]:
        gate, log = TurnGate(10), list[int]()
        # (first, count): ids 10..19 in blocks of 1, 3, 1, 2, 3, started in a scrambled order.
        blocks = [(10, 1), (11, 3), (14, 1), (15, 2), (17, 3)]
        order = [3, 0, 4, 2, 1]
        await asyncio.gather(*(_run_in_turn(gate, *blocks[i], log) for i in order))
        return log

    assert asyncio.run(main()) == [10, 11, 14, 15, 17]


def test_an_out_of_order_release_waits_for_the_gap_below_it() -> None:
    async def main() -> None:
        gate = TurnGate(0)
        third = asyncio.ensure_future(gate.wait(2))
        gate.release(1, 1)  # id 1 done before id 0: id 2 must still wait for 0
        await asyncio.sleep(0)
        assert not third.done()
        gate.release(0, 1)
        await asyncio.wait_for(third, 1)

    asyncio.run(main())


def test_a_cancelled_waiter_leaves_nothing_behind_and_blocks_nobody() -> None:
    async def main() -> None:
        gate = TurnGate(0)
        cancelled = asyncio.ensure_future(gate.wait(1))
        later = asyncio.ensure_future(gate.wait(2))
        await asyncio.sleep(0)
        cancelled.cancel()
        with pytest.raises(asyncio.CancelledError):
            await cancelled
        assert list(gate._waiters) == [2]
        gate.release(0, 2)  # the cancelled call's id is still released by its submission (see OrderedSubmissions)
        await asyncio.wait_for(later, 1)
        assert gate._waiters == {}

    asyncio.run(main())


def test_each_waiter_resumes_once_not_once_per_release() -> None:
    # With one condition notified on every release, N queued submissions resumed ~N*N/2 times in all (1,000 queued
    # calls took ~1.3 s of loop time). Counting resumptions of TurnGate.wait frames makes that visible without
    # timing anything.
    n = 300
    resumed = 0
    wait_code = TurnGate.wait.__code__

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal resumed
        if event == "call" and frame.f_code is wait_code:
            resumed += 1

    async def main() -> list[int]:
        gate, log = TurnGate(0), list[int]()
        tasks = [asyncio.ensure_future(_run_in_turn(gate, i, 1, log)) for i in reversed(range(n))]
        previous = sys.getprofile()
        sys.setprofile(profile)
        try:
            await asyncio.gather(*tasks)
        finally:
            sys.setprofile(previous)
        return log

    assert asyncio.run(main()) == list(range(n))
    assert resumed <= 2 * n, f"{resumed} resumptions of TurnGate.wait for {n} submissions"
