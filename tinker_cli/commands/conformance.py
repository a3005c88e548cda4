"""``tinker conformance URL``: check a Tinker-compatible server against the contract and the protocol."""

from __future__ import annotations

import json
import sys

import click

from .._errors import CliError
from .._output import CliContext, print_table


@click.command(name="conformance")
@click.argument("url")
@click.option("--api-key", envvar="TINKER_API_KEY", help="Key sent as X-API-Key (default: TINKER_API_KEY, the login).")
@click.option("--mutating", is_flag=True, help="Also run the checks that create sessions, models and checkpoints.")
@click.option(
    "--only", multiple=True, metavar="NAME", help="Run only these checks (a name, prefix or glob; repeatable)."
)
@click.option(
    "--skip", multiple=True, metavar="NAME", help="Leave these checks out (a name, prefix or glob; repeatable)."
)
@click.option("--model", default=None, help="Base model to train and sample (default: the first the server lists).")
@click.option("--timeout", type=click.FloatRange(min=1.0), default=60.0, show_default=True, help="Seconds per request.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (as -f json does).")
@click.option("--list", "list_only", is_flag=True, help="List the checks and what each proves, then exit.")
@click.pass_obj
def cli(
    ctx: CliContext,
    url: str,
    api_key: str | None,
    mutating: bool,
    only: tuple[str, ...],
    skip: tuple[str, ...],
    model: str | None,
    timeout: float,
    as_json: bool,
    list_only: bool,
) -> int:
    """Check the server at URL: contract fuzzing (schemathesis), protocol and loss-maths checks.

    Read-only unless --mutating. Exits 1 when any check fails.
    """
    from ..conformance import Server, registry, run_checks, select

    checks = select(registry().values(), only, skip)
    if not checks:
        raise CliError("No check matches --only/--skip", "List the checks with `tinker conformance URL --list`.")
    as_json = as_json or ctx.json
    if list_only:
        if as_json:
            sys.stdout.write(json.dumps([{"name": c.name, "explains": c.explains} for c in checks], indent=2) + "\n")
        else:
            print_table(
                ["check", "mutating", "what it proves"], [(c.name, str(c.mutating), c.explains) for c in checks]
            )
        return 0
    if not url.startswith(("http://", "https://")):
        raise CliError(f"URL must start with http:// or https://, got {url!r}")
    key = api_key or _stored_key()
    server = Server(url, key, timeout, mutating, model=model)

    def progress(o: object) -> None:
        if not as_json:
            click.echo(f"{getattr(o, 'status', '')}: {getattr(o, 'name', '')}", err=True)

    try:
        outcomes = run_checks(server, checks, progress)
    finally:
        server.close()
    failed = [o for o in outcomes if o.status == "fail"]
    if as_json:
        report = {"url": url, "mutating": mutating, "passed": not failed, "checks": [o.as_json() for o in outcomes]}
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
    else:
        rows = [(o.name, o.status.upper(), f"{o.seconds:.1f}s", o.evidence) for o in outcomes]
        print_table(["check", "result", "time", "evidence"], rows, title=f"Conformance of {url}")
        counts = {s: sum(o.status == s for o in outcomes) for s in ("pass", "fail", "skip")}
        click.echo(f"{counts['pass']} passed, {counts['fail']} failed, {counts['skip']} skipped", err=True)
    return 1 if failed else 0


def _stored_key() -> str:
    """The SDK's credential resolution (TINKER_CREDENTIAL_CMD, ~/.tinker/credentials.json)."""
    from tinker._config import ClientSettings

    try:
        return str(ClientSettings.resolve(base_url="http://conformance.invalid").api_key)
    except Exception as exc:  # noqa: BLE001 - no credential anywhere: say how to give one
        raise CliError(f"No API key: {exc}", "Pass --api-key or set TINKER_API_KEY.") from None
