"""Streamed, resumable downloads of signed links: constant memory, size-checked, with a progress bar.

A file is written to ``<name>.part`` and renamed into place only once its size matches what the server
announced. An interrupted transfer (lost connection, short body, Ctrl-C) leaves the ``.part`` file and the
server's validator (ETag or Last-Modified) in ``<name>.part.validator``; the next attempt, in this process
or a later run, asks for the rest with ``Range`` + ``If-Range``, so a changed file is fetched anew, never
spliced. This is the one place the CLI speaks HTTP itself: the SDK's REST client returns these links.
"""

from __future__ import annotations

import logging
import re
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ._errors import CliError

if TYPE_CHECKING:
    import httpx
    from rich.progress import Progress, TaskID

__all__ = ["fetch_file"]

ATTEMPTS = 6
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
# A signed link that stopped working (expired, or the server restarted with new keys) is signed again.
RESIGN_STATUSES = frozenset({401, 403, 404, 410})
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")


class _Retry(Exception):
    """This attempt failed in a way another attempt may fix."""


def _host(url: str) -> str:
    # Signed links are bearer capabilities: errors name the host, never the token in the path.
    return urllib.parse.urlsplit(url).netloc or "the server"


class _LinksByHost(logging.Filter):
    """httpx names every request's URL in its log (on with TINKER_LOG=info/debug): show the host only."""

    def filter(self, record: logging.LogRecord) -> bool:
        import httpx  # imported already: the filter is on only while fetch_file runs

        if isinstance(record.args, tuple):
            record.args = tuple(
                f"{_host(str(a))}/<signed link>" if isinstance(a, httpx.URL) else a for a in record.args
            )
        return True


class _Part:
    """``<name>.part`` and its validator file."""

    def __init__(self, dest: Path) -> None:
        self.dest = dest
        self.path = dest.with_name(dest.name + ".part")
        self.validator_path = dest.with_name(dest.name + ".part.validator")

    def size(self) -> int:
        return self.path.stat().st_size if self.path.exists() else 0

    def validator(self) -> str | None:
        try:
            return self.validator_path.read_text().strip() or None
        except FileNotFoundError:
            return None

    def start(self, validator: str | None) -> None:
        """Begin again from byte 0."""
        self.path.write_bytes(b"")
        if validator:
            self.validator_path.write_text(validator)
        else:
            self.validator_path.unlink(missing_ok=True)

    def finish(self) -> None:
        self.path.replace(self.dest)
        self.validator_path.unlink(missing_ok=True)


def _attempt(client: httpx.Client, url: str, part: _Part, on_progress: Callable[[int, int | None], None]) -> None:
    """One GET: append the rest of the file to the part (or restart it); raises _Retry when it stops short."""
    offset, validator = part.size(), part.validator()
    headers = {"Accept-Encoding": "identity"}  # byte offsets must be those of the file, not of an encoding
    if offset and validator:
        headers |= {"Range": f"bytes={offset}-", "If-Range": validator}
    elif offset:
        offset = 0  # nothing to check the partial data against: start over rather than risk a splice
    with client.stream("GET", url, headers=headers) as resp:
        status = resp.status_code
        if status == 416:  # the part is already as long as the file (or longer, if the file changed)
            total = resp.headers.get("content-range", "").rpartition("/")[2]
            if total.isdigit() and int(total) == offset:
                on_progress(offset, offset)
                return
            part.start(None)
            raise _Retry("the partial file no longer matches; starting over")
        if status in RESIGN_STATUSES:
            raise _Retry(f"link refused (HTTP {status})", status)
        if status in RETRY_STATUSES:
            raise _Retry(f"HTTP {status} from {_host(url)}")
        if status not in (200, 206):
            body = next(resp.iter_bytes(300), b"")  # the start of the error text, not a whole body into memory
            raise CliError(f"Download failed: HTTP {status} from {_host(url)}", body[:300].decode(errors="replace"))
        new_validator = resp.headers.get("etag") or resp.headers.get("last-modified")
        if status == 206:
            m = _CONTENT_RANGE.fullmatch(resp.headers.get("content-range", ""))
            if m is None or int(m.group(1)) != offset:
                part.start(None)
                raise _Retry("the server answered a different range; starting over")
            total = int(m.group(3)) if m.group(3) != "*" else None
        else:  # a full body: the server ignored the range, or the file changed (If-Range failed)
            part.start(new_validator)
            offset = 0
            length = resp.headers.get("content-length")
            total = int(length) if length and length.isdigit() else None
        on_progress(offset, total)
        with part.path.open("ab") as out:
            # Network-sized pieces (no re-chunking buffer): memory stays flat, and whatever arrived before a
            # dropped connection is on disk for the resume.
            for chunk in resp.iter_raw():
                out.write(chunk)
                offset += len(chunk)
                on_progress(offset, total)
    if total is not None and offset != total:
        if offset > total:
            part.start(None)
        raise _Retry(f"received {offset} of {total} bytes")


def fetch_file(
    url: str,
    dest: Path,
    *,
    label: str,
    progress: Progress,
    resign: Callable[[], str] | None = None,
    attempts: int | None = None,
) -> int:
    """Download ``url`` into ``dest`` (resuming a ``.part`` left by an earlier try); returns its size.

    Lost connections, short bodies and 5xx are retried with backoff, each retry resuming where the data
    stopped. ``resign()`` is called for a fresh link when the server refuses an expired one.
    """
    import httpx

    attempts = attempts or ATTEMPTS
    part = _Part(dest)
    task: TaskID = progress.add_task(label, total=None, completed=part.size())

    def on_progress(done: int, total: int | None) -> None:
        progress.update(task, completed=done, total=total)

    last = ""
    hide_links = _LinksByHost()
    logging.getLogger("httpx").addFilter(hide_links)
    try:
        with httpx.Client(timeout=httpx.Timeout(60.0, connect=10.0), follow_redirects=True) as client:
            for attempt in range(attempts):
                if attempt:
                    time.sleep(min(0.5 * 2 ** (attempt - 1), 8.0))
                try:
                    _attempt(client, url, part, on_progress)
                except _Retry as exc:
                    last = str(exc.args[0])
                    if len(exc.args) > 1 and resign is not None:
                        url = resign()
                    continue
                except httpx.TransportError as exc:
                    last = f"{type(exc).__name__} from {_host(url)}"
                    continue
                part.finish()
                return dest.stat().st_size
    except KeyboardInterrupt:
        raise CliError(
            f"Download of {label} interrupted",
            f"{part.size()} bytes are kept in {part.path}; run the same command again to resume.",
            exit_code=130,
        ) from None
    except OSError as exc:
        raise CliError(
            f"Cannot write {exc.filename or dest}: {exc.strerror or exc}",
            "Choose a writable directory (--output) with enough free space.",
        ) from None
    finally:
        logging.getLogger("httpx").removeFilter(hide_links)
    raise CliError(
        f"Download of {label} interrupted after {attempts} attempts ({last})",
        f"{part.size()} bytes are kept in {part.path}; run the same command again to resume.",
    )
