"""The click application: the root group, lazily loaded command groups and the one place errors become exit codes."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from ._errors import CliError, translate
from ._output import CliContext

__all__ = ["cli", "run"]

# name -> (module under tinker_cli.commands, one-line help). Listing the help here means `tinker --help`
# imports no command module; each is imported only when its group runs.
COMMANDS: dict[str, tuple[str, str]] = {
    "auth": ("auth", "Log in and out, and check which credential is in use."),
    "billing": ("billing", "Show billing usage and checkpoint storage."),
    "conformance": ("conformance", "Check any Tinker-compatible server: contract fuzzing, protocol and loss maths."),
    "checkpoint": ("checkpoint", "List, inspect, publish, expire, delete and download checkpoints."),
    "local": ("local", "Run the offline local Tinker server (tinker local serve --help)."),
    "model": ("model", "Show the base models the server offers."),
    "run": ("run", "List and inspect training runs."),
    "session": ("session", "List and inspect sessions; export a session's trace."),
    "version": ("version", "Print the SDK version."),
}


class LazyGroup(click.Group):
    """A group whose subcommands live in modules imported on first use."""

    def __init__(self, *args: Any, lazy: dict[str, tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy:
            return super().get_command(ctx, cmd_name)
        module = importlib.import_module(f"tinker_cli.commands.{self.lazy[cmd_name][0]}")
        command = module.cli
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, self.lazy[name][1]) for name in self.list_commands(ctx) if name in self.lazy]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-f",
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="How results are printed: tables for people, JSON for scripts.",
)
@click.pass_context
def cli(ctx: click.Context, output_format: str) -> None:
    """The Tinker command line: manage runs, checkpoints, sessions and credentials on any Tinker server.

    The server and credential come from TINKER_BASE_URL and TINKER_API_KEY (or `tinker auth login`).
    """
    ctx.obj = CliContext(output_format="json" if output_format == "json" else "table")


def _print_error(err: CliError) -> None:
    print(f"Error: {err.message}", file=sys.stderr)
    if err.details:
        print(err.details, file=sys.stderr)


def run(argv: Sequence[str]) -> int:
    """Run ``cli`` on ``argv`` and turn every outcome into an exit code (2 usage, 1 failure, 130 Ctrl-C)."""
    try:
        result = cli.main(list(argv), prog_name="tinker", standalone_mode=False)
    except click.UsageError as exc:
        exc.show()
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort as exc:
        # click turns Ctrl-C (and end of input at a prompt) into Abort; tell them apart by the cause.
        if isinstance(exc.__context__, KeyboardInterrupt):
            return 130
        print("Aborted.", file=sys.stderr)
        return 1
    except CliError as exc:
        _print_error(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `tinker run list | head`: the reader left; say nothing more and do not let Python complain at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except Exception as exc:  # noqa: BLE001 - SDK, input and file errors: one actionable message, no traceback
        err = translate(exc)
        _print_error(err)
        return err.exit_code
    return result if isinstance(result, int) else 0
