"""Downloads behind the signed links the service hands out (``/local/files/{token}``)."""

from __future__ import annotations

import io
import tarfile
from collections.abc import Awaitable, Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from .._errors import ApiError
from ..engine._atomic import reading
from ..service.files import Files
from .bodies import json_response

__all__ = ["download_endpoint"]


def download_endpoint(files: Files) -> Callable[[Request], Awaitable[Response]]:
    async def download(request: Request) -> Response:
        try:
            path, mode, fname = files.verify(request.path_params["token"])
        except ApiError as e:
            return json_response(e.body(), e.status)
        if mode == "tar":

            def build() -> bytes:
                buf = io.BytesIO()
                with reading(path), tarfile.open(fileobj=buf, mode="w:gz") as tar:
                    tar.add(path, arcname=path.name)  # under the read lock: never a mix of two saves
                return buf.getvalue()

            return Response(
                await run_in_threadpool(build),
                media_type="application/gzip",
                headers={"Content-Disposition": f'attachment; filename="{fname}"'},
            )
        if not path.is_file():
            return json_response({"detail": "download: not a file"}, 404)
        return FileResponse(path, filename=fname)

    return download
