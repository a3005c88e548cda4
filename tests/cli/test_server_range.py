"""The local server's signed downloads answer Range and If-Range (tinker_local/http/files.py): checkpoint
archives are byte-identical per content, so an interrupted archive download can be resumed."""

from __future__ import annotations

import io
import shutil
import tarfile
from pathlib import Path
from typing import Any

import httpx

import tinker

from .conftest import KEY, Seeded


def _archive_url(seeded: Seeded, path: str) -> str:
    rest = tinker.RestClient(base_url=seeded.url, api_key=KEY)
    return str(rest.get_checkpoint_archive_url_from_tinker_path(path).result().url)


def test_archive_range_and_if_range(seeded: Seeded) -> None:
    url = _archive_url(seeded, seeded.weights[0])
    full = httpx.get(url)
    assert full.status_code == 200 and full.headers["accept-ranges"] == "bytes"
    etag = full.headers["etag"]
    with tarfile.open(fileobj=io.BytesIO(full.content), mode="r:gz") as tar:
        names = tar.getnames()
    assert any(n.endswith("adapter_model.safetensors") for n in names)

    part = httpx.get(url, headers={"Range": "bytes=100-", "If-Range": etag})
    assert part.status_code == 206 and part.content == full.content[100:]
    assert part.headers["content-range"] == f"bytes 100-{len(full.content) - 1}/{len(full.content)}"

    stale = httpx.get(url, headers={"Range": "bytes=100-", "If-Range": '"not-this-one"'})
    assert stale.status_code == 200 and stale.content == full.content  # changed content: all of it, not a splice


def test_archives_are_the_same_bytes_for_the_same_checkpoint(seeded: Seeded) -> None:
    first = httpx.get(_archive_url(seeded, seeded.weights[1]))
    cache = Path(str(seeded.server.config.state_dir)) / "exports" / "archives"
    assert len(list(cache.glob("*.tar.gz"))) >= 1
    shutil.rmtree(cache)  # rebuilt from the files: a resumed download must get the same bytes again
    again = httpx.get(_archive_url(seeded, seeded.weights[1]))
    assert first.content == again.content and first.headers["etag"] == again.headers["etag"]
    other = httpx.get(_archive_url(seeded, seeded.weights[2]))
    assert other.headers["etag"] != first.headers["etag"]


def test_plain_files_answer_ranges(seeded: Seeded) -> None:
    rest = tinker.RestClient(base_url=seeded.url, api_key=KEY)
    url = rest.export_session_trace(seeded.session_id, poll_interval=0.1).result()
    full = httpx.get(url).content
    part = httpx.get(url, headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and part.content == full[10:20]


def test_a_checkpoint_deleted_while_its_archive_is_prepared_is_not_found(seeded: Seeded, monkeypatch: Any) -> None:
    from tinker_local.http import files

    url = _archive_url(seeded, seeded.weights[0])
    shutil.rmtree(Path(str(seeded.server.config.state_dir)) / "exports" / "archives", ignore_errors=True)
    real = files._content_id
    moved: list[tuple[Path, Path]] = []

    def deleted_meanwhile(path: Path) -> str:  # the delete lands between the link check and the build
        aside = path.with_name(f".{path.name}.old-{'0' * 32}")
        path.rename(aside)
        moved.append((aside, path))
        return real(path)

    monkeypatch.setattr(files, "_content_id", deleted_meanwhile)
    try:
        r = httpx.get(url)
    finally:
        for aside, path in moved:  # other tests use this checkpoint
            aside.rename(path)
    assert moved and r.status_code == 404, r.status_code
    assert r.json()["detail"] == "download: the file no longer exists"
