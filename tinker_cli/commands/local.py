"""``tinker local ...``: the argparse command line of the local server, reached through click.

``tinker_cli.main`` sends ``tinker local ...`` there before click loads; this entry serves ``tinker --help``
and forms such as ``tinker -f json local serve``.
"""

from __future__ import annotations

import click


@click.command(
    name="local",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def cli(args: tuple[str, ...]) -> None:
    """Run the offline local Tinker server (tinker local serve --help)."""
    from .. import _run_local

    code = _run_local(list(args))
    if code:
        raise click.exceptions.Exit(code)
