"""Secret rotation: ``TINKER_CREDENTIAL_CMD`` runs again on 401 (once, then a clear failure) and on an interval;
a callable ``api_key`` is a credential provider."""

from __future__ import annotations

import shlex
import time
from pathlib import Path
from typing import Any

import pytest

import tinker
from tests.helpers import local_server_fixture

from .conftest import Recording

OLD, NEW, NEWER = "tml-rotate-OLD-k1", "tml-rotate-NEW-k2", "tml-rotate-NEWER-k3"

keyed = local_server_fixture(scope="module", name="keyed", api_keys=(NEW, NEWER))


@pytest.fixture()
def command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """TINKER_CREDENTIAL_CMD printing the key file's contents and counting its runs; starts with OLD."""
    key_file, runs = tmp_path / "key", tmp_path / "runs"
    key_file.write_text(OLD)
    monkeypatch.setenv(
        "TINKER_CREDENTIAL_CMD", f"echo run >> {shlex.quote(str(runs))}; cat {shlex.quote(str(key_file))}"
    )
    return key_file, runs


def _runs(runs: Path) -> int:
    return len(runs.read_text().splitlines()) if runs.exists() else 0


def test_a_401_runs_the_command_again_and_resends_once(keyed: Any, command: tuple[Path, Path]) -> None:
    key_file, runs = command
    rotated: list[dict[str, Any]] = []
    tinker.on("credential_rotated", rotated.append)
    with tinker.ServiceClient(base_url=keyed.base_url) as service:  # its own holder, not a shared one
        rest = service.create_rest_client()
        assert _runs(runs) == 1
        key_file.write_text(NEW)  # the key was rotated behind the client's back
        rest.list_sessions().result()
        assert _runs(runs) == 2
        rest.list_sessions().result()
        assert _runs(runs) == 2  # the new key is kept
        assert str(rest.holder.settings.credential.value) == NEW
    (event,) = rotated
    assert (event["source"], event["reason"]) == ("TINKER_CREDENTIAL_CMD", "HTTP 401")


def test_a_new_key_refused_too_fails_clearly(keyed: Any, command: tuple[Path, Path]) -> None:
    key_file, runs = command
    recorder = Recording()
    with tinker.ServiceClient(base_url=keyed.base_url, _http_transport=recorder) as service:
        key_file.write_text("tml-rotate-STILL-BAD")
        with pytest.raises(tinker.AuthenticationError) as info:
            service.create_rest_client().list_sessions().result()
    assert _runs(runs) == 2  # one more run, one re-send, then the error
    sent = [r.headers["x-api-key"] for r in recorder.requests if r.url.path == "/api/v1/sessions"]
    assert sent == [OLD, "tml-rotate-STILL-BAD"]
    message = str(info.value)
    assert "Error code: 401" in message and "[operation list_sessions, request id " in message
    assert "from TINKER_CREDENTIAL_CMD" in message
    assert OLD not in message and "STILL-BAD" not in message


def test_the_same_key_again_is_not_resent(keyed: Any, command: tuple[Path, Path]) -> None:
    _key_file, runs = command
    recorder = Recording()
    with (
        tinker.ServiceClient(base_url=keyed.base_url, _http_transport=recorder) as service,
        pytest.raises(tinker.AuthenticationError),
    ):
        service.create_rest_client().list_sessions().result()
    assert _runs(runs) == 2
    assert [r.url.path for r in recorder.requests].count("/api/v1/sessions") == 1


def test_a_provider_is_asked_again_on_its_interval(keyed: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TINKER_CREDENTIAL_REFRESH_SECONDS", "0.2")
    keys = iter([NEW, NEWER])
    asked: list[str] = []

    def provider() -> str:
        asked.append(key := next(keys))
        return key

    recorder = Recording()
    with tinker.ServiceClient(base_url=keyed.base_url, api_key=provider, _http_transport=recorder) as service:
        rest = service.create_rest_client()
        rest.list_sessions().result()
        time.sleep(0.25)
        rest.list_sessions().result()
    assert asked == [NEW, NEWER]
    sent = [r.headers["x-api-key"] for r in recorder.requests if r.url.path == "/api/v1/sessions"]
    assert sent == [NEW, NEWER]


def test_a_static_key_is_not_renewed_and_the_error_names_its_source(keyed: Any) -> None:
    with pytest.raises(tinker.AuthenticationError) as info:
        tinker.RestClient(base_url=keyed.base_url, api_key=OLD).list_sessions().result()
    assert "The API key (from the api_key argument) was not accepted" in str(info.value)
    assert OLD not in str(info.value) and OLD not in repr(info.value)
