"""Offset-paginated listings fetched page by page up to a limit (0: everything), with a progress counter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from ._progress import counter

__all__ = ["collect", "limit_option"]

T = TypeVar("T")


def _check_limit(_ctx: click.Context, _param: click.Parameter, value: int) -> int:
    if value < 0:
        raise click.BadParameter(f"{value} is negative; use 0 to list everything, or a positive number.")
    return value


def limit_option(default: int, what: str) -> Callable[[Any], Any]:
    return click.option(
        "--limit",
        type=int,
        default=default,
        show_default=True,
        callback=_check_limit,
        help=f"Most {what} to list; 0 lists all of them.",
    )


def collect(
    fetch: Callable[[int, int], tuple[list[T], int | None]], limit: int, page_size: int, label: str, progress: bool
) -> tuple[list[T], int | None]:
    """Up to ``limit`` items (0: all) and the server's total count, if it reports one.

    ``fetch(limit, offset)`` returns one page and the total. Pages are at most ``page_size`` long (the
    server's maximum), so ``--limit 0`` never sends a limit the server refuses.
    """
    first = page_size if limit == 0 else min(page_size, limit)
    items, total = fetch(first, 0)
    items = list(items)
    wanted = limit or total
    if total is not None and wanted is not None:
        wanted = min(wanted, total)
    if len(items) < first or (wanted is not None and len(items) >= wanted):
        return items, total
    with counter(label, wanted, progress) as advance:
        advance(len(items))
        while wanted is None or len(items) < wanted:
            size = page_size if wanted is None else min(page_size, wanted - len(items))
            page, _ = fetch(size, len(items))
            items.extend(page)
            advance(len(page))
            if len(page) < size:
                break
    return items, total
