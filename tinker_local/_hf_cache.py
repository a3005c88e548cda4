"""Finding a model's ``tokenizer.json`` in the local Hugging Face cache: files only, never the network."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

__all__ = ["find_cached_tokenizer", "hub_cache_dir"]


def hub_cache_dir(environ: Mapping[str, str]) -> Path:
    """The hub cache ``huggingface_hub`` itself would use: ``HF_HUB_CACHE`` (or its older name
    ``HUGGINGFACE_HUB_CACHE``), else ``HF_HOME/hub``, else ``$XDG_CACHE_HOME/huggingface/hub``, else
    ``~/.cache/huggingface/hub``."""
    for var in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"):
        if environ.get(var):
            return Path(environ[var]).expanduser()
    if environ.get("HF_HOME"):
        return Path(environ["HF_HOME"]).expanduser() / "hub"
    xdg = environ.get("XDG_CACHE_HOME") or os.path.join("~", ".cache")
    return Path(xdg).expanduser() / "huggingface" / "hub"


def find_cached_tokenizer(name: str, environ: Mapping[str, str]) -> Path | None:
    """``<cache>/models--Org--Name/snapshots/<revision>/tokenizer.json`` of ``name``, or None.

    The revision ``refs/main`` points at comes first; otherwise the most recently written snapshot (ties by
    name, so the choice is deterministic). A dangling link (an interrupted download) is skipped.
    """
    repo = hub_cache_dir(environ) / ("models--" + name.replace("/", "--"))
    snapshots = repo / "snapshots"
    if not snapshots.is_dir():
        return None
    candidates: list[Path] = []
    try:
        main = (repo / "refs" / "main").read_text(encoding="utf-8").strip()
    except OSError:
        main = ""
    if main and "/" not in main and main not in (".", ".."):
        candidates.append(snapshots / main)
    try:
        dirs = [d for d in snapshots.iterdir() if d.is_dir()]
    except OSError:
        dirs = []
    candidates += sorted(dirs, key=lambda d: (-d.lstat().st_mtime_ns, d.name))
    for snap in candidates:
        path = snap / "tokenizer.json"
        if path.is_file():
            return path
    return None
