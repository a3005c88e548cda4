"""Crash-safe directory writes (checkpoints) and their recovery after a crash.

A directory is written into a temporary sibling ``.<name>.tmp-*``, flushed to disk and renamed
into place, so a reader never sees a half-written directory.  Saving over an existing directory
takes two renames (``<name>`` -> ``.<name>.old-*``, then the new one -> ``<name>``); a small journal
``.<name>.journal`` written (and synced) before them lets ``recover_dir`` finish or undo a swap that
a crash interrupted, so a checkpoint is never lost.  A full disk raises ``CheckpointStorageError``
and leaves the previous directory untouched.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import tempfile
import threading
import uuid
import weakref
from collections.abc import Callable, Collection, Iterator, Mapping
from pathlib import Path
from typing import Any

__all__ = ["CheckpointStorageError", "reading", "recover_dir", "remove_leftovers", "write_dir_atomically"]

# -- atomic directory write -----------------------------------------------------------------------

JOURNAL_SUFFIX = ".journal"
_NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
# The names we give our own temporary entries (``tempfile`` adds 8 chars of [a-z0-9_]).  Only entries
# matching these are ever removed by ``remove_leftovers``; ``final`` is the name they stand in for.
_TMP_DIR = re.compile(r"\.(?P<final>.+)\.tmp-[a-z0-9_]{8}")
_OLD_DIR = re.compile(r"\.(?P<final>.+)\.old-[0-9a-f]{32}")
_COPY_DIR = re.compile(r"\.(?P<final>.+)\.copy-[0-9a-f]{8}")  # the server's copy_weights
_TMP_FILE = re.compile(r"\.(?P<final>.+)\.[a-z0-9_]{8}\.tmp")  # atomic JSON writes and journals
_JOURNAL = re.compile(r"\.(?P<final>.+)" + re.escape(JOURNAL_SUFFIX))


class CheckpointStorageError(OSError):
    """The disk (or quota) filled up while writing a checkpoint; nothing at that path was changed.

    ``str()`` is the whole explanation; ``filename`` is the checkpoint path, ``needed_bytes`` the
    estimated size of the checkpoint and ``free_bytes`` the free space seen (``None`` when unknown).
    """

    needed_bytes: int | None = None
    free_bytes: int | None = None

    def __str__(self) -> str:
        return str(self.strerror)


def _free_bytes(path: Path) -> int | None:
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return None


def _fmt_bytes(n: int) -> str:
    return f"{n} bytes ({n / 2**20:.1f} MiB)"


def _storage_error(final: Path, cause: OSError, needed: int | None, existed: bool) -> CheckpointStorageError:
    what = "the disk is full" if cause.errno == errno.ENOSPC else "the disk quota is exceeded"
    free = _free_bytes(final.parent if final.parent.exists() else Path(final.anchor or "."))
    size = ""
    if needed is not None:
        size = f" (it needs about {_fmt_bytes(needed)}" + (f", {_fmt_bytes(free)} are free" if free is not None else "")
        size += ")"
    if not existed:
        outcome = "nothing was saved"
    elif os.path.lexists(final):
        outcome = "the previous checkpoint at that path is intact"
    else:
        outcome = "the previous checkpoint at that path will be restored when the server restarts"
    msg = (
        f"cannot save checkpoint {final}: {what}{size}; {outcome}. "
        "Free some disk space (for example by deleting old checkpoints) and save again."
    )
    err = CheckpointStorageError(cause.errno, msg, str(final))
    err.needed_bytes, err.free_bytes = needed, free
    return err


def _fsync_dir(path: Path) -> None:
    """Make renames and new entries in ``path`` durable (POSIX; Windows cannot open a directory)."""
    if os.name == "nt":
        return
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    except OSError as e:
        if e.errno not in (errno.EINVAL, errno.ENOTSUP):  # some filesystems cannot sync a directory
            raise
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    """Flush every file and directory under ``root``, so a rename never publishes data still in memory."""
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            fd = os.open(os.path.join(dirpath, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(dirpath))


class _SwapLock:
    """Readers share it; a swap takes it alone (briefly), so no read falls between the two renames.

    Re-entrant for readers; a waiting swap holds back new readers so a stream of reads cannot starve it.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers: dict[int, int] = {}  # thread id -> depth
        self._writer = False
        self._waiting = 0

    @contextlib.contextmanager
    def read(self) -> Iterator[None]:
        me = threading.get_ident()
        with self._cond:
            if me not in self._readers:  # a nested read must not queue behind a waiting swap (deadlock)
                while self._writer or self._waiting:
                    self._cond.wait()
            self._readers[me] = self._readers.get(me, 0) + 1
        try:
            yield
        finally:
            with self._cond:
                self._readers[me] -= 1
                if not self._readers[me]:
                    del self._readers[me]
                    self._cond.notify_all()

    @contextlib.contextmanager
    def write(self) -> Iterator[None]:
        with self._cond:
            self._waiting += 1
            try:
                while self._writer or self._readers:
                    self._cond.wait()
            finally:
                self._waiting -= 1
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


_locks_guard = threading.Lock()
_locks: weakref.WeakValueDictionary[str, _SwapLock] = weakref.WeakValueDictionary()


def _lock_for(path: str | os.PathLike) -> _SwapLock:
    key = os.path.realpath(path)  # one lock per directory, however the path is spelled
    with _locks_guard:
        lock = _locks.get(key)
        if lock is None:
            lock = _locks[key] = _SwapLock()
        return lock


@contextlib.contextmanager
def reading(path: str | os.PathLike) -> Iterator[None]:
    """Hold while reading the files of checkpoint directory ``path`` (in this process): an overwrite
    of it waits for the read to finish, so the read sees the old or the new checkpoint, never a gap."""
    with _lock_for(path).read():
        yield


def _journal_path(final: Path) -> Path:
    return final.parent / f".{final.name}{JOURNAL_SUFFIX}"


def _plain_name(name: Any) -> bool:
    return (
        isinstance(name, str)
        and name not in ("", ".", "..")
        and "/" not in name
        and "\0" not in name
        and (os.altsep is None or os.altsep not in name)
    )


def _read_journal(journal: Path) -> tuple[Path, Path, Path]:
    """(final, old, new) of a journal; OSError unless all three are our own names beside it."""
    m = _JOURNAL.fullmatch(journal.name)
    try:
        entry = json.loads(journal.read_text(encoding="utf-8"))
        final, old, new = entry["final"], entry["old"], entry["new"]
    except (ValueError, KeyError, TypeError) as e:
        raise OSError(errno.EINVAL, f"damaged overwrite journal {journal} ({e}); inspect it and remove it by hand")
    ok = (
        m is not None
        and _plain_name(final)
        and final == m["final"]
        and isinstance(old, str)
        and (mo := _OLD_DIR.fullmatch(old)) is not None
        and mo["final"] == final
        and isinstance(new, str)
        and (mn := _TMP_DIR.fullmatch(new)) is not None
        and mn["final"] == final
    )
    if not ok:
        raise OSError(
            errno.EINVAL, f"damaged overwrite journal {journal} ({entry!r}); inspect it and remove it by hand"
        )
    parent = journal.parent
    return parent / final, parent / old, parent / new


def _remove(path: Path) -> None:
    if path.is_symlink():  # never ours; never followed
        return
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists():
        with contextlib.suppress(OSError):
            path.unlink()


def _resolve_journal(journal: Path) -> str:
    """Finish or undo the swap a journal describes; idempotent, so a crash in here is fine too.

    The journal is written only once the new directory is complete, so each state is unambiguous:
    ``final`` present and ``new`` gone means the swap happened; otherwise the previous directory is
    put back (or, if it is gone, the complete new one is moved in).
    """
    final, old, new = _read_journal(journal)
    if os.path.lexists(final) and not os.path.lexists(new):
        outcome = "kept the new contents"
    elif not os.path.lexists(final) and os.path.lexists(old):
        os.rename(old, final)
        outcome = "restored the previous contents"
    elif not os.path.lexists(final) and os.path.lexists(new):
        os.rename(new, final)
        outcome = "kept the new contents"
    else:
        outcome = "kept the previous contents"
    _fsync_dir(journal.parent)
    os.unlink(journal)
    for p in (old, new):
        _remove(p)
    return outcome


def _write_journal(journal: Path, entry: Mapping[str, str]) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f"{journal.name}.", suffix=".tmp", dir=journal.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(entry, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, journal)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(journal.parent)  # the journal must be on disk before the first rename


def _swap_in(final: Path, tmp: Path) -> Path | None:
    """Move the complete directory ``tmp`` to ``final``; returns the replaced directory to delete."""
    parent = final.parent
    journal = _journal_path(final)
    try:
        if os.path.lexists(journal):  # an earlier swap failed half-way in this process
            _resolve_journal(journal)
        if not os.path.lexists(final):
            os.rename(tmp, final)  # one rename: atomic
            _fsync_dir(parent)
            return None
        old = parent / f".{final.name}.old-{uuid.uuid4().hex}"
        _write_journal(journal, {"final": final.name, "old": old.name, "new": tmp.name})
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    try:
        os.rename(final, old)
        os.rename(tmp, final)
    except BaseException:
        _resolve_journal(journal)  # put the previous directory back now (a restart would do the same)
        raise
    _fsync_dir(parent)
    os.unlink(journal)
    return old


def write_dir_atomically(path: str | os.PathLike, fill: Callable[[Path], None], size_hint: int | None = None) -> Path:
    """Create or replace directory ``path`` with what ``fill(tmp)`` writes into a fresh directory.

    Readers (and a restart after a crash at any point) see the old or the new directory, complete.
    ``size_hint`` (bytes, if known) lets a full disk be reported before anything is written.  Raises
    CheckpointStorageError when the disk or quota is full; the previous directory is then untouched.
    """
    final = Path(path)
    parent = final.parent
    existed = os.path.lexists(final)
    tmp: Path | None = None
    swapping = False
    try:
        parent.mkdir(parents=True, exist_ok=True)
        free = _free_bytes(parent)
        if size_hint is not None and free is not None and size_hint > free:
            raise _storage_error(final, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), size_hint, existed)
        tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.tmp-", dir=parent))
        fill(tmp)
        _fsync_tree(tmp)
        swapping = True  # from here on _swap_in owns tmp (a journal may refer to it)
        with _lock_for(final).write():
            old = _swap_in(final, tmp)
    except BaseException as e:
        if tmp is not None and not swapping:
            shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(e, OSError) and e.errno in _NO_SPACE and not isinstance(e, CheckpointStorageError):
            raise _storage_error(final, e, size_hint, existed) from e
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return final


# -- crash recovery -------------------------------------------------------------------------------


def recover_dir(parent: str | os.PathLike) -> list[str]:
    """Finish or undo every interrupted overwrite journaled directly in ``parent`` (run at startup).

    Returns one line per journal.  A journal that cannot be trusted (unreadable, or naming anything
    but our own entries beside it) is left alone, and so are the leftovers of its checkpoint.
    """
    out: list[str] = []
    d = Path(parent)
    for entry in sorted(os.scandir(d), key=lambda e: e.name):
        if not _JOURNAL.fullmatch(entry.name) or not entry.is_file(follow_symlinks=False):
            continue
        journal = d / entry.name
        try:
            outcome = _resolve_journal(journal)
        except OSError as e:
            out.append(f"{journal}: left in place, cannot complete the interrupted overwrite: {e}")
            continue
        out.append(f"{d / entry.name[1 : -len(JOURNAL_SUFFIX)]}: interrupted overwrite recovered, {outcome}")
    return out


def _leftover(name: str, is_dir: bool) -> re.Match[str] | None:
    """The match if ``name`` is one of our own temporary names (for a directory, or a file)."""
    for pattern in (_TMP_DIR, _OLD_DIR, _COPY_DIR) if is_dir else (_TMP_FILE,):
        if m := pattern.fullmatch(name):
            return m
    return None


def remove_leftovers(
    parent: str | os.PathLike, keep: Collection[Path] = (), finals: Collection[str] | None = None
) -> list[Path]:
    """Delete the crash leftovers directly in ``parent``; returns what was removed.

    Only our own temporary names are touched; never symlinks, never a path in
    ``keep``, never the leftovers of a checkpoint whose journal is still pending, and, when ``finals``
    is given, only leftovers standing in for one of those names.
    """
    d = Path(parent)
    removed: list[Path] = []
    for entry in sorted(os.scandir(d), key=lambda e: e.name):
        if entry.is_symlink():
            continue
        is_dir = entry.is_dir(follow_symlinks=False)
        if not is_dir and not entry.is_file(follow_symlinks=False):
            continue
        m = _leftover(entry.name, is_dir)
        path = d / entry.name
        if m is None or path in keep or (finals is not None and m["final"] not in finals):
            continue
        if os.path.lexists(d / f".{m['final']}{JOURNAL_SUFFIX}"):
            continue
        if is_dir:
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        if not os.path.lexists(path):
            removed.append(path)
    return removed
