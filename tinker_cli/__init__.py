"""The ``tinker`` command line.

``tinker local ...`` runs the offline local server (the ``local`` extra) and needs nothing else. Every other
command talks to a Tinker server through the SDK facade (``TINKER_BASE_URL``, ``TINKER_API_KEY``) and needs
the ``cli`` extra (click and rich): ``pip install 'tinker-oss[cli]'``.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence

__all__ = ["main"]

INSTALL_HINT = "Error: the tinker command needs its CLI extra: pip install 'tinker-oss[cli]'"


def _run_local(argv: list[str]) -> int:
    try:
        from tinker_local._cli import main as local_main
    except ImportError as exc:
        print(f"Error: the local server is not installed ({exc}); pip install 'tinker-oss[local]'", file=sys.stderr)
        return 1
    return int(local_main(argv) or 0)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 failure, 2 usage error, 130 interrupted)."""
    args = list(sys.argv[1:] if argv is None else argv)
    # `tinker local` is argparse-based and dispatched before click is imported, so a server-only install
    # (the `local` extra without `cli`) still runs it.
    if args[:1] == ["local"]:
        return _run_local(args[1:])
    try:
        import click  # noqa: F401

        # Located, not imported: tables and progress bars import rich when they draw, so --help stays light.
        if importlib.util.find_spec("rich") is None:
            raise ImportError("rich")
    except (ImportError, ValueError):  # ValueError: find_spec of a module blocked in sys.modules
        print(INSTALL_HINT, file=sys.stderr)
        return 1
    from ._app import run

    return run(args)
