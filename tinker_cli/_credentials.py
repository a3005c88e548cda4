"""The credentials file ``~/.tinker/credentials.json`` (the official SDK's format, version 1), for login/logout.

``{"version": 1, "default": ID, "keys": {ID: {"type": "manual", "key": ..., "name": ...}}}``; the SDK reads
the default key from it when no other credential is configured. Written atomically, owner-only.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from ._errors import CliError

__all__ = ["credentials_path", "load", "save"]


def credentials_path() -> Path:
    return Path.home() / ".tinker" / "credentials.json"


def load() -> dict[str, Any]:
    path = credentials_path()
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return {"version": 1, "default": None, "keys": {}}
    except (OSError, ValueError) as exc:
        raise CliError(f"Cannot read {path}: {exc}", "Fix or remove the file, then try again.") from None
    if not isinstance(data, dict) or not isinstance(data.get("keys", {}), dict):
        raise CliError(f"{path} is not a Tinker credentials file", "Fix or remove the file, then try again.")
    data.setdefault("keys", {})
    data.setdefault("version", 1)
    return data


def save(data: dict[str, Any]) -> None:
    path = credentials_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        # mkstemp creates the file 0600: the key is never readable by others, not even briefly.
        with os.fdopen(fd, "w") as out:
            out.write(json.dumps({k: v for k, v in data.items() if v is not None}, indent=2))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
