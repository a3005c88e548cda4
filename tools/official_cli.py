#!/usr/bin/env python
"""Print the command tree of whichever ``tinker`` command line is importable, as stable JSON.

Run it with the official SDK (its CLI is ``tinker.cli``) to (re)generate the manifest the CLI tests compare
against, from a directory where this repository is not importable::

    (cd /tmp && /tmp/venv-official/bin/python "$OLDPWD/tools/official_cli.py") > tests/data/official_cli.json

and with this repository's package (``tinker_cli``) to see ours: ``python tools/official_cli.py --ours``.

Facts only, no help prose: for each command, its path, whether it is a group, and its parameters (kind,
name, option strings, value type, choices, whether it is a flag, takes several values, is required, its
default, metavar). Needs click (both command lines are click applications); standard library otherwise.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from typing import Any

__all__ = ["collect", "main"]

ROOTS = {"official": ("tinker.cli.__main__", "main_cli"), "ours": ("tinker_cli._app", "cli")}


def _default(value: Any) -> Any:
    if value is None or repr(value) == "Sentinel.UNSET":  # click >= 8.3 marks "no default" with a sentinel
        return None
    if isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_default(v) for v in value]
    return repr(value)


def param_facts(param: Any) -> dict[str, Any]:
    import click

    facts: dict[str, Any] = {
        "kind": "option" if isinstance(param, click.Option) else "argument",
        "name": param.name,
        # click.Path names itself "file"/"directory"/"path" by its settings; the fact is: a path.
        "type": "path" if isinstance(param.type, click.Path) else param.type.name,
        "required": bool(param.required),
        "nargs": param.nargs,
        "multiple": bool(getattr(param, "multiple", False)),
    }
    if isinstance(param.type, click.Choice):
        facts["choices"] = sorted(str(c) for c in param.type.choices)
    if isinstance(param, click.Option):
        facts["opts"] = sorted(param.opts)
        facts["secondary_opts"] = sorted(param.secondary_opts)
        facts["is_flag"] = bool(param.is_flag)
        facts["default"] = _default(param.default)
        facts["hidden"] = bool(param.hidden)
    return facts


def collect(root: Any) -> dict[str, Any]:
    """{"commands": {"checkpoint delete": {...}, ...}} for click command ``root`` and everything under it."""
    import click

    commands: dict[str, Any] = {}

    def walk(command: Any, path: list[str], ctx: Any) -> None:
        params = [p for p in command.params if not (isinstance(p, click.Option) and p.name == "help")]
        help_opts = sorted(ctx.help_option_names) if command.add_help_option else []
        entry: dict[str, Any] = {
            "group": isinstance(command, click.Group),
            "help_options": help_opts,
            "params": sorted((param_facts(p) for p in params), key=lambda f: (f["kind"], f["name"])),
        }
        commands[" ".join(path)] = entry
        if isinstance(command, click.Group):
            entry["subcommands"] = sorted(command.list_commands(ctx))
            for name in entry["subcommands"]:
                sub = command.get_command(ctx, name)
                if sub is not None:
                    walk(sub, [*path, name], sub.make_context(name, [], parent=ctx, resilient_parsing=True))

    # make_context applies each command's context_settings (e.g. -h as a help option), as a real run does.
    walk(root, [], root.make_context("tinker", [], resilient_parsing=True))
    return {"commands": commands}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ours", action="store_true", help="describe tinker_cli instead of the official tinker.cli")
    args = parser.parse_args(argv)
    module, attr = ROOTS["ours" if args.ours else "official"]
    root = getattr(importlib.import_module(module), attr)
    json.dump(collect(root), sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
