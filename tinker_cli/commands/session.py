"""``tinker session list|info|export-trace``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .._errors import CliError
from .._output import CliContext, human_size, print_json, print_table
from .._paging import collect, limit_option

PAGE_SIZE = 100


@click.group(name="session")
def cli() -> None:
    """List and inspect sessions; export a session's trace."""


@cli.command(name="list")
@limit_option(20, "sessions")
@click.pass_obj
def list_sessions(obj: CliContext, limit: int) -> None:
    """List your session ids, newest first."""
    from .._clients import rest_client

    client = rest_client()

    def fetch(n: int, offset: int) -> tuple[list[str], int | None]:
        return client.list_sessions(limit=n, offset=offset).result().sessions, None

    sessions, _ = collect(fetch, limit, PAGE_SIZE, "Fetching sessions", obj.interactive)
    if obj.json:
        print_json({"sessions": sessions})
        return
    title = f"{len(sessions)} session{'s' if len(sessions) != 1 else ''}" if sessions else "No sessions found"
    print_table(["Session ID"], [[s] for s in sessions], title=title)


@cli.command(name="info")
@click.argument("session_id")
@click.pass_obj
def session_info(obj: CliContext, session_id: str) -> None:
    """Show one session: its training runs, samplers and metadata."""
    from .._clients import rest_client

    session = rest_client().get_session(session_id).result()
    if obj.json:
        print_json({"session_id": session_id, **session.model_dump()})
        return
    rows = [["Session ID", session_id], ["Display Name", session.display_name or "N/A"]]
    rows += [["Training Run", r] for r in session.training_run_ids] or [["Training Runs", "None"]]
    rows += [["Sampler", s] for s in session.sampler_ids] or [["Samplers", "None"]]
    rows += [[f"Metadata: {k}", v] for k, v in (session.user_metadata or {}).items()]
    print_table(["Property", "Value"], rows, title=f"Session: {session_id}")


def _trace_result(obj: CliContext, data: dict[str, Any]) -> None:
    if obj.json:
        print_json(data)
        return
    labels = {"session_id": "Session ID", "url": "Download URL", "destination": "Saved to"}
    rows = [[labels[k], str(v)] for k, v in data.items() if k in labels]
    if "file_size_bytes" in data:
        rows.append(["Size", human_size(data["file_size_bytes"])])
    print_table(["Property", "Value"], rows, title=f"Trace Export: {data['session_id']}")


@cli.command(name="export-trace")
@click.argument("session_id")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: ./SESSION_ID.pftrace).",
)
@click.option(
    "--url-only", is_flag=True, help="Print the signed download link (valid about an hour) instead of downloading."
)
@click.pass_obj
def export_trace(obj: CliContext, session_id: str, output: Path | None, url_only: bool) -> None:
    """Have the server build a timeline of a session's requests, and download it.

    Open the file in https://ui.perfetto.dev. With --url-only, the bare link goes to stdout, for example
    for: curl -o t.pftrace "$(tinker session export-trace ID --url-only)".
    """
    from .._clients import rest_client
    from .._download import fetch_file
    from .._progress import transfer, wait_for

    client = rest_client()

    def export() -> str:
        future = client.export_session_trace(session_id, poll_interval=2.0)
        try:
            return str(wait_for(future, f"Building the trace of session {session_id}", obj.interactive))
        except RuntimeError as exc:  # the server reported the export as failed
            raise CliError("Trace export failed", str(exc)) from None

    url = export()
    if url_only:
        if obj.json:
            print_json({"session_id": session_id, "url": url})
        else:
            click.echo(url)
        return
    dest = output if output is not None else Path.cwd() / f"{session_id}.pftrace"
    dest.parent.mkdir(parents=True, exist_ok=True)
    with transfer(obj.interactive) as progress:
        size = fetch_file(url, dest, label=dest.name, progress=progress, resign=export)
    result: dict[str, Any] = {"session_id": session_id, "destination": str(dest)}
    if size:
        result["file_size_bytes"] = size
    _trace_result(obj, result)
