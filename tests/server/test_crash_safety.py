"""Crash safety of the state directory: interrupted overwrites, crash leftovers, full disks.

A crash is simulated by running a save in a child process that ``os._exit``s at a chosen point (no
cleanup handlers run, exactly like ``kill -9``), then opening a fresh ``StateStore`` over the same
directory: every checkpoint must be there, complete, with either its old or its new contents.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import tinker_local.engine._atomic as at
import tinker_local.engine._checkpoint as ck
from tinker_local import _state
from tinker_local._state import CheckpointRec, RunRec, StateStore, write_json_atomic
from tinker_local.engine import BUILTIN_MODEL, EngineInputError, LoraConfig, ModelRegistry, TrainableModel

RUN = "sess-1:train:0"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def base() -> Any:
    return ModelRegistry().get(BUILTIN_MODEL)


def _model(base: Any, seed: int, rank: int = 4) -> TrainableModel:
    return TrainableModel(base, LoraConfig(rank=rank, seed=seed))


def _seed_state(state: Path, base: Any, name: str = "ck") -> Path:
    """A state dir with one run and one indexed checkpoint (seed 1); returns the checkpoint dir."""
    store = StateStore(state)
    t = time.time()
    store.runs[RUN] = RunRec(RUN, base.name, "owner", t, t)
    store.save_run(store.runs[RUN])
    path = store.checkpoint_dir(RUN, "weights", name)
    _model(base, seed=1).save(path, include_optimizer=True)
    store.checkpoints[(RUN, "weights", name)] = CheckpointRec(RUN, "weights", name, t)
    store.save_checkpoint_index(RUN)
    store.close()
    return path


def _seed_of(path: Path, base: Any) -> int:
    """Which model (seed) a checkpoint holds; fails unless config, weights and optimizer all agree."""
    lora, adapter, opt = ck.load_adapter_dir(path, base, None, with_optimizer=True)
    assert opt is not None
    for seed in (1, 2):
        ref = _model(base, seed=seed)
        if lora.seed == seed and all(np.array_equal(adapter[k], ref.params[k]) for k in ref.params):
            return seed
    raise AssertionError(f"{path} holds neither the old nor the new checkpoint")


_CRASHING_SAVE = textwrap.dedent(
    """
    import os, shutil, sys
    sys.path.insert(0, sys.argv[3])
    from tinker_local.engine import BUILTIN_MODEL, LoraConfig, ModelRegistry, TrainableModel

    path, crash_at = sys.argv[1], sys.argv[2]
    calls = 0

    def crashing(real):
        def rename(src, dst, *a, **k):
            global calls
            real(src, dst, *a, **k)
            calls += 1
            if str(calls) == crash_at:
                os._exit(9)  # no cleanup at all, like kill -9
        return rename

    os.rename, os.replace = crashing(os.rename), crashing(os.replace)
    if crash_at == "cleanup":
        shutil.rmtree = lambda *a, **k: os._exit(9)
    base = ModelRegistry().get(BUILTIN_MODEL)
    TrainableModel(base, LoraConfig(rank=4, seed=2)).save(path, include_optimizer=True)
    os._exit(0)
    """
)


@pytest.mark.parametrize("crash_at", ["1", "2", "3", "cleanup"])
def test_overwrite_survives_a_crash_at_any_point(tmp_path: Path, base: Any, crash_at: str) -> None:
    state = tmp_path / "state"
    path = _seed_state(state, base)
    proc = subprocess.run(
        [sys.executable, "-c", _CRASHING_SAVE, str(path), crash_at, str(ROOT)],
        check=False,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 9, proc.stderr  # the crash really happened at that point

    store = StateStore(state)  # restart
    assert (RUN, "weights", "ck") in store.checkpoints
    assert _seed_of(path, base) in (1, 2)
    assert sorted(os.listdir(path.parent)) == ["ck"]  # no journal, temporary or old directory left


@pytest.mark.parametrize("undo_fails_too", [False, True])
def test_failed_rename_mid_overwrite_puts_the_old_checkpoint_back(
    tmp_path: Path, base: Any, monkeypatch: pytest.MonkeyPatch, undo_fails_too: bool
) -> None:
    state = tmp_path / "state"
    path = _seed_state(state, base)
    real = os.rename

    def rename(src: Any, dst: Any) -> None:
        # the new directory cannot be moved into place (nor, optionally, the old one back)
        if Path(dst) == path and (".tmp-" in Path(src).name or undo_fails_too):
            raise OSError(errno.EIO, "Input/output error")
        real(src, dst)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(OSError):
        _model(base, seed=2).save(path, include_optimizer=True)
    monkeypatch.undo()
    if not undo_fails_too:  # put back at once
        assert sorted(os.listdir(path.parent)) == ["ck"] and _seed_of(path, base) == 1
    store = StateStore(state)  # and in any case after a restart
    assert (RUN, "weights", "ck") in store.checkpoints
    assert sorted(os.listdir(path.parent)) == ["ck"] and _seed_of(path, base) == 1


def test_readers_never_see_a_half_replaced_checkpoint(
    tmp_path: Path, base: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ck"
    _model(base, seed=1).save(path, include_optimizer=True)
    seen: list[Any] = []

    def read() -> None:
        try:
            seen.append(_seed_of(path, base))
        except (EngineInputError, AssertionError) as e:
            seen.append(e)

    real = os.rename
    readers: list[threading.Thread] = []

    def rename(src: Any, dst: Any) -> None:
        real(src, dst)
        if Path(src) == path:  # the old directory just moved away: read right now, from another thread
            t = threading.Thread(target=read)
            t.start()
            t.join(0.5)
            readers.append(t)

    monkeypatch.setattr(os, "rename", rename)
    _model(base, seed=2).save(path, include_optimizer=True)
    monkeypatch.undo()
    for t in readers:
        t.join(10)
    assert len(seen) == 1 and seen[0] in (1, 2), seen


# -- leftovers and recovery ------------------------------------------------------------------------


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def test_restart_removes_only_crash_leftovers(tmp_path: Path, base: Any, caplog: pytest.LogCaptureFixture) -> None:
    state = tmp_path / "state"
    path = _seed_state(state, base)
    kind_dir = path.parent
    leftovers = [
        state / ".meta.json.k2x9_q0a.tmp",
        state / "sessions" / ".s1.json.abcd1234.tmp",
        state / "runs" / RUN / ".checkpoints.json.zz99yy88.tmp",
        kind_dir / ".ck.tmp-a1b2c3d4",
        kind_dir / ".other.old-0123456789abcdef0123456789abcdef",
        kind_dir / ".ck.journal.q1w2e3r4.tmp",
        kind_dir / ".ck.copy-0a1b2c3d",
        state / "exports" / "traces" / ".trace-s1-123.json.tmp",
    ]
    for p in leftovers:
        if p.name.endswith(".tmp"):
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text("partial")
        else:
            (p / "sub").mkdir(parents=True)
            (p / "sub" / "adapter_model.safetensors").write_bytes(b"x" * 10)
    keep = [
        state / "notes.txt",
        state / ".hidden-user-file",
        state / ".bashrc.abcd1234.tmp.bak",
        state / "runs" / RUN / "weights" / "tmp-a1b2c3d4",
        kind_dir / ".ck.tmp-short",
    ]
    for p in keep:
        p.write_text("mine")
    before = _tree(state)

    with caplog.at_level(logging.INFO, logger="tinker_local"):
        store = StateStore(state)
    assert (RUN, "weights", "ck") in store.checkpoints
    for p in leftovers:
        assert not p.exists(), p
        assert str(p.relative_to(state)) in caplog.text
    removed = before - _tree(state)
    assert all(
        any(r == str(p.relative_to(state)) or r.startswith(f"{p.relative_to(state)}/") for p in leftovers)
        for r in removed
    ), removed
    for p in keep:
        assert p.read_text() == "mine"
    assert _seed_of(path, base) == 1


def test_recovery_cannot_be_tricked_into_touching_other_files(tmp_path: Path, base: Any) -> None:
    state = tmp_path / "state"
    path = _seed_state(state, base)
    kind_dir = path.parent
    outside = tmp_path / "outside"
    (outside / "victim").mkdir(parents=True)
    (outside / "victim" / "data").write_text("precious")
    (outside / ".x.tmp-abcdefgh").mkdir()
    # journals naming paths outside their directory, or not our own temporary names
    bad = {
        ".ck.journal": {"final": "../../../../outside/victim", "old": "../../../../outside/victim", "new": "x"},
        ".a.journal": {"final": "a", "old": "../../../../outside/victim", "new": ".a.tmp-abcdefgh"},
        ".b.journal": {"final": "b", "old": ".b.old-" + "0" * 32, "new": "/etc"},
        ".c.journal": {"final": "..", "old": ".c.old-" + "0" * 32, "new": ".c.tmp-abcdefgh"},
        ".d.journal": {"final": "d", "old": "ck", "new": ".d.tmp-abcdefgh"},
    }
    for name, body in bad.items():
        (kind_dir / name).write_text(json.dumps(body))
    # symlinks with leftover names are neither followed nor removed
    (kind_dir / ".x.tmp-abcdefgh").symlink_to(outside / ".x.tmp-abcdefgh")
    (kind_dir / (".y.old-" + "1" * 32)).symlink_to(outside / "victim")
    # an indexed checkpoint whose name happens to look like a leftover is kept
    odd = ".odd.tmp-abcdefgh"
    store = StateStore(state)
    _model(base, seed=1).save(store.checkpoint_dir(RUN, "weights", odd))
    store.checkpoints[(RUN, "weights", odd)] = CheckpointRec(RUN, "weights", odd, time.time())
    store.save_checkpoint_index(RUN)
    store.close()

    store = StateStore(state)
    assert (outside / "victim" / "data").read_text() == "precious"
    assert (outside / ".x.tmp-abcdefgh").is_dir()
    assert (kind_dir / ".x.tmp-abcdefgh").is_symlink()
    assert (RUN, "weights", odd) in store.checkpoints and (kind_dir / odd / ck.WEIGHTS_FILE).exists()
    assert (RUN, "weights", "ck") in store.checkpoints and _seed_of(path, base) == 1
    for name in bad:  # a journal that cannot be trusted stays for a human to look at
        assert (kind_dir / name).exists()


# -- full disk -------------------------------------------------------------------------------------


def _no_space(*_a: Any, **_k: Any) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def _partial_then_no_space(path: Path, *_a: Any, **_k: Any) -> None:
    Path(path).write_bytes(b"\0" * 1000)  # some bytes made it to disk before the device filled up
    _no_space()


def _assert_disk_full_error(e: BaseException, path: Path, replaced: bool) -> None:
    assert isinstance(e, at.CheckpointStorageError) and isinstance(e, OSError)
    assert e.errno == errno.ENOSPC
    msg = str(e)
    assert "disk is full" in msg and str(path) in msg, msg
    assert ("previous checkpoint" in msg and "intact" in msg) if replaced else "nothing was saved" in msg, msg


@pytest.mark.parametrize("replaced", [True, False])
def test_disk_full_while_writing_keeps_the_previous_checkpoint(
    tmp_path: Path, base: Any, monkeypatch: pytest.MonkeyPatch, replaced: bool
) -> None:
    path = tmp_path / "ck"
    if replaced:
        _model(base, seed=1).save(path, include_optimizer=True)
    monkeypatch.setattr(ck, "write_safetensors", _partial_then_no_space)
    with pytest.raises(OSError) as ei:
        _model(base, seed=2).save(path, include_optimizer=True)
    monkeypatch.undo()
    _assert_disk_full_error(ei.value, path, replaced)
    assert sorted(os.listdir(tmp_path)) == (["ck"] if replaced else [])
    if replaced:
        assert _seed_of(path, base) == 1


def test_disk_full_while_writing_the_journal_keeps_the_previous_checkpoint(
    tmp_path: Path, base: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ck"
    _model(base, seed=1).save(path, include_optimizer=True)
    real = at.tempfile.mkstemp

    def mkstemp(*a: Any, **k: Any) -> Any:
        if "journal" in str(k.get("prefix", "")):
            _no_space()
        return real(*a, **k)

    monkeypatch.setattr(at.tempfile, "mkstemp", mkstemp)
    with pytest.raises(OSError) as ei:
        _model(base, seed=2).save(path, include_optimizer=True)
    monkeypatch.undo()
    _assert_disk_full_error(ei.value, path, True)
    assert sorted(os.listdir(tmp_path)) == ["ck"] and _seed_of(path, base) == 1


def test_disk_full_while_writing_json_keeps_the_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "checkpoints.json"
    write_json_atomic(target, [{"name": "old"}])

    def dump(obj: Any, f: Any, **_k: Any) -> None:
        f.write('[{"name": "ne')
        f.flush()
        _no_space()

    monkeypatch.setattr(_state.json, "dump", dump)
    with pytest.raises(OSError) as ei:
        write_json_atomic(target, [{"name": "new"}])
    monkeypatch.undo()
    assert ei.value.errno == errno.ENOSPC
    assert json.loads(target.read_text()) == [{"name": "old"}]
    assert os.listdir(tmp_path) == ["checkpoints.json"]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs (needs root and mount rights; skipped otherwise)."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    try:
        r = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], check=False, capture_output=True
        )
    except OSError:
        pytest.skip("mount is not available")
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.decode(errors='replace').strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False, capture_output=True)


def test_real_full_disk(small_disk: Path, base: Any) -> None:
    path = small_disk / "ck"
    _model(base, seed=1).save(path, include_optimizer=True)  # ~135 kB fits
    with pytest.raises(OSError) as ei:  # ~1 MB (rank 32 + Adam moments) does not
        _model(base, seed=2, rank=32).save(path, include_optimizer=True)
    _assert_disk_full_error(ei.value, path, True)
    assert sorted(os.listdir(small_disk)) == ["ck"] and _seed_of(path, base) == 1

    def fill(tmp: Path) -> None:  # no size known up front: the write itself hits ENOSPC
        (tmp / "blob").write_bytes(b"\1" * (2 << 20))

    with pytest.raises(OSError) as ei:
        at.write_dir_atomically(path, fill)
    _assert_disk_full_error(ei.value, path, True)
    assert sorted(os.listdir(small_disk)) == ["ck"] and _seed_of(path, base) == 1

    target = small_disk / "index.json"
    write_json_atomic(target, {"v": "old"})
    with pytest.raises(OSError) as ej:
        write_json_atomic(target, {"v": "x" * (2 << 20)})
    assert ej.value.errno == errno.ENOSPC
    assert json.loads(target.read_text()) == {"v": "old"}
    assert sorted(os.listdir(small_disk)) == ["ck", "index.json"]


def _fill_up(disk: Path) -> Path:
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 4096)
        except OSError as e:
            assert e.errno == errno.ENOSPC
    return filler


def test_full_disk_leaves_no_partial_audit_line(small_disk: Path) -> None:
    store = StateStore(small_disk / "state")
    store.audit("checkpoint_create", model_id="m", tinker_path="tinker://m/weights/a")
    filler = _fill_up(small_disk)
    with pytest.raises(OSError):
        store.audit("checkpoint_create", model_id="m", tinker_path="tinker://m/weights/b", blob="x" * 200_000)
    filler.unlink()
    store.audit("checkpoint_create", model_id="m", tinker_path="tinker://m/weights/c")
    assert [e["tinker_path"] for e in store.audit_entries()] == ["tinker://m/weights/a", "tinker://m/weights/c"]
