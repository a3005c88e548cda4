"""``tinker run list`` and ``tinker run info``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from .._output import CliContext, human_time, print_json, print_table, run_dict
from .._paging import collect, limit_option

# Column key -> (header, cell). The keys are those of the official CLI's --columns.
COLUMNS: dict[str, tuple[str, Callable[[Any], str]]] = {
    "id": ("Run ID", lambda r: r.training_run_id),
    "model": ("Base Model", lambda r: r.base_model),
    "owner": ("Owner", lambda r: r.model_owner),
    "lora": ("LoRA", lambda r: (f"Rank {r.lora_rank}" if r.lora_rank else "Yes") if r.is_lora else "No"),
    "updated": ("Last Update", lambda r: human_time(r.last_request_time)),
    "status": ("Status", lambda r: "Failed" if r.corrupted else "OK"),
    "checkpoint": ("Last Checkpoint", lambda r: r.last_checkpoint.checkpoint_id if r.last_checkpoint else "None"),
    "checkpoint_time": (
        "Checkpoint Time",
        lambda r: human_time(r.last_checkpoint.time) if r.last_checkpoint else "N/A",
    ),
}
DEFAULT_COLUMNS = ("id", "model", "lora", "updated", "status")
PAGE_SIZE = 100


def _columns(_ctx: click.Context, _param: click.Parameter, value: str | None) -> list[str]:
    if value is None:
        return list(DEFAULT_COLUMNS)
    chosen = [c.strip() for c in value.split(",") if c.strip()]
    unknown = [c for c in chosen if c not in COLUMNS]
    if unknown or not chosen:
        raise click.BadParameter(
            f"unknown column(s) {', '.join(unknown) or '(none given)'}; choose from {', '.join(COLUMNS)}"
        )
    return chosen


def _count_title(shown: int, total: int | None, noun: str) -> str:
    if shown == 0:
        return f"No {noun}s found"
    title = f"{shown} {noun}{'s' if shown != 1 else ''}"
    if total is not None and total > shown:
        title += f" ({total - shown} more not shown; --limit 0 lists all)"
    return title


@click.group(name="run")
def cli() -> None:
    """List and inspect training runs."""


@cli.command(name="list")
@limit_option(20, "training runs")
@click.option(
    "-c",
    "--columns",
    callback=_columns,
    help=f"Comma-separated columns to show, from: {', '.join(COLUMNS)}. Default: {','.join(DEFAULT_COLUMNS)}.",
)
@click.pass_obj
def list_runs(obj: CliContext, limit: int, columns: list[str]) -> None:
    """List your training runs, newest first."""
    from .._clients import rest_client

    client = rest_client()

    def fetch(n: int, offset: int) -> tuple[list[Any], int | None]:
        page = client.list_training_runs(limit=n, offset=offset).result()
        return page.training_runs, page.cursor.total_count

    runs, total = collect(fetch, limit, PAGE_SIZE, "Fetching training runs", obj.interactive)
    if obj.json:
        print_json({"runs": [run_dict(r) for r in runs]})
        return
    print_table(
        [COLUMNS[c][0] for c in columns],
        [[COLUMNS[c][1](r) for c in columns] for r in runs],
        title=_count_title(len(runs), total, "training run"),
    )


def _checkpoint_rows(label: str, ck: Any) -> list[list[str]]:
    if ck is None:
        return []
    return [[label, ck.checkpoint_id], ["  - Time", human_time(ck.time)], ["  - Path", ck.tinker_path]]


@cli.command(name="info")
@click.argument("run_id")
@click.pass_obj
def run_info(obj: CliContext, run_id: str) -> None:
    """Show one training run: model, LoRA rank, status and latest checkpoints."""
    from .._clients import rest_client

    run = rest_client().get_training_run(run_id).result()
    if obj.json:
        print_json(run_dict(run))
        return
    rows = [
        ["Run ID", run.training_run_id],
        ["Base Model", run.base_model],
        ["Owner", run.model_owner],
        ["LoRA", (f"Yes (Rank {run.lora_rank})" if run.lora_rank else "Yes") if run.is_lora else "No"],
        ["Last Update", human_time(run.last_request_time)],
        ["Status", "Failed" if run.corrupted else "OK"],
        *_checkpoint_rows("Last Training Checkpoint", run.last_checkpoint),
        *_checkpoint_rows("Last Sampler Checkpoint", run.last_sampler_checkpoint),
    ]
    if run.user_metadata:
        rows.append(["Metadata", ""])
        rows += [[f"  - {k}", v] for k, v in run.user_metadata.items()]
    print_table(["Property", "Value"], rows, title=f"Training Run: {run.training_run_id}")
