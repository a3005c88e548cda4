"""``tinker checkpoint download``: a checkpoint's files into a directory, resumable across runs.

Files mode (the official CLI's): an ``external_weights`` checkpoint's files are fetched from its signed
links; a training (``weights``) checkpoint is first exported to a temporary ``external_weights`` checkpoint
(which loads it into a training session on the server), deleted once the download is complete. Until
then the target directory holds ``.tinker-download.json`` (the checkpoint and the export in use) and
``*.part`` files, so running the same command again resumes instead of starting over.

Archive mode (``--archive``/``--extract``, ours): the checkpoint's tar.gz, one resumable file, for servers
that offer archives (the local server does); works for sampler checkpoints too and needs no session.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import tarfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ._download import fetch_file
from ._errors import CliError
from ._output import CliContext
from ._progress import transfer, wait_for

if TYPE_CHECKING:
    import tinker

__all__ = ["download", "parse_checkpoint_path"]

MARKER = ".tinker-download.json"
# Lifetime of the temporary export; renewed each time its links are signed, so it outlives them.
EXPORT_TTL_S = 3600
PATH_HINT = "A checkpoint path looks like tinker://RUN_ID/weights/NAME; `tinker checkpoint list` shows them."


def parse_checkpoint_path(path: str) -> Any:
    import tinker

    try:
        if not path.startswith("tinker://"):
            raise ValueError("it must start with tinker://")
        return tinker.ParsedCheckpointTinkerPath.from_tinker_path(path)
    except ValueError as exc:
        raise CliError(f"Invalid checkpoint path: {path} ({exc})", PATH_HINT) from None


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _read_marker(target: Path) -> dict[str, Any] | None:
    with contextlib.suppress(OSError, ValueError):
        data = json.loads((target / MARKER).read_text())
        return data if isinstance(data, dict) else None
    return None


def _write_marker(target: Path, checkpoint_path: str, export_path: str | None) -> None:
    (target / MARKER).write_text(json.dumps({"checkpoint_path": checkpoint_path, "export_path": export_path}))


def _prepare(target: Path, force: bool, resumable: bool) -> None:
    if not (target.exists() or target.is_symlink()):
        return
    if force:
        _remove(target)
    elif not resumable:
        raise CliError(
            f"{target} already exists", "Use --force to replace it, or --output to choose another directory."
        )


def _fetch_export(rest: tinker.RestClient, export_path: str, target: Path, obj: CliContext, renew_ttl: bool) -> int:
    """Every file of external-weights checkpoint ``export_path`` into ``target``; returns the bytes."""

    def sign() -> Any:
        signed = rest.get_external_weights_urls(export_path).result()
        if renew_ttl:
            rest.set_checkpoint_ttl_from_tinker_path(export_path, EXPORT_TTL_S).result()
        return signed

    signed = sign()
    if not signed.urls:
        raise CliError(f"The checkpoint has no files: {export_path}")
    base = target.resolve()
    dests: dict[str, Path] = {}
    for name in signed.urls:
        dest = (target / name).resolve()
        if not dest.is_relative_to(base) or dest == base or dest.name == MARKER:
            raise CliError(f"Unsafe file name in the checkpoint: {name!r}", "Nothing was written outside the target.")
        dests[name] = dest
    total = 0
    with transfer(obj.interactive) as progress:
        for name, dest in sorted(dests.items()):
            if dest.exists():  # completed in an earlier run (files appear only once their size checked out)
                total += dest.stat().st_size
                continue
            if dt.datetime.now(dt.UTC) >= signed.expires - dt.timedelta(minutes=5):
                signed = sign()

            def resign(name: str = name) -> str:
                nonlocal signed
                signed = sign()
                return str(signed.urls[name])

            dest.parent.mkdir(parents=True, exist_ok=True)
            total += fetch_file(str(signed.urls[name]), dest, label=name, progress=progress, resign=resign)
    return total


def _export_exists(rest: tinker.RestClient, export_path: str) -> bool:
    import tinker

    try:
        rest.get_external_weights_urls(export_path).result()
    except tinker.NotFoundError:
        return False
    return True


def _export(obj: CliContext, tinker_path: str) -> tuple[tinker.ServiceClient, str]:
    from ._clients import service_client

    if not obj.json:
        click.echo(f"Exporting {tinker_path} as external weights (this loads it in a training session)...", err=True)
    service = service_client({"created_by": "tinker checkpoint download"})
    try:
        training = wait_for(
            service.create_training_client_from_state(tinker_path), "Loading the checkpoint", obj.interactive
        )
        saved = wait_for(
            training.save_weights_external("download", ttl_seconds=EXPORT_TTL_S), "Exporting", obj.interactive
        )
    except BaseException:
        service.close("errored").result()
        raise
    return service, str(saved.path)


def _download_files(obj: CliContext, tinker_path: str, kind: str, target: Path, force: bool) -> int:
    from ._clients import rest_client

    state = _read_marker(target) if target.is_dir() else None
    _prepare(target, force, resumable=state is not None and state.get("checkpoint_path") == tinker_path)
    target.mkdir(parents=True, exist_ok=True)
    rest = rest_client()
    if kind == "external":
        _write_marker(target, tinker_path, None)
        size = _fetch_export(rest, tinker_path, target, obj, renew_ttl=False)
        (target / MARKER).unlink()
        return size
    export_path = state.get("export_path") if state else None
    if not isinstance(export_path, str) or not _export_exists(rest, export_path):
        _write_marker(target, tinker_path, None)
        try:
            service, export_path = _export(obj, tinker_path)
        except BaseException:
            if [p.name for p in target.iterdir()] == [MARKER]:  # nothing downloaded yet: leave nothing behind
                _remove(target)
            raise
        service.close("success").result()
    # Kept until the download is complete: a rerun after an interruption reuses this export.
    _write_marker(target, tinker_path, export_path)
    size = _fetch_export(rest, export_path, target, obj, renew_ttl=True)
    try:
        rest.delete_checkpoint_from_tinker_path(export_path).result()
    except Exception as exc:  # noqa: BLE001 - the download succeeded; the export expires on its own
        click.echo(
            f"Warning: could not delete the temporary export {export_path} ({exc}); it expires within an hour.",
            err=True,
        )
    (target / MARKER).unlink()
    return size


def _link_outside(root: Path) -> str | None:
    """The first symlink under ``root`` (relative name) that resolves outside it, if any."""
    base = root.resolve()
    for dirpath, dirnames, filenames in os.walk(root):  # symlinks to directories are listed, not entered
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            if path.is_symlink() and not path.resolve().is_relative_to(base):
                return str(path.relative_to(root))
    return None


def _extract(archive: Path, target: Path) -> None:
    """Unpack ``archive`` into ``target`` (its single top-level directory becomes ``target``)."""
    staging = target.with_name(f".{target.name}.extracting")
    _remove(staging)
    staging.mkdir()
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(staging, filter="data")  # refuses absolute paths, "..", and links leaving staging
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        _remove(staging)
        raise CliError(f"Cannot extract {archive}: {exc}", "Delete it (or pass --force) and download again.") from None
    entries = list(staging.iterdir())
    root = entries[0] if len(entries) == 1 and entries[0].is_dir() and not entries[0].is_symlink() else staging
    root.rename(target)
    # The filter kept links inside staging, but root moved up: a link to ".." (or through it) now points beside
    # the target. Checked where the links now are, since what a name outside resolves to depends on it.
    escaping = _link_outside(target)
    if escaping is not None:
        _remove(target)
        _remove(staging)
        raise CliError(
            f"Cannot extract {archive}: the link {escaping} points outside the checkpoint",
            "Nothing was extracted; the archive is kept.",
        )
    _remove(staging)


def _download_archive(obj: CliContext, tinker_path: str, target: Path, force: bool, extract: bool) -> tuple[Path, int]:
    from ._clients import rest_client

    archive = target.with_name(target.name + ".tar.gz")
    final = target if extract else archive
    _prepare(final, force, resumable=False)
    if force:
        _remove(archive)
    rest = rest_client()

    def sign() -> str:
        return str(rest.get_checkpoint_archive_url_from_tinker_path(tinker_path).result().url)

    if not archive.exists():  # an archive completed by an earlier run (e.g. before extraction failed) is reused
        with transfer(obj.interactive) as progress:
            fetch_file(sign(), archive, label=archive.name, progress=progress, resign=sign)
    size = archive.stat().st_size
    if extract:
        _extract(archive, target)
        archive.unlink()
    return final, size


def download(
    obj: CliContext, tinker_path: str, output: Path | None, force: bool, archive: bool, extract: bool
) -> dict[str, Any]:
    parsed = parse_checkpoint_path(tinker_path)
    if parsed.checkpoint_type == "sampler" and not (archive or extract):
        raise CliError(
            f"Sampler checkpoints cannot be downloaded as files: {tinker_path}",
            "Download its training checkpoint (tinker://RUN/weights/NAME), or the archive with --archive.",
        )
    parent = output if output is not None else Path.cwd()
    parent.mkdir(parents=True, exist_ok=True)
    target = parent / tinker_path.removeprefix("tinker://").replace("/", "_")
    if archive or extract:
        final, size = _download_archive(obj, tinker_path, target, force, extract)
    else:
        final, size = target, _download_files(obj, tinker_path, parsed.checkpoint_type, target, force)
    result: dict[str, Any] = {"checkpoint_path": tinker_path, "destination": str(final)}
    if size:
        result["file_size_bytes"] = size
    return result
