"""Credentials in odd shapes and odd places: a key that cannot be a header value, a password in the base URL.
Neither may show up in an exception (its text, its chain, its traceback) or a repr."""

from __future__ import annotations

import json
import time
import traceback
from pathlib import Path

import pytest

import tinker
from tinker._config import ClientSettings

SECRET = "tml-leak-SECRET-4k2j9"


def _everything(exc: BaseException) -> str:
    """The exception as a person or a log handler sees it: the formatted traceback with its whole chain."""
    return "".join(traceback.format_exception(exc)) + repr(exc)


@pytest.mark.parametrize("bad", ["\r", "\n", "\nX-Injected: 1", "\x00", "\u00e9"])
@pytest.mark.parametrize("source", ["argument", "env", "file"])
def test_a_key_that_is_no_header_value_fails_at_once_without_quoting_it(
    bad: str, source: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A key read from a file with Windows line endings keeps its "\r"; the HTTP stack then refused it with an
    # error quoting the whole key, and the SDK retried that "connection error" for its whole retry budget.
    key = SECRET + bad + "tail"
    kwargs: dict[str, str] = {}
    if source == "argument":
        kwargs["api_key"] = key
    elif source == "env":
        if bad == "\x00":
            pytest.skip("an environment variable cannot hold a NUL")
        monkeypatch.setenv("TINKER_API_KEY", key)
    else:
        monkeypatch.setenv("HOME", str(tmp_path))
        (tmp_path / ".tinker").mkdir()
        (tmp_path / ".tinker" / "credentials.json").write_text(
            json.dumps({"default": "k", "keys": {"k": {"key": key}}})
        )
    started = time.monotonic()
    with pytest.raises(tinker.TinkerError) as info:
        tinker.RestClient(base_url="http://127.0.0.1:9", **kwargs).list_sessions().result(timeout=10)
    assert time.monotonic() - started < 5
    assert "header" in str(info.value)
    assert SECRET not in _everything(info.value)


def test_a_provider_key_that_is_no_header_value_is_refused() -> None:
    with pytest.raises(tinker.TinkerError) as info:
        ClientSettings.resolve(base_url="http://127.0.0.1:9", api_key=lambda: SECRET + "\nX-Injected: 1")
    assert "credential provider" in str(info.value)
    assert SECRET not in _everything(info.value)


PASSWORD = "pw-SECRET-8d1x"


@pytest.mark.parametrize("backend", ["pyqwest", "httpx"])
def test_a_password_in_the_base_url_stays_out_of_errors_and_reprs(
    backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # reqwest quotes the whole URL, user:password@ included, in its connection errors.
    monkeypatch.setenv("TINKER_HTTP_BACKEND", backend)
    url = f"http://gateway:{PASSWORD}@127.0.0.1:9"
    retry = tinker.RetryConfig(max_attempts=1)
    service = tinker.ServiceClient(base_url=url, api_key=SECRET, retry_config=retry)
    try:
        with pytest.raises(tinker.APIConnectionError) as info:
            service.get_server_capabilities()
        exc = info.value
        shown = [repr(service), repr(service.holder.transport), repr(service._settings), _everything(exc)]
        shown.append(repr(tinker.RestClient(base_url=url, api_key=SECRET)))
        for text in shown:
            assert PASSWORD not in text.replace(f"base_url={url!r}", ""), text  # (the test's own source line)
        assert "<redacted>@127.0.0.1:9" in repr(service)
    finally:
        service.close().result(timeout=30)


def test_the_circuit_open_error_and_alert_do_not_show_the_password() -> None:
    alerts: list[dict[str, object]] = []
    unsubscribe = tinker.on("circuit_open", alerts.append)
    retry = tinker.RetryConfig(max_attempts=1, circuit_breaker=tinker.CircuitBreakerConfig(failure_threshold=1))
    url = f"http://gateway:{PASSWORD}@127.0.0.1:9"
    service = tinker.ServiceClient(base_url=url, api_key=SECRET, retry_config=retry)
    try:
        for _ in range(2):
            with pytest.raises(tinker.APIConnectionError) as info:
                service.get_server_capabilities()
        assert "Circuit open" in str(info.value)
        assert PASSWORD not in str(info.value) and PASSWORD not in repr(alerts), (info.value, alerts)
        assert alerts
    finally:
        unsubscribe()
        service.close().result(timeout=30)


@pytest.mark.parametrize("where", ["argument", "env"])
@pytest.mark.parametrize("url", ["http://localhost:8000/?api_key=tml-SECRET", "https://host/prefix#tml-SECRET"])
def test_a_base_url_with_a_query_or_fragment_is_refused_without_echoing_it(
    monkeypatch: pytest.MonkeyPatch, where: str, url: str
) -> None:
    # request paths would be appended after the query (".../?api_key=...api/v1/..."), and it may hold a key
    monkeypatch.setenv("TINKER_API_KEY", "tml-fine")
    if where == "env":
        monkeypatch.setenv("TINKER_BASE_URL", url)
    with pytest.raises(ValueError, match="query string or fragment") as info:
        tinker.ServiceClient(base_url=url if where == "argument" else None)
    assert "SECRET" not in str(info.value)
    assert str(info.value).startswith("base_url" if where == "argument" else "TINKER_BASE_URL")


def test_a_base_url_of_another_scheme_is_refused_without_its_password() -> None:
    with pytest.raises(ValueError, match="must start with http") as info:
        tinker.ServiceClient(base_url="ftp://user:tml-SECRET@host", api_key="tml-fine")
    assert "SECRET" not in str(info.value) and "ftp://<redacted>@host" in str(info.value)
