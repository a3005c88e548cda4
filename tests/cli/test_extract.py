"""``checkpoint download --extract`` unpacks a server's tar.gz: nothing of it may land or point outside the target."""

from __future__ import annotations

import io
import os
import tarfile
from pathlib import Path

import pytest

from tinker_cli._checkpoint_download import _extract
from tinker_cli._errors import CliError


def _archive(path: Path, members: list[tuple[str, str | None, bytes]]) -> Path:
    """A tar.gz of (name, symlink target or None, file content) members; names ending in "/" are directories."""
    with tarfile.open(path, "w:gz") as tar:
        for name, link, data in members:
            info = tarfile.TarInfo(name.rstrip("/"))
            if name.endswith("/"):
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            elif link is not None:
                info.type, info.linkname = tarfile.SYMTYPE, link
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return path


def _outside(target: Path) -> list[str]:
    """Every path under ``target`` that is, or resolves to, something outside it."""
    root = target.resolve()
    found = []
    for dirpath, dirnames, filenames in os.walk(target):
        for name in dirnames + filenames:
            if not (Path(dirpath) / name).resolve().is_relative_to(root):
                found.append(str(Path(dirpath) / name))
    return found


def test_an_ordinary_archive_becomes_the_target(tmp_path: Path) -> None:
    archive = _archive(
        tmp_path / "a.tar.gz", [("ckpt/", None, b""), ("ckpt/w.bin", None, b"w"), ("ckpt/latest", "w.bin", b"")]
    )
    target = tmp_path / "out" / "ckpt"
    target.parent.mkdir()
    _extract(archive, target)
    assert (target / "w.bin").read_bytes() == b"w" and (target / "latest").read_bytes() == b"w"
    assert sorted(os.listdir(tmp_path / "out")) == ["ckpt"]


@pytest.mark.parametrize("name", ["../evil", "ckpt/../../evil"])
def test_a_member_outside_the_target_is_refused(tmp_path: Path, name: str) -> None:
    archive = _archive(tmp_path / "a.tar.gz", [("ckpt/", None, b""), (name, None, b"x")])
    (tmp_path / "out").mkdir()
    with pytest.raises(CliError):
        _extract(archive, tmp_path / "out" / "ckpt")
    assert not (tmp_path / "evil").exists() and os.listdir(tmp_path / "out") == []


@pytest.mark.parametrize("link", ["..", "../ckpt", "../ckpt/..", "self/../ckpt"])
def test_a_symlink_that_would_point_outside_the_target_is_refused(tmp_path: Path, link: str) -> None:
    # Inside the staging directory (which tarfile's "data" filter checks against) but, once the archive's single
    # top-level directory is moved to the target, pointing at the directory around it.
    archive = _archive(
        tmp_path / "a.tar.gz",
        [("ckpt/", None, b""), ("ckpt/self", ".", b""), ("ckpt/w.bin", None, b"w"), ("ckpt/up", link, b"")],
    )
    out = tmp_path / "out"
    out.mkdir()
    (out / "ckpt").mkdir()  # what "../ckpt" names once moved: outside the target, next to it
    target = out / "new"
    try:
        _extract(archive, target)
    except CliError:
        assert not target.exists()
    else:
        assert _outside(target) == []
    assert sorted(os.listdir(out)) in (["ckpt"], ["ckpt", "new"])
