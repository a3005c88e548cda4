"""``tinker checkpoint list|info|publish|unpublish|set-ttl|delete|download``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from .._checkpoint_download import PATH_HINT, parse_checkpoint_path
from .._errors import CliError
from .._output import CliContext, checkpoint_dict, human_size, human_time, print_json, print_table, yes_no
from .._paging import collect, limit_option

PAGE_SIZE = 1000  # the server's largest page: listings of checkpoints are slow per request, not per item
DELETE_CONCURRENCY = 32
# --type values (the path spelling and the listing spelling) -> checkpoint_type.
TYPES = {
    "weights": "training",
    "sampler_weights": "sampler",
    "external_weights": "external",
    "training": "training",
    "sampler": "sampler",
    "external": "external",
}


@click.group(name="checkpoint")
def cli() -> None:
    """List, inspect, publish, expire, delete and download checkpoints."""


def _rows(checkpoints: list[Any]) -> list[list[str]]:
    return [
        [
            c.checkpoint_id,
            c.checkpoint_type,
            human_size(c.size_bytes),
            yes_no(c.public),
            human_time(c.time),
            human_time(c.expires_at) if c.expires_at else "Never",
            c.tinker_path,
        ]
        for c in checkpoints
    ]


@cli.command(name="list")
@click.option("--run-id", help="Only this training run's checkpoints (all of them; --limit does not apply).")
@limit_option(20, "checkpoints across your runs")
@click.pass_obj
def list_checkpoints(obj: CliContext, run_id: str | None, limit: int) -> None:
    """List checkpoints: of one training run (--run-id), or your newest across all runs."""
    from .._clients import rest_client

    client = rest_client()
    total: int | None
    if run_id:
        checkpoints, total = list(client.list_checkpoints(run_id).result().checkpoints), None
    else:

        def fetch(n: int, offset: int) -> tuple[list[Any], int | None]:
            page = client.list_user_checkpoints(limit=n, offset=offset).result()
            return page.checkpoints, page.cursor.total_count if page.cursor else None

        checkpoints, total = collect(fetch, limit, PAGE_SIZE, "Fetching checkpoints", obj.interactive)
    if obj.json:
        data: dict[str, Any] = {"run_id": run_id} if run_id else {}
        print_json({**data, "checkpoints": [checkpoint_dict(c) for c in checkpoints]})
        return
    n = len(checkpoints)
    suffix = f" for run {run_id}" if run_id else ""
    title = f"{n} checkpoint{'s' if n != 1 else ''}{suffix}" if n else f"No checkpoints found{suffix}"
    if total is not None and total > n:
        title += f" ({total - n} more not shown; --limit 0 lists all)"
    print_table(["Checkpoint ID", "Type", "Size", "Public", "Created", "Expires", "Path"], _rows(checkpoints), title)


def _find(client: Any, path: str) -> Any:
    parsed = parse_checkpoint_path(path)
    for checkpoint in client.list_checkpoints(parsed.training_run_id).result().checkpoints:
        if checkpoint.tinker_path == path:
            return checkpoint
    raise CliError(
        f"Checkpoint not found: {path}", f"`tinker checkpoint list --run-id {parsed.training_run_id}` lists that run's."
    )


@cli.command(name="info")
@click.argument("checkpoint_path")
@click.pass_obj
def info(obj: CliContext, checkpoint_path: str) -> None:
    """Show one checkpoint (CHECKPOINT_PATH is tinker://RUN_ID/KIND/NAME) and its run's LoRA rank."""
    from .._clients import rest_client

    client = rest_client()
    checkpoint = _find(client, checkpoint_path)
    run = client.get_training_run(parse_checkpoint_path(checkpoint_path).training_run_id).result()
    if obj.json:
        print_json({**checkpoint_dict(checkpoint), "is_lora": run.is_lora, "lora_rank": run.lora_rank})
        return
    rows = [
        ["Checkpoint ID", checkpoint.checkpoint_id],
        ["Type", checkpoint.checkpoint_type],
        ["Tinker Path", checkpoint.tinker_path],
    ]
    if checkpoint.size_bytes is not None:
        rows.append(["Size", human_size(checkpoint.size_bytes)])
    rows += [
        ["Public", yes_no(checkpoint.public)],
        ["Created", human_time(checkpoint.time)],
        ["Expires", human_time(checkpoint.expires_at) if checkpoint.expires_at else "Never"],
        ["Training Run ID", run.training_run_id],
        ["LoRA", (f"Yes (Rank {run.lora_rank})" if run.lora_rank else "Yes") if run.is_lora else "No"],
    ]
    print_table(["Property", "Value"], rows, title=f"Checkpoint: {checkpoint.checkpoint_id}")


def _done(obj: CliContext, message: str) -> None:
    if not obj.json:  # success is otherwise silent on stdout, as in the official CLI
        click.echo(message, err=True)


@cli.command(name="publish")
@click.argument("checkpoint_path")
@click.pass_obj
def publish(obj: CliContext, checkpoint_path: str) -> None:
    """Make a checkpoint readable by anyone with its path (owner only)."""
    from .._clients import rest_client

    parse_checkpoint_path(checkpoint_path)
    rest_client().publish_checkpoint_from_tinker_path(checkpoint_path).result()
    _done(obj, f"Published {checkpoint_path}")


@cli.command(name="unpublish")
@click.argument("checkpoint_path")
@click.pass_obj
def unpublish(obj: CliContext, checkpoint_path: str) -> None:
    """Make a published checkpoint private again (owner only)."""
    from .._clients import rest_client

    parse_checkpoint_path(checkpoint_path)
    rest_client().unpublish_checkpoint_from_tinker_path(checkpoint_path).result()
    _done(obj, f"Unpublished {checkpoint_path}")


@cli.command(name="set-ttl")
@click.argument("checkpoint_path")
@click.option("--ttl", type=int, help="Expire this many seconds from now (the service allows 1 hour to 10 years).")
@click.option("--remove", is_flag=True, help="Never expire.")
@click.pass_obj
def set_ttl(obj: CliContext, checkpoint_path: str, ttl: int | None, remove: bool) -> None:
    """Set when a checkpoint expires (--ttl SECONDS), or make it permanent (--remove). Owner only."""
    from .._clients import rest_client

    parse_checkpoint_path(checkpoint_path)
    if (ttl is None) == (not remove):
        raise CliError("Pass exactly one of --ttl SECONDS or --remove", "--ttl sets an expiry; --remove clears it.")
    rest_client().set_checkpoint_ttl_from_tinker_path(checkpoint_path, None if remove else ttl).result()
    _done(obj, f"{checkpoint_path} never expires" if remove else f"{checkpoint_path} expires in {ttl} s")


def _date(value: str | None, option: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        when = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise CliError(
            f"Invalid date for {option}: {value!r}",
            "Use ISO 8601, in UTC unless an offset is given: 2024-06-01 or 2024-06-01T08:00:00Z",
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _select(client: Any, run_id: str, kind: str | None, before: str | None, after: str | None) -> list[Any]:
    wanted = None if kind is None else TYPES.get(kind)
    if kind is not None and wanted is None:
        raise CliError(f"Invalid checkpoint type: {kind}", "Use weights, sampler_weights or external_weights.")
    before_t, after_t = _date(before, "--before"), _date(after, "--after")
    if before_t and after_t and after_t >= before_t:
        raise CliError("--after must be earlier than --before", "Nothing can be created both after and before those.")
    return [
        c
        for c in client.list_checkpoints(run_id).result().checkpoints
        if (wanted is None or c.checkpoint_type == wanted)
        and (before_t is None or c.time < before_t)
        and (after_t is None or c.time > after_t)
    ]


def _delete_all(client: Any, paths: list[str], progress: bool) -> list[tuple[str, str]]:
    from .._progress import counter

    failed: list[tuple[str, str]] = []
    with counter("Deleting checkpoints", len(paths), progress) as advance:
        for i in range(0, len(paths), DELETE_CONCURRENCY):
            batch = [(p, client.delete_checkpoint_from_tinker_path(p)) for p in paths[i : i + DELETE_CONCURRENCY]]
            for path, future in batch:
                try:
                    future.result()
                except Exception as exc:  # noqa: BLE001 - reported per path; the other deletions go on
                    failed.append((path, str(exc)))
                advance()
    return failed


@cli.command(name="delete")
@click.argument("checkpoint_paths", nargs=-1)
@click.option("--run-id", help="Delete the checkpoints of this training run (narrowed by the filters below).")
@click.option("--type", "kind", help="With --run-id: only weights, sampler_weights or external_weights.")
@click.option("--before", help="With --run-id: only those created before this UTC date or time (ISO 8601).")
@click.option("--after", help="With --run-id: only those created after this UTC date or time (ISO 8601).")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def delete(
    obj: CliContext,
    checkpoint_paths: tuple[str, ...],
    run_id: str | None,
    kind: str | None,
    before: str | None,
    after: str | None,
    yes: bool,
) -> None:
    """Delete checkpoints for good: the given paths, or a run's (--run-id) matching the filters.

    \b
      tinker checkpoint delete tinker://RUN/weights/step-1 tinker://RUN/weights/step-2
      tinker checkpoint delete --run-id RUN --type weights --before 2024-06-01
      tinker checkpoint delete --run-id RUN --after 2024-01-01 --before 2024-02-01T08:00:00Z -y

    Only a run's owner can delete its checkpoints. There is no undo.
    """
    from .._clients import rest_client

    if (kind or before or after) and not run_id:
        raise CliError(
            "--type, --before and --after need --run-id", "Example: --run-id RUN --type weights --before 2024-06-01"
        )
    if bool(checkpoint_paths) == bool(run_id):
        raise CliError("Give either checkpoint paths or --run-id (one of them)", PATH_HINT)
    for path in checkpoint_paths:
        parse_checkpoint_path(path)
    client = rest_client()
    listed: list[Any] | None = None
    if run_id:
        listed = _select(client, run_id, kind, before, after)
        if not listed:
            click.echo(f"No checkpoints of run {run_id} match.", err=True)
            if obj.json:
                print_json({"deleted_count": 0, "failed": []})
            return
    paths = [c.tinker_path for c in listed] if listed is not None else list(dict.fromkeys(checkpoint_paths))
    if not yes:
        click.echo(f"About to delete {len(paths)} checkpoint(s):", err=True)
        for c in listed or []:
            click.echo(f"  {c.tinker_path}  ({human_size(c.size_bytes)}, created {human_time(c.time)})", err=True)
        for p in paths if listed is None else []:
            click.echo(f"  {p}", err=True)
        if listed:
            click.echo(f"Total size: {human_size(sum(c.size_bytes or 0 for c in listed))}", err=True)
        if not click.confirm("Delete them permanently?", err=True):
            click.echo("Nothing deleted.", err=True)
            return
    failed = _delete_all(client, paths, obj.interactive)
    if obj.json:
        print_json(
            {"deleted_count": len(paths) - len(failed), "failed": [{"tinker_path": p, "error": e} for p, e in failed]}
        )
    else:
        click.echo(f"Deleted {len(paths) - len(failed)} checkpoint(s)")
        for path, error in failed:
            click.echo(f"  failed: {path}: {error}")
    if failed:
        raise CliError(f"{len(failed)} of {len(paths)} deletions failed", None)


@cli.command(name="download")
@click.argument("checkpoint_path")
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to download into (default: the current one).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace the target if it exists (an unfinished download of the same checkpoint resumes without it).",
)
@click.option(
    "--archive",
    is_flag=True,
    help="Fetch the checkpoint as one .tar.gz (servers with archives; sampler checkpoints too).",
)
@click.option("--extract", is_flag=True, help="Like --archive, then unpack it into the target directory.")
@click.pass_obj
def download(
    obj: CliContext, checkpoint_path: str, output: Path | None, force: bool, archive: bool, extract: bool
) -> None:
    """Download a checkpoint into OUTPUT/RUN_KIND_NAME (e.g. ./run-1_weights_final/).

    CHECKPOINT_PATH is a training checkpoint (tinker://RUN/weights/NAME, from save_state; exported on the
    server through a temporary external_weights checkpoint, which starts a training session there) or an
    external_weights one (from save_weights_external). Transfers stream to disk with their size checked;
    an interrupted download resumes when the same command runs again.
    """
    from .._checkpoint_download import download as run_download

    result = run_download(obj, checkpoint_path, output, force, archive, extract)
    if obj.json:
        print_json(result)
        return
    rows = [["Checkpoint Path", result["checkpoint_path"]]]
    if "file_size_bytes" in result:
        rows.append(["Total Size", human_size(result["file_size_bytes"])])
    rows.append(["Downloaded to", result["destination"]])
    print_table(["Property", "Value"], rows, title=f"Checkpoint Download: {checkpoint_path}")
