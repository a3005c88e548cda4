"""Our command tree offers every command and option of the official 0.38 CLI (tests/data/official_cli.json,
written by tools/official_cli.py with the official package), with the same option spellings and kinds."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
OFFICIAL: dict[str, Any] = json.loads((ROOT / "tests" / "data" / "official_cli.json").read_text())["commands"]
# Official commands we do not provide, with the reason. This list must only shrink.
NOT_PROVIDED = {
    "checkpoint push-hf": "uploads to the Hugging Face Hub; needs huggingface_hub and the Hub, not a Tinker server",
}


def _tool() -> Any:
    spec = importlib.util.spec_from_file_location("official_cli", ROOT / "tools" / "official_cli.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("official_cli", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def ours() -> dict[str, Any]:
    from tinker_cli._app import cli

    commands: dict[str, Any] = _tool().collect(cli)["commands"]
    return commands


def _key(param: dict[str, Any]) -> tuple[str, ...]:
    return tuple(param["opts"]) if param["kind"] == "option" else (param["kind"], str(param["nargs"]))


OFFICIAL_COMMANDS = [c for c in OFFICIAL if c not in NOT_PROVIDED]


def test_manifest_is_the_official_tree() -> None:
    # A sanity check of the data file: the groups issue 15 lists, and push-hf, are in it.
    for path in ("auth status", "billing usage", "session export-trace", "run info", "checkpoint delete"):
        assert path in OFFICIAL
    assert set(NOT_PROVIDED) <= set(OFFICIAL)


@pytest.mark.parametrize("path", OFFICIAL_COMMANDS, ids=lambda p: p or "tinker")
def test_every_official_command_and_option(ours: dict[str, Any], path: str) -> None:
    assert path in ours, f"`tinker {path}` is missing"
    official, mine = OFFICIAL[path], ours[path]
    assert mine["group"] == official["group"]
    assert set(official["help_options"]) <= set(mine["help_options"]), "-h and --help must both show help"
    mine_params = {_key(p): p for p in mine["params"]}
    for param in official["params"]:
        got = mine_params.get(_key(param))
        assert got is not None, f"`tinker {path}`: {param['kind']} {_key(param)} is missing"
        for fact in ("kind", "is_flag", "multiple", "nargs", "required", "choices", "secondary_opts"):
            assert got.get(fact) == param.get(fact), f"`tinker {path}` {_key(param)}: {fact} differs"
        if param["type"] in ("integer", "choice", "path"):
            assert got["type"] == param["type"], f"`tinker {path}` {_key(param)}: takes a {param['type']}"
        if param["kind"] == "option" and param["default"] is not None:
            assert got["default"] == param["default"], f"`tinker {path}` {_key(param)}: default differs"
    official_args = [p for p in official["params"] if p["kind"] == "argument"]
    mine_args = [p for p in mine["params"] if p["kind"] == "argument"]
    assert [(a["nargs"], a["required"]) for a in mine_args] == [(a["nargs"], a["required"]) for a in official_args]


def test_extensions_are_only_additions(ours: dict[str, Any]) -> None:
    # What we add beyond the official tree (documented in docs/cli.md); an addition never replaces anything.
    extra = sorted(set(ours) - set(OFFICIAL))
    assert extra == ["conformance", "local", "session info", "session list"]


def test_every_command_has_its_own_help(ours: dict[str, Any]) -> None:
    from click import Group

    from tinker_cli._app import cli

    def walk(command: Any, path: str) -> None:
        assert (command.help or "").strip(), f"`tinker {path}` has no help text"
        if isinstance(command, Group):
            for name in command.list_commands(None):  # type: ignore[arg-type]
                walk(command.get_command(None, name), f"{path} {name}".strip())  # type: ignore[arg-type]

    walk(cli, "")
