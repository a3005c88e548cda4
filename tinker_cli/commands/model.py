"""``tinker model list``."""

from __future__ import annotations

import click

from .._errors import CliError
from .._output import CliContext, print_json, print_table, yes_no


@click.group(name="model")
def cli() -> None:
    """Show the base models the server offers."""


@cli.command(name="list")
@click.argument("substring", required=False)
@click.pass_obj
def list_models(obj: CliContext, substring: str | None) -> None:
    """List the base models this credential can train and sample.

    With SUBSTRING, only names containing it (case-insensitive). Use a name from the Model column as
    base_model when creating a training client.
    """
    from .._clients import rest_client

    models = rest_client().get_server_capabilities().result().supported_models
    if substring is not None:
        needle = substring.lower()
        models = [m for m in models if m.model_name is not None and needle in m.model_name.lower()]
        if not models:
            raise CliError(
                f"No model name contains {substring!r}", "Run `tinker model list` to see every model offered."
            )
    if obj.json:
        print_json({"models": [m.model_dump() for m in models]})
        return
    print_table(
        ["Model", "Max Context", "Trainable", "Sampleable"],
        [
            [
                m.model_name or "N/A",
                "N/A" if m.max_context_length is None else str(m.max_context_length),
                yes_no(m.trainable),
                yes_no(m.sampleable),
            ]
            for m in models
        ],
    )
