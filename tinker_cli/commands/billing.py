"""``tinker billing usage|checkpoint-storage``: tables, JSON (the response's shape) or CSV files."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from collections.abc import Sequence
from typing import Any

import click

from .._errors import CliError
from .._output import CliContext, print_json, print_table

TOKEN_TYPES = frozenset({"training", "sampling_prefill", "sampling_sample"})
# Cost fields that apply to a row of that type; in tables, an applicable but unknown value reads "null"
# (unlike a blank, which means the field does not apply).
APPLICABLE = {
    **{t: ("estimated_cost_usd", "effective_rate_usd_per_million_tokens") for t in TOKEN_TYPES},
    "storage": ("estimated_cost_usd", "effective_rate_usd_per_gigabyte_month"),
}


@click.group(name="billing")
def cli() -> None:
    """Show billing usage and checkpoint storage."""


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    """A usage row with its ``event_info`` fields lifted into it (table and CSV rows are flat)."""
    info = row.get("event_info")
    if not isinstance(info, dict):
        return row
    return {**{k: v for k, v in row.items() if k != "event_info"}, **info}


def _columns(rows: Sequence[dict[str, Any]]) -> list[str]:
    return list(dict.fromkeys(k for row in rows for k in row))


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _write_csv(rows: Sequence[dict[str, Any]], path: str) -> None:
    def write(out: Any) -> None:
        writer = csv.DictWriter(out, fieldnames=_columns(rows), restval="")
        writer.writeheader()
        writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)

    if path == "-":
        write(sys.stdout)
        return
    with open(path, "w", newline="") as out:
        write(out)
    click.echo(f"Wrote {len(rows)} row(s) to {path}", err=True)


def _timestamp(value: str, name: str) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        raise CliError(
            f"Invalid {name}: {value!r}", "Use an RFC 3339 time on a UTC hour, e.g. 2026-07-13T00:00:00Z"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


@cli.command(name="usage")
@click.argument("starting_on")
@click.argument("ending_before")
@click.option(
    "--csv",
    "csv_path",
    metavar="PATH",
    help="Write the usage rows as CSV to PATH ('-': stdout) instead of printing them.",
)
@click.option(
    "--sessions-csv",
    metavar="PATH",
    help="Also write each session's user metadata as CSV to PATH ('-': stdout), to join on session_id.",
)
@click.pass_obj
def usage(
    obj: CliContext, starting_on: str, ending_before: str, csv_path: str | None, sessions_csv: str | None
) -> None:
    """Hourly usage of your organization between two UTC hours (at most 14 days apart).

    STARTING_ON and ENDING_BEFORE are RFC 3339 times on hour boundaries, e.g. 2026-07-13T00:00:00Z. One row
    per hour, usage type, base model, session and user, with token counts or gigabyte-hours and, where the
    service can price them, estimated gross costs before credits (not an invoice). JSON output keeps the
    response's shape: rows, a per-session metadata table and cost_data_through. Needs billing access.
    """
    from .._clients import admin_client

    start, end = _timestamp(starting_on, "STARTING_ON"), _timestamp(ending_before, "ENDING_BEFORE")
    response = admin_client().get_billing_usage(start, end).result()
    rows = [row.model_dump(mode="json") for row in response.data]
    if sessions_csv is not None:
        _write_csv(
            [
                {"session_id": sid, "user_metadata": None if s.user_metadata is None else json.dumps(s.user_metadata)}
                for sid, s in response.sessions.items()
            ],
            sessions_csv,
        )
    if csv_path is not None:
        _write_csv([_flat(r) for r in rows], csv_path)
    if csv_path is not None or sessions_csv is not None:
        return
    if obj.json:
        through = response.cost_data_through
        print_json(
            {
                "data": rows,
                "sessions": {sid: s.model_dump(mode="json") for sid, s in response.sessions.items()},
                "cost_data_through": None if through is None else through.isoformat().replace("+00:00", "Z"),
            }
        )
        return
    flat = []
    for row in map(_flat, rows):
        for field in APPLICABLE.get(str(row.get("type")), ()):
            if row.get(field) is None:
                row[field] = "null"
        flat.append(row)
    columns = _columns(flat)
    title = f"{len(flat)} hourly usage row(s)" if flat else "No billing usage in this window"
    print_table(columns, [[_cell(r.get(c)) for c in columns] for r in flat], title)


@cli.command(name="checkpoint-storage")
@click.option("--project-id", help="Only this project's storage (default: the whole organization).")
@click.option(
    "--csv", "csv_path", metavar="PATH", help="Write the rows as CSV to PATH ('-': stdout) instead of printing them."
)
@click.pass_obj
def checkpoint_storage(obj: CliContext, project_id: str | None, csv_path: str | None) -> None:
    """Checkpoint storage now, by project and owner, with its projected monthly cost.

    Usage data may lag by an hour or two; costs are gross 720-hour projections at current public rates,
    before credits (not an invoice).
    """
    from .._clients import admin_client

    response = admin_client().get_current_checkpoint_storage_usage(project_id=project_id).result()
    rate = response.effective_rate_usd_per_gigabyte_month
    rows = [row.model_dump(mode="json") for row in response.data]
    table_rows = [{"effective_rate_usd_per_gigabyte_month": rate, **row} for row in rows]
    if csv_path is not None:
        _write_csv(table_rows, csv_path)
    elif obj.json:
        print_json({"effective_rate_usd_per_gigabyte_month": rate, "data": rows})
    else:
        columns = _columns(table_rows)
        title = "Current checkpoint storage" if rows else "No active checkpoint storage"
        print_table(columns, [[_cell(r.get(c)) for c in columns] for r in table_rows], title)
