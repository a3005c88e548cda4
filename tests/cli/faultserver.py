"""A small HTTP file server for download tests: Range/If-Range like a real one, plus faults on demand
(cut the connection mid-body, ignore Range, change the file, answer an error status)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Faults:
    path: Path
    etag: str = '"v1"'
    cut_after: list[int] = field(default_factory=list)  # per response, in order: close after this many body bytes
    ignore_range: bool = False
    statuses: list[int] = field(default_factory=list)  # answer these first, one per request
    requests: list[dict[str, str]] = field(default_factory=list)


def _handler(faults: Faults) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            faults.requests.append({k.lower(): v for k, v in self.headers.items()})
            if faults.statuses:
                self.send_error(faults.statuses.pop(0))
                return
            size = faults.path.stat().st_size
            start = 0
            m = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range", ""))
            if_range = self.headers.get("If-Range")
            if m and not faults.ignore_range and (if_range is None or if_range == faults.etag):
                start = int(m.group(1))
                if start >= size:
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{size}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{size - 1}/{size}")
            else:
                self.send_response(200)
            self.send_header("Content-Length", str(size - start))
            self.send_header("ETag", faults.etag)
            self.end_headers()
            budget = faults.cut_after.pop(0) if faults.cut_after else None
            with faults.path.open("rb") as f:
                f.seek(start)
                sent = 0
                while chunk := f.read(64 * 1024):
                    if budget is not None and sent + len(chunk) > budget:
                        self.wfile.write(chunk[: budget - sent])
                        self.wfile.flush()
                        self.close_connection = True
                        return  # the body stops short of Content-Length: the client sees a broken transfer
                    self.wfile.write(chunk)
                    sent += len(chunk)

    return Handler


@contextmanager
def fault_server(faults: Faults) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(faults))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/file"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
