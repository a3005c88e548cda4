"""Progress on stderr while a person waits: spinners, counters and transfer bars; silent unless interactive."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from rich.progress import Progress

__all__ = ["counter", "transfer", "wait_for"]

T = TypeVar("T")


def _progress(enabled: bool, *columns: Any, transient: bool) -> Progress:
    from rich.console import Console
    from rich.progress import Progress

    # emoji and markup off: a run id like "sess-1:train:0" must not turn into a train emoji.
    console = Console(stderr=True, emoji=False, markup=False, highlight=False)
    return Progress(*columns, console=console, disable=not enabled, transient=transient)


def wait_for(future: Any, label: str, enabled: bool) -> Any:
    """``future.result()`` with a spinner and the time waited so far."""
    from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

    with _progress(
        enabled, SpinnerColumn(), TextColumn("{task.description}", markup=False), TimeElapsedColumn(), transient=True
    ) as p:
        p.add_task(label, total=None)
        return future.result()


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
