"""Credentials: auth status/whoami/login/logout, wrong keys, no key, an unreachable server; keys never printed."""

from __future__ import annotations

import json
import os
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tinker_local import LocalServer

from .conftest import KEY, Result

CLI = Callable[..., Result]
WRONG = "tml-wrong-key-0123456789"


@pytest.fixture(scope="module")
def keyed() -> Iterator[LocalServer]:
    """A server that accepts only KEY (other keys get 401)."""
    with LocalServer(api_keys=(KEY,)) as server:
        yield server


def _no_secret(result: Result, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in result.out and secret not in result.err


def test_wrong_key_is_an_authentication_error(cli: CLI, keyed: LocalServer) -> None:
    result = cli("run", "list", url=keyed.base_url, key=WRONG)
    assert result.code == 1 and result.err.startswith("Error: Authentication failed")
    assert "TINKER_API_KEY" in result.err  # says what to fix
    _no_secret(result, WRONG)


def test_no_credential(cli: CLI, keyed: LocalServer) -> None:
    result = cli("checkpoint", "list", url=keyed.base_url, key=None)
    assert result.code == 1 and "No Tinker credential" in result.err and "tinker auth login" in result.err


def test_unreachable_server_fails_fast(cli: CLI) -> None:
    start = time.monotonic()
    result = cli("run", "list", url="http://127.0.0.1:9", key=KEY)
    assert result.code == 1 and "Cannot reach the Tinker server at http://127.0.0.1:9" in result.err
    assert time.monotonic() - start < 30  # a few quick attempts, not the SDK's 300 s training budget
    _no_secret(result, KEY)


def test_a_password_in_the_url_or_a_broken_key_is_never_printed(cli: CLI, keyed: LocalServer) -> None:
    password = "pw-cli-SECRET-51"
    result = cli("run", "list", url=f"http://gateway:{password}@127.0.0.1:9", key=KEY)
    assert result.code == 1 and "Cannot reach the Tinker server at http://<redacted>@127.0.0.1:9" in result.err
    _no_secret(result, password, KEY)
    start = time.monotonic()
    broken = cli("run", "list", url=keyed.base_url, key=KEY + "\r")  # a key file with Windows line endings
    assert broken.code == 1 and "TINKER_API_KEY" in broken.err and time.monotonic() - start < 10
    assert broken.err.startswith("Error: Unusable Tinker credential")  # it is there, but cannot be sent
    _no_secret(broken, KEY)


def test_status(cli: CLI, keyed: LocalServer) -> None:
    ok = cli("auth", "status", url=keyed.base_url)
    assert ok.code == 0 and ok.out == "Credentials available: yes\nTinker accessible: yes\n"
    refused = cli("auth", "status", url=keyed.base_url, key=WRONG)
    assert refused.code == 1 and "Tinker accessible: no" in refused.out and "Authentication failed" in refused.err
    _no_secret(refused, WRONG)
    none = cli("auth", "status", url=keyed.base_url, key=None)
    assert none.code == 1 and none.out == "Credentials available: no\n"


def test_whoami(cli: CLI, keyed: LocalServer) -> None:
    result = cli("-f", "json", "auth", "whoami", url=keyed.base_url)
    if result.code == 0:
        assert set(result.json()) == {"user_urn", "email", "org_urn"}
    else:  # a server that hands out no identity for plain keys: a clear message, not a traceback
        assert "does not say who it belongs to" in result.err
    _no_secret(result, KEY)


def test_login_stores_the_key_and_logout_removes_it(cli: CLI, keyed: LocalServer, tmp_path: Path) -> None:
    creds = tmp_path / "home" / ".tinker" / "credentials.json"
    refused = cli("auth", "login", url=keyed.base_url, key=None, stdin=WRONG + "\n")
    assert refused.code == 1 and "refused this API key" in refused.err and not creds.exists()
    _no_secret(refused, WRONG)

    login = cli("auth", "login", url=keyed.base_url, key=None, stdin=KEY + "\n")
    assert login.code == 0, login.err
    _no_secret(login, KEY)
    assert stat.S_IMODE(os.stat(creds).st_mode) == 0o600
    stored = json.loads(creds.read_text())
    assert stored["keys"][stored["default"]]["key"] == KEY and stored["keys"][stored["default"]]["type"] == "manual"
    # The SDK (and so every command) now uses the stored key without TINKER_API_KEY.
    assert cli("run", "list", url=keyed.base_url, key=None).code == 0

    again = cli("auth", "login", url=keyed.base_url, key=None, stdin=KEY + "\n")
    assert again.code == 1 and "Already logged in" in again.err
    logout = cli("auth", "logout", url=keyed.base_url, key=None)
    assert logout.code == 0 and "still active" in logout.out
    assert json.loads(creds.read_text())["keys"] == {}
    assert cli("run", "list", url=keyed.base_url, key=None).code == 1
    nothing = cli("auth", "logout", url=keyed.base_url, key=None)
    assert nothing.code == 1 and "No default credential" in nothing.err


def test_login_refuses_an_empty_key(cli: CLI, keyed: LocalServer) -> None:
    result = cli("auth", "login", url=keyed.base_url, key=None, stdin="   \n")
    assert result.code == 1 and "must not be empty" in result.err
