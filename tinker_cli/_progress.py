"""Progress on stderr while a person waits: spinners, counters and transfer bars; silent unless interactive."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

__all__ = ["counter", "paused_text", "transfer", "wait_for"]

T = TypeVar("T")


def _console() -> Console:
    from rich.console import Console

    # emoji and markup off: a run id like "sess-1:train:0" must not turn into a train emoji.
    return Console(stderr=True, emoji=False, markup=False, highlight=False)


def _progress(enabled: bool, *columns: Any, transient: bool) -> Progress:
    from rich.progress import Progress

    return Progress(*columns, console=_console(), disable=not enabled, transient=transient)


def paused_text(label: str, queue_state: object, reason: object, at: float) -> str:
    """The status line once the server reports the queue a request waits in as paused (a ``queue_paused`` hook
    event, ``at`` seconds into the wait): its state and reason. The SDK reports no resumption, so it says when."""
    why = f"{reason}; " if reason else ""
    return f"{label} — server queue: {queue_state} ({why}reported at {int(at) // 60}:{int(at) % 60:02d})"


def wait_for(future: Any, label: str, enabled: bool) -> Any:
    """``future.result()`` with a spinner, the time waited so far and, while the server reports the request's
    queue as paused (capacity, rate limit, ...), that state and its reason."""
    from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

    with _progress(
        enabled, SpinnerColumn(), TextColumn("{task.description}", markup=False), TimeElapsedColumn(), transient=True
    ) as p:
        task = p.add_task(label, total=None)
        if not enabled:
            return future.result()
        import tinker

        started = time.monotonic()

        def paused(event: dict[str, Any]) -> None:  # on the SDK's thread: Progress.update takes its own lock
            at = time.monotonic() - started
            p.update(task, description=paused_text(label, event.get("queue_state"), event.get("reason"), at))

        stop = tinker.on("queue_paused", paused)
        try:
            return future.result()
        finally:
            stop()


@contextlib.contextmanager
def counter(label: str, total: int | None, enabled: bool) -> Iterator[Any]:
    """A bar of ``done/total`` items (total None: unknown); yields ``advance(n)``."""
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn

    with _progress(
        enabled,
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=True,
    ) as p:
        task = p.add_task(label, total=total)
        yield lambda n=1: p.advance(task, n)


def transfer(enabled: bool) -> Progress:
    """Bars for byte transfers: size done/total, rate and time left."""
    from rich.progress import BarColumn, DownloadColumn, TextColumn, TimeRemainingColumn, TransferSpeedColumn

    return _progress(
        enabled,
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        transient=False,
    )
