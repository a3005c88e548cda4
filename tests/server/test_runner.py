"""Packaging, the CLI and the in-process runner: lazy imports, `python -m tinker_local serve`, clean stops."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time

import httpx
import pytest

from tinker_local import LocalServer, ServerConfig, parse_model_spec


def test_import_is_light():
    code = (
        "import sys, tinker_local\n"
        "bad = [m for m in ('starlette', 'uvicorn', 'tinker', 'jsonschema_rs') if m in sys.modules]\n"
        "assert not bad, bad\n"
        "tinker_local.ServerConfig()\n"
        "assert 'starlette' not in sys.modules\n"
        "tinker_local.create_app\n"
        "assert 'starlette' in sys.modules and 'tinker' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_model_specs():
    assert parse_model_spec("Qwen/Qwen3-8B:vocab=151936,eos=151645+151643,bos=1").eos_token_ids == (
        151645,
        151643,
    )
    for bad in ("x:", "x y", "x:vocab=abc", "x:vocab=10,eos=10", "x:vocab=10,zzz=1"):
        with pytest.raises(ValueError):
            parse_model_spec(bad)
    with pytest.raises(TypeError):
        ServerConfig.from_kwargs(nonsense=1)


def test_local_server_stops_cleanly():
    before = {t.ident for t in threading.enumerate()}
    with LocalServer() as srv:
        url = srv.base_url
        h = {"X-API-Key": "k"}
        sid = httpx.post(url + "/api/v1/create_session", json={"tags": [], "sdk_version": "t"}, headers=h).json()[
            "session_id"
        ]
        fut = httpx.post(
            url + "/api/v1/create_model",
            headers=h,
            json={"session_id": sid, "model_seq_id": 0, "base_model": "tinker-local/tiny-byte"},
        ).json()
        assert httpx.post(url + "/api/v1/retrieve_future", json=fut, headers=h).status_code == 200
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        leaked = [t for t in threading.enumerate() if t.ident not in before and t.is_alive()]
        if not leaked:
            break
        time.sleep(0.05)
    assert not leaked, leaked
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/api/v1/healthz", timeout=2)


def test_cli_serve_prints_url_and_port_file(tmp_path):
    port_file = tmp_path / "url.txt"
    state = tmp_path / "state"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tinker_local",
            "serve",
            "--port",
            "0",
            "--port-file",
            str(port_file),
            "--state-dir",
            str(state),
            "--model",
            "acme/m:vocab=300",
            "--log-level",
            "warning",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("http://127.0.0.1:"), (
            line,
            proc.stderr.read() if proc.poll() is not None else "",
        )
        assert port_file.read_text().strip() == line
        assert httpx.get(line + "/api/v1/healthz").json() == {"status": "ok"}
        caps = httpx.get(line + "/api/v1/get_server_capabilities", headers={"X-API-Key": "k"}).json()
        assert {m["model_name"] for m in caps["supported_models"]} == {"tinker-local/tiny-byte", "acme/m"}
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0
    assert (state / "meta.json").exists()


def test_cli_rejects_bad_arguments():
    r = subprocess.run(
        [sys.executable, "-m", "tinker_local", "serve", "--model", "broken"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert r.returncode == 2 and "vocab" in r.stderr
    from tinker_local._cli import main

    with pytest.raises(SystemExit):
        main(["bogus"])
