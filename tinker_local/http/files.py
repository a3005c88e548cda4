"""Downloads behind the signed links the service hands out (``/local/files/{token}``).

Every download supports HTTP ``Range`` (and ``If-Range``), so clients resume an interrupted transfer. A
checkpoint directory is sent as a tar.gz built once per content into ``exports/archives`` (byte-identical
for the same files: sorted members, no gzip name or timestamp) with an ETag derived from that content, so a resumed
request gets the rest of the same bytes, and a checkpoint overwritten in between gets a fresh archive.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import secrets
import tarfile
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from .._errors import ApiError
from ..engine._atomic import reading
from ..service.files import Files
from .bodies import json_response

__all__ = ["download_endpoint"]

_BUILD_LOCK = threading.Lock()


def _content_id(path: Path) -> str:
    """Digest of what an archive of directory ``path`` holds: its location and each file's name, size, mtime."""
    digest = hashlib.sha256(str(path).encode())
    for p in sorted(path.rglob("*")):
        st = p.stat()
        digest.update(f"{p.relative_to(path)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:32]


def _sweep(cache: Path, max_idle_s: float) -> None:
    """Drop archives unused for longer than a link lives (a later request rebuilds the same bytes)."""
    cutoff = time.time() - max_idle_s
    for p in cache.iterdir():
        try:
            if p.stat().st_mtime < cutoff:
                p.unlink()
        except FileNotFoundError:
            pass  # removed by a concurrent sweep


def _archive(files: Files, path: Path) -> tuple[Path, str]:
    """The cached tar.gz of checkpoint directory ``path`` (built if missing) and its ETag."""
    cache = files.state.store.exports_dir / "archives"
    cache.mkdir(parents=True, exist_ok=True)
    _sweep(cache, files.state.config.signed_url_ttl_s)
    # One build at a time: a client that timed out and retried waits for the build in progress instead of
    # starting a second one.
    with _BUILD_LOCK, reading(path):  # under the read lock: never a mix of two saves
        content_id = _content_id(path)
        target = cache / f"{content_id}.tar.gz"
        if target.exists():
            os.utime(target)  # in use: keep it from the sweep
        else:
            tmp = cache / f".{content_id}.{secrets.token_hex(4)}.tmp"
            try:
                with (
                    tmp.open("wb") as raw,
                    # No name, no time: the same bytes on every build. Level 1: weights barely compress, and level 9
                    # took two minutes for a 368 MB checkpoint (level 1: 9 s, 3% larger).
                    gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0, compresslevel=1) as gz,
                    tarfile.open(fileobj=gz, mode="w") as tar,
                ):
                    tar.add(path, arcname=path.name)
                tmp.replace(target)
            finally:
                tmp.unlink(missing_ok=True)
    return target, f'"{content_id}"'


def download_endpoint(files: Files) -> Callable[[Request], Awaitable[Response]]:
    async def download(request: Request) -> Response:
        try:
            path, mode, fname = files.verify(request.path_params["token"])
        except ApiError as e:
            return json_response(e.body(), e.status)
        if mode == "tar":
            try:
                archive, etag = await run_in_threadpool(_archive, files, path)
            except FileNotFoundError:  # deleted (or expired) since the link was checked
                return json_response({"detail": "download: the file no longer exists"}, 404)
            # FileResponse answers Range and If-Range itself; our ETag names the content, not the cache file.
            return FileResponse(archive, media_type="application/gzip", filename=fname, headers={"etag": etag})
        if not path.is_file():
            return json_response({"detail": "download: not a file"}, 404)
        return FileResponse(path, filename=fname)

    return download
