"""``tinker version``."""

from __future__ import annotations

import click


@click.command(name="version")
def cli() -> None:
    """Print the version of the Tinker SDK this command uses (plain text, as the official CLI prints it)."""
    from tinker import __version__

    click.echo(f"tinker {__version__}")
