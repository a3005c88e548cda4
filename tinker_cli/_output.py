"""Printing results: JSON for scripts (stdout, nothing else on it), rich tables for people, and value formats."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "CliContext",
    "checkpoint_dict",
    "human_size",
    "human_time",
    "print_json",
    "print_table",
    "run_dict",
    "yes_no",
]


@dataclass(frozen=True)
class CliContext:
    """What the root options decided, handed to every command (``click.pass_obj``)."""

    output_format: Literal["table", "json"] = "table"

    @property
    def json(self) -> bool:
        return self.output_format == "json"

    @property
    def interactive(self) -> bool:
        """Whether progress may be drawn: table output and a terminal on stderr."""
        return not self.json and sys.stderr.isatty()


def print_json(data: Any) -> None:
    # default=str: datetimes print as str(datetime), as the official CLI prints them.
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def print_table(columns: Sequence[str], rows: Iterable[Sequence[str]], title: str | None = None) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # markup/emoji off and cells as Text: ids like "run[1]" or ":smile:" print as they are. Into a pipe or
    # file (no terminal width), rows are not wrapped, so grep sees whole rows and whole ids.
    wide = not sys.stdout.isatty() and "COLUMNS" not in os.environ
    console = Console(emoji=False, highlight=False, markup=False, width=10_000 if wide else None)
    table = Table(title=title)
    for i, column in enumerate(columns):
        # fold, never an ellipsis: an id cut short in a table is an id nobody can copy.
        table.add_column(column, style="cyan" if i == 0 else None, overflow="fold")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    console.print(table)


def checkpoint_dict(checkpoint: Any) -> dict[str, Any]:
    """A checkpoint as JSON output: the official 0.38 keys (our type also models ``training_run_id``, which
    the official one lacks; the run id is part of ``tinker_path`` anyway)."""
    data: dict[str, Any] = checkpoint.model_dump(exclude={"training_run_id"})
    return data


def run_dict(run: Any) -> dict[str, Any]:
    """A training run as JSON output, its checkpoints as in :func:`checkpoint_dict`."""
    nested = {"training_run_id"}
    data: dict[str, Any] = run.model_dump(exclude={"last_checkpoint": nested, "last_sampler_checkpoint": nested})
    return data


def human_size(num_bytes: int | None) -> str:
    if num_bytes is None or num_bytes < 0:
        return "N/A"
    size, unit = float(num_bytes), "B"
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            break
        size /= 1024
    return f"{int(size)} B" if unit == "B" else f"{size:.1f} {unit}"


def _ago(seconds: int) -> str | None:
    for span, unit in ((7 * 86400, "week"), (86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= span:
            n = seconds // span
            return f"{n} {unit}{'s' if n > 1 else ''}"
    return None


def human_time(when: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """ "3 hours ago" / "in 2 days" within a month, else the UTC date; "N/A" for no time."""
    if when is None:
        return "N/A"
    when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    delta = (now or dt.datetime.now(dt.UTC)) - when
    seconds = int(abs(delta.total_seconds()))
    if seconds > 30 * 86400:
        return when.astimezone(dt.UTC).strftime("%Y-%m-%d")
    span = _ago(seconds)
    if span is None:
        return "just now" if delta.total_seconds() >= 0 else "in under a minute"
    return f"{span} ago" if delta.total_seconds() >= 0 else f"in {span}"


def yes_no(value: bool | None) -> str:
    return "N/A" if value is None else ("Yes" if value else "No")
