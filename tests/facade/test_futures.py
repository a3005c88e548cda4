"""APIFuture behaviour shared by every client call: result/await/concurrent.futures interop, cancellation."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time

import pytest
from fake_tinker import FakeServer, bare, datum, hold

import tinker
from tinker._futures import AwaitableConcurrentFuture, chain

ADAM = tinker.AdamParams()


def test_future_is_a_concurrent_future(training) -> None:
    futs = [training.forward_backward([datum()], "cross_entropy"), training.optim_step(ADAM)]
    assert all(isinstance(f, concurrent.futures.Future) and isinstance(f, tinker.APIFuture) for f in futs)
    done, pending = concurrent.futures.wait(futs, timeout=10)
    assert len(done) == 2 and not pending
    assert [f.future() is f for f in futs] == [True, True]


def test_result_timeout_leaves_the_work_running(training, server: FakeServer) -> None:
    server.script_polls(*[bare(408)] * 30)
    fut = training.optim_step(ADAM)
    with pytest.raises(concurrent.futures.TimeoutError):
        fut.result(timeout=0.001)
    assert fut.result(timeout=10).metrics == {"grad_norm:mean": 1.5}


def test_coroutine_and_gather(training) -> None:
    async def main():
        return await asyncio.gather(training.optim_step(ADAM).coroutine(), training.save_state("x"))

    opt, saved = asyncio.run(main())
    assert opt.metrics and saved.path.endswith("/weights/x")


def test_result_async_timeout(training, server: FakeServer) -> None:
    server.script_polls(*[bare(408)] * 100_000)
    fut = training.optim_step(ADAM)

    async def main():
        await fut.result_async(timeout=0.05)

    with pytest.raises((asyncio.TimeoutError, TimeoutError)):
        asyncio.run(main())


def test_helpers() -> None:
    done: concurrent.futures.Future[int] = concurrent.futures.Future()
    done.set_result(3)
    assert chain(AwaitableConcurrentFuture(done), lambda v: v * 2).result(timeout=5) == 6
    cf: concurrent.futures.Future[int] = concurrent.futures.Future()
    wrapped = AwaitableConcurrentFuture(cf)
    threading.Timer(0.01, cf.set_result, args=(5,)).start()
    assert wrapped.result(timeout=5) == 5
    assert asyncio.run(wrapped.result_async()) == 5
    assert "done" in repr(wrapped)


def test_blocking_result_on_the_sdk_loop_is_refused(training, server: FakeServer) -> None:
    from tinker import _loop

    server.script_polls(*[bare(408)] * 20)
    fut = training.optim_step(ADAM)

    async def inner():
        return fut.result()

    with pytest.raises(RuntimeError, match="deadlock"):
        _loop.run_coroutine(inner()).result(timeout=5)
    fut.result(timeout=10)


def test_cancel_settles_the_future(training, server: FakeServer) -> None:
    server.script_polls(*[bare(408)] * 100_000)
    fut = training.optim_step(ADAM)
    time.sleep(0.02)
    cancelled = fut.cancel()
    with pytest.raises(concurrent.futures.CancelledError):
        fut.result(timeout=1)
    assert cancelled and fut.cancelled()


def test_cancelled_waiting_call_does_not_wedge_the_client(training, server: FakeServer) -> None:
    gate = hold(server, "/api/v1/optim_step", seconds=2.0)
    first = training.optim_step(ADAM)  # seq 1: its submission is held by the server
    time.sleep(0.02)
    second = training.optim_step(ADAM)  # seq 2: waits for its turn
    time.sleep(0.02)
    second.cancel()
    time.sleep(0.02)
    gate.set()
    first.result(timeout=5)
    third = training.optim_step(ADAM)  # seq 3
    try:
        third.result(timeout=1)
    finally:
        third.cancel()


def test_a_cancelled_future_counts_as_done_for_wait_and_as_completed(training, server: FakeServer) -> None:
    server.script_polls(*[bare(408)] * 100_000)
    fut = training.optim_step(ADAM)
    assert fut.cancel()
    assert fut.cancel()  # again: still cancelled, no error
    done, pending = concurrent.futures.wait([fut], timeout=5)
    assert done == {fut} and not pending
    assert list(concurrent.futures.as_completed([fut], timeout=5)) == [fut]


def test_a_failed_submission_nobody_waits_for_any_more_is_not_reported() -> None:
    # The submission of a cancelled training call still runs (tinker._ordering); if it then fails, asyncio must
    # not log "Future exception was never retrieved" for the waiter that went away.
    import gc

    from tinker._ordering import submitted

    reported: list[str] = []

    async def main() -> None:
        asyncio.get_running_loop().set_exception_handler(lambda loop, ctx: reported.append(ctx["message"]))
        sending: concurrent.futures.Future[int] = concurrent.futures.Future()
        waiter = asyncio.ensure_future(submitted(sending))
        await asyncio.sleep(0)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        sending.set_exception(RuntimeError("the submission failed"))
        await asyncio.sleep(0.05)  # the failure reaches the waiter's wrapped future
        del waiter, sending
        gc.collect()

    asyncio.run(main())
    assert reported == []
