"""age encryption of exported weights (``save_weights_external`` with ``age_encryption_recipients``).

Every file of the export is encrypted to all recipients with real age (the ``pyrage`` bindings, the same
library tinker-cookbook decrypts with) and stored under its name plus ``.age``; no plaintext file is left in
the export. Recipients are age X25519 public keys (``age1...``) or SSH public keys (``ssh-ed25519 ...``,
``ssh-rsa ...``). ``pyrage`` is an optional dependency of the server (extra ``local``), imported only
when an encrypted export is asked for.
"""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path
from types import ModuleType
from typing import Any

from .._errors import ApiError, bad_request

__all__ = ["AGE_SUFFIX", "encrypt_tree", "encrypted_fill", "parse_recipients", "refuse_encrypted"]

AGE_SUFFIX = ".age"
_FIELD = "age_encryption_recipients"


def _pyrage() -> ModuleType:
    try:
        return importlib.import_module("pyrage")
    except ImportError:
        raise ApiError(
            501,
            f"{_FIELD}: this server cannot encrypt exports: the 'pyrage' package is not installed; "
            "install the server's dependencies with pip install 'tinker-oss[local]' (or pip install pyrage)",
            category="server",
        ) from None


def parse_recipients(values: Any) -> list[Any]:
    """pyrage recipients for the request's keys; a 400 names the first bad entry and what was expected."""
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise bad_request(f"{_FIELD}: expected a list of public keys (strings)")
    pyrage = _pyrage()
    out = []
    for i, key in enumerate(values):
        key = key.strip()
        if any(secret in key.upper() for secret in ("SECRET-KEY", "PRIVATE KEY")):  # never echoed back
            raise bad_request(
                f"{_FIELD}[{i}]: this is a secret key (an age identity or a private key), not a recipient: pass "
                "its public key instead (`age-keygen -y` prints it)"
            )
        shown = key if len(key) <= 80 else key[:77] + "..."
        if key.startswith("age1"):
            kind, parse = "an age X25519 public key", pyrage.x25519.Recipient.from_str
        elif key.startswith("ssh-"):
            kind, parse = "an SSH public key", pyrage.ssh.Recipient.from_str
        else:
            raise bad_request(
                f"{_FIELD}[{i}]: expected an age X25519 public key (age1...) or an SSH public key "
                f"(ssh-ed25519 ... / ssh-rsa ...), got {shown!r}"
            )
        try:
            out.append(parse(key))
        except pyrage.RecipientError as e:
            raise bad_request(f"{_FIELD}[{i}]: {shown!r} is not {kind}: {e}") from None
    return out


def encrypt_tree(src: Path, dst: Path, recipients: list[Any]) -> None:
    """Write every file under ``src`` to ``dst`` (same relative path plus ``.age``), age-encrypted."""
    pyrage = _pyrage()
    for f in sorted(p for p in src.rglob("*") if p.is_file()):
        out = dst / f.relative_to(src)
        out.parent.mkdir(parents=True, exist_ok=True)
        pyrage.encrypt_file(str(f), str(out) + AGE_SUFFIX, recipients)


def encrypted_fill(write_plain: Any, recipients: list[Any]) -> Any:
    """A ``write_dir_atomically`` filler: ``write_plain(dir)`` writes the plaintext export into a scratch
    subdirectory of the new directory, which is encrypted next to it and removed before the directory is
    renamed into place (an interrupted save leaves only the temporary directory, removed at startup)."""

    def fill(tmp: Path) -> None:
        plain = tmp / ".plain"
        write_plain(plain)
        try:
            encrypt_tree(plain, tmp, recipients)
        finally:
            shutil.rmtree(plain, ignore_errors=True)

    return fill


def refuse_encrypted(path: Path, tinker_path: str, field: str) -> None:
    """A 400 for reading an export written by :func:`encrypt_tree`: the server holds no key to read it."""
    if path.is_dir() and any(p.name.endswith(AGE_SUFFIX) for p in path.iterdir()):
        raise bad_request(
            f"{field}: {tinker_path} is an age-encrypted export; the server cannot read it (only the holders of "
            "the recipients' keys can). Load or sample from the training checkpoint it was exported from"
        )
