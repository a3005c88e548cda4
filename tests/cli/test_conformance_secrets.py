"""``tinker conformance``'s contract fuzzing keeps the API key to itself: not on the fuzzer's command line (other
local users can list it) and not in the failures it reports (the fuzzer's reproduction commands carry headers)."""

from __future__ import annotations

import json
import subprocess
from typing import Any, ClassVar

import pytest

from tinker_cli import main
from tinker_local import LocalServer

pytest.importorskip("schemathesis")

KEY = "tml-conformance-SECRET-q8w7"


class FailsListSessions:
    """The local server, except that listing sessions is a server error (a contract failure to report)."""

    keys_seen: ClassVar[set[bytes]] = set()  # the X-API-Key values the fuzzer's own requests carried

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        headers = dict(scope.get("headers", []))
        if headers.get(b"user-agent", b"").startswith(b"schemathesis") and b"x-api-key" in headers:
            self.keys_seen.add(headers[b"x-api-key"])
        if scope["type"] == "http" and scope["path"] == "/api/v1/sessions" and scope["method"] == "GET":
            await send({"type": "http.response.start", "status": 500, "headers": [(b"content-type", b"text/plain")]})
            await send({"type": "http.response.body", "body": b"broken"})
            return
        await self.app(scope, receive, send)


@pytest.mark.timeout(240)
def test_the_key_stays_off_the_fuzzers_command_line_and_out_of_its_report(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tinker_local import http

    build = http.create_app

    def broken_app(*args: Any, **kwargs: Any) -> Any:
        app = build(*args, **kwargs)
        app.add_middleware(FailsListSessions)
        return app

    monkeypatch.setattr(http, "create_app", broken_app)
    commands: list[list[str]] = []
    real_run = subprocess.run

    def run(cmd: list[str], *args: Any, **kwargs: Any) -> Any:
        commands.append(list(cmd))
        return real_run(cmd, *args, **kwargs)

    monkeypatch.setattr(subprocess, "run", run)
    with LocalServer(api_keys=(KEY,)) as srv:
        capsys.readouterr()
        code = main(["conformance", srv.base_url, "--api-key", KEY, "--json", "--only", "contract"])
    out, err = capsys.readouterr()
    (fuzz,) = [c for c in json.loads(out)["checks"] if c["name"] == "contract.fuzz"]
    assert code == 1 and fuzz["status"] == "fail", fuzz  # the failure was found and reported
    assert "/api/v1/sessions" in fuzz["evidence"], fuzz
    assert commands and not any(KEY in " ".join(cmd) for cmd in commands)
    assert KEY not in out and KEY not in err
    assert KEY.encode() in FailsListSessions.keys_seen  # the fuzzer still sent it, from the environment
