"""An in-process local Tinker server for tests, which can be stopped and restarted on the same port and state.

The one module of the facade that imports the local server (``tinker_local``), and only when a server is
built: the test toolkit serves users' tests; the SDK itself never depends on the server.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Self

__all__ = ["TinkerServer"]


class TinkerServer:
    """A ``tinker_local.LocalServer`` on a free loopback port, in a background thread.

    ``models``: extra served base models (``"NAME:vocab=N"``, e.g. ``"Qwen/Qwen3-8B:vocab=151936"``; the
    built-in ``tinker-local/tiny-byte`` is always served). ``state_dir``: where checkpoints and runs persist
    (default: a temporary directory removed by :meth:`close`). Any other keyword is a
    ``tinker_local.ServerConfig`` field (e.g. ``retrieve_timeout_s``, ``api_keys``). Unlike ``tinker local
    serve``, results are always polled with ``retrieve_future`` (``inline_results=False``), as from the hosted
    service, so faults injected on polls reach sampling too; pass ``inline_results=True`` for the faster path.

    :meth:`restart` stops the server and starts a new one on the same port and state directory: live models
    and futures are gone (as after a crash), checkpoints and runs remain.
    """

    def __init__(
        self, *, models: Iterable[str] = (), state_dir: str | os.PathLike[str] | None = None, **config: Any
    ) -> None:
        from tinker_local import ServerConfig

        # Checked now, so a wrong option names itself before anything starts.
        config.setdefault("inline_results", False)
        ServerConfig.from_kwargs(models=tuple(models), **config)
        self.models = tuple(models)
        self.config = config
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if state_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="tinker-state-")
            state_dir = self._tmp.name
        self.state_dir = Path(state_dir)
        self.port = 0  # chosen by the first start, kept by restarts
        self.restarts = 0
        self._server: Any = None
        self._closed = False
        # One lifecycle change at a time: a restart a fault proxy runs in its thread ends before close() does.
        self._lock = threading.RLock()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def base_url(self) -> str:
        if self.port == 0:
            raise RuntimeError("TinkerServer was never started: call start() or use it as a context manager")
        return f"http://127.0.0.1:{self.port}"

    @property
    def local_server(self) -> Any:
        """The running ``tinker_local.LocalServer`` (its ``service`` holds the server's state)."""
        if self._server is None:
            raise RuntimeError("TinkerServer is stopped")
        return self._server

    def start(self) -> Self:
        from tinker_local import LocalServer

        with self._lock:
            if self._closed:
                raise RuntimeError("TinkerServer is closed (its state directory may be gone): build a new one")
            if self._server is None:
                self._server = LocalServer(
                    port=self.port, state_dir=self.state_dir, models=self.models, **self.config
                ).start()
                self.port = self._server.port
        return self

    def stop(self) -> None:
        with self._lock:
            server, self._server = self._server, None
            if server is not None:
                server.stop()

    def restart(self) -> None:
        with self._lock:
            if self._closed:  # a restart that lost the race with close(): nothing to bring back
                return
            self.stop()
            self.start()
            self.restarts += 1

    def close(self) -> None:
        """Stop for good, and remove the temporary state directory if this server made one."""
        with self._lock:
            self._closed = True
            self.stop()
        if self._tmp is not None:
            self._tmp.cleanup()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<TinkerServer {state} port={self.port} state_dir={str(self.state_dir)!r} models={list(self.models)}>"
