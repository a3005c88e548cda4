"""Running the app under uvicorn: in the foreground (``serve``) or in a background thread (``LocalServer``)."""

from __future__ import annotations

import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from ._config import ServerConfig

__all__ = ["LocalServer", "serve"]

log = logging.getLogger("tinker_local")


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP matters: asyncio enables TCP_NODELAY only on sockets created with it; without, every
    # kept-alive response waits for the client's delayed ACK (Nagle), ~40 ms per request.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _url(host: str, port: int) -> str:
    h = f"[{host}]" if ":" in host else host
    return f"http://{h}:{port}"


def _wait_healthy(base_url: str, timeout: float, alive: Callable[[], bool]) -> bool:
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(base_url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and alive():
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
        try:
            conn.request("GET", "/api/v1/healthz")
            if conn.getresponse().status == 200:
                return True
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.02)
    return False


def _uvicorn_server(app: Any, log_level: str) -> Any:
    import contextlib
    import signal

    import uvicorn

    class _Server(uvicorn.Server):
        """uvicorn's server, except that SIGINT/SIGTERM only request a graceful stop: uvicorn would
        re-raise the signal afterwards, killing the process before the state is saved."""

        @contextlib.contextmanager
        def capture_signals(self) -> Any:
            if threading.current_thread() is not threading.main_thread():
                yield
                return
            sigs = (signal.SIGINT, signal.SIGTERM)
            previous = {sig: signal.signal(sig, self.handle_exit) for sig in sigs}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

    # No proxy-header rewriting: nothing reads the client address, and a loopback caller could spoof it.
    cfg = uvicorn.Config(
        app, log_level=log_level, access_log=False, lifespan="on", timeout_graceful_shutdown=5, proxy_headers=False
    )
    return _Server(cfg)


class LocalServer:
    """An in-process local Tinker server on a free loopback port, in a background thread.

    >>> with LocalServer() as srv:          # doctest: +SKIP
    ...     httpx.get(srv.base_url + "/api/v1/healthz")

    ``port=0`` picks a free port; ``state_dir=None`` uses a temporary directory removed on stop;
    ``models`` are extra ``"NAME:vocab=N"`` base models; any other keyword is a
    :class:`~tinker_local.ServerConfig` field. ``stop()`` (or leaving the ``with`` block) shuts the
    server down and joins its threads.
    """

    def __init__(
        self,
        port: int = 0,
        state_dir: str | os.PathLike | None = None,
        models: Any = (),
        *,
        host: str = "127.0.0.1",
        log_level: str = "warning",
        startup_timeout: float = 30.0,
        **config: Any,
    ) -> None:
        self.config = ServerConfig.from_kwargs(
            host=host,
            port=port,
            state_dir=None if state_dir is None else str(state_dir),
            models=tuple(models),
            **config,
        )
        self.log_level = log_level
        self.startup_timeout = startup_timeout
        self.app: Any = None
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None
        self.port: int | None = None

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError("LocalServer is not running")
        return _url(self.config.host, self.port)

    @property
    def service(self) -> Any:
        return self.app.state.service

    def start(self) -> LocalServer:
        if self._thread is not None:
            return self
        from .http import create_app

        self.config.check_exposure()
        self._sock = _bind(self.config.host, self.config.port)
        self.port = self._sock.getsockname()[1]
        self.app = create_app(self.config)
        self._server = _uvicorn_server(self.app, self.log_level)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, name="tinker-local-server", daemon=True
        )
        self._thread.start()
        if not _wait_healthy(self.base_url, self.startup_timeout, self._thread.is_alive):
            self.stop()
            raise RuntimeError(f"the local Tinker server did not become healthy within {self.startup_timeout} s")
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(30)
            self._thread = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if self.app is not None:
            self.app.state.service.close()
        self._server = None

    def __enter__(self) -> LocalServer:  # noqa: PYI034
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(
    config: ServerConfig,
    *,
    port_file: str | os.PathLike | None = None,
    out: TextIO | None = None,
    log_level: str = "info",
) -> int:
    """Run the server in the foreground until interrupted; prints the base URL once healthy."""
    from .http import create_app

    out = out or sys.stdout
    config.check_exposure()
    try:
        sock = _bind(config.host, config.port)
    except OSError as e:
        print(f"tinker local serve: cannot listen on {config.host}:{config.port}: {e}", file=sys.stderr)
        return 2
    port = sock.getsockname()[1]
    base = _url(config.host, port)
    app = create_app(config)
    server = _uvicorn_server(app, log_level)

    def announce() -> None:
        if _wait_healthy(base, 60.0, lambda: not server.should_exit):
            if port_file is not None:
                p = Path(port_file)
                tmp = p.with_name(p.name + ".tmp")
                tmp.write_text(base + "\n", encoding="utf-8")
                tmp.replace(p)
            print(base, file=out, flush=True)

    threading.Thread(target=announce, name="tinker-local-announce", daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        app.state.service.close()
    return 0
