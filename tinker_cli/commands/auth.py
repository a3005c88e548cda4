"""``tinker auth status|whoami|login|logout``."""

from __future__ import annotations

import hashlib
import os
import socket
import sys

import click

from .._errors import CliError
from .._output import CliContext, print_json, print_table

HOSTED_URL = "https://tinker.thinkingmachines.dev/services/tinker-prod"
CONSOLE_KEYS_URL = "https://tinker.thinkingmachines.ai/keys"


@click.group(name="auth")
def cli() -> None:
    """Log in and out, and check which credential is in use."""


@cli.command(name="status")
def status() -> None:
    """Say whether a credential is configured and whether the server accepts it (exit 1 if not)."""
    from tinker.auth import raise_if_tinker_not_accessible, tinker_has_credentials

    has = tinker_has_credentials()
    click.echo(f"Credentials available: {'yes' if has else 'no'}")
    if not has:
        raise CliError("No Tinker credential is configured", "Set TINKER_API_KEY, or run `tinker auth login`.")
    try:
        raise_if_tinker_not_accessible()
    except Exception:
        click.echo("Tinker accessible: no")
        raise
    click.echo("Tinker accessible: yes")


@cli.command(name="whoami")
@click.pass_obj
def whoami(obj: CliContext) -> None:
    """Show the user and organization the credential belongs to."""
    from .._clients import rest_client

    try:
        identity = rest_client().whoami().result()
    except RuntimeError as exc:  # a plain API key carries no identity claims
        raise CliError(
            "This credential does not say who it belongs to", f"{exc}. `tinker auth status` checks that it works."
        ) from None
    if obj.json:
        print_json(identity.model_dump())
        return
    rows = [["Email", identity.email or "N/A"], ["User", identity.user_urn], ["Organization", identity.org_urn]]
    print_table(["Property", "Value"], rows)


def _key_name() -> str:
    return f"tinker-cli-{socket.gethostname().split('.', 1)[0].strip() or 'unknown'}"


@cli.command(name="login")
def login() -> None:
    """Store an API key as the default credential (~/.tinker/credentials.json), after checking it works."""
    from urllib.parse import urlencode

    from tinker._config import redact_urls

    from .. import _credentials
    from .._clients import rest_client

    stored = _credentials.load()
    if stored.get("default") in stored["keys"]:
        raise CliError("Already logged in", "Run `tinker auth logout` first to replace the stored key.")
    server = os.environ.get("TINKER_BASE_URL") or HOSTED_URL
    if server.rstrip("/") == HOSTED_URL:
        click.echo(f"Create an API key at {CONSOLE_KEYS_URL}?{urlencode({'new_key': 'true', 'key_name': _key_name()})}")
    else:
        click.echo(f"Paste an API key for {redact_urls(server)}.")
    # Hidden on a terminal; from a pipe (echo "$KEY" | tinker auth login) read as is: nothing echoes it there.
    key = click.prompt("API key", hide_input=sys.stdin.isatty(), err=True).strip()
    if not key:
        raise CliError("The API key must not be empty")
    import tinker

    try:
        rest_client(api_key=key).list_training_runs(limit=1).result()
    except tinker.AuthenticationError:
        raise CliError(
            "The server refused this API key", f"Check it was copied whole, and that it is for {redact_urls(server)}."
        ) from None
    key_id = f"cli-{hashlib.sha256(key.encode()).hexdigest()[:12]}"
    stored["keys"][key_id] = {"type": "manual", "key": key, "name": _key_name()}
    stored["default"] = key_id
    _credentials.save(stored)
    click.echo(f"Stored the API key as the default credential in {_credentials.credentials_path()}.")
    if os.environ.get("TINKER_API_KEY"):
        click.echo("Note: TINKER_API_KEY is set in this environment and takes precedence over the stored key.")


@cli.command(name="logout")
def logout() -> None:
    """Remove the stored default credential from this machine (the key itself stays valid)."""
    from .. import _credentials

    stored = _credentials.load()
    key_id = stored.get("default")
    record = stored["keys"].get(key_id) if isinstance(key_id, str) else None
    if record is None:
        raise CliError(
            "No default credential is stored", "There is nothing to log out from; `tinker auth login` stores one."
        )
    del stored["keys"][key_id]
    stored["default"] = None
    _credentials.save(stored)
    name = record.get("name", key_id) if isinstance(record, dict) else key_id
    click.echo(
        f"Removed credential '{name}'. The API key is still active: revoke it at {CONSOLE_KEYS_URL} if it should stop working."
    )
