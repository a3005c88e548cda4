"""Command line: ``tinker local serve [...]`` (dispatched by the ``tinker`` CLI) and ``python -m tinker_local``."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from ._config import ServerConfig, parse_model_spec

__all__ = ["build_parser", "main"]


def _model_arg(text: str) -> str:
    try:
        parse_model_spec(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    return text


def build_parser(prog: str = "tinker local") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, description="Run an offline, Tinker-compatible server with a tiny numpy model."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    s = sub.add_parser(
        "serve",
        help="serve the Tinker HTTP API on loopback",
        description="Serve the Tinker HTTP API. Prints the base URL on one line once /api/v1/healthz answers.",
    )
    s.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=8000, help="port; 0 picks a free one (default 8000)")
    s.add_argument(
        "--state-dir",
        default=None,
        help="keep runs and checkpoints here across restarts (default: a temporary directory removed on exit)",
    )
    s.add_argument(
        "--model",
        action="append",
        default=[],
        type=_model_arg,
        metavar="NAME:vocab=N",
        help="serve another base model name with a synthetic vocabulary (repeatable); "
        "options: vocab=N (required), eos=ID[+ID], bos=ID",
    )
    s.add_argument("--port-file", default=None, help="also write the base URL to this file once healthy")
    s.add_argument(
        "--retrieve-timeout", type=float, default=30.0, help="long-poll window of retrieve_future in seconds"
    )
    s.add_argument(
        "--seq-gap-timeout",
        type=float,
        default=120.0,
        help="seconds a model waits for a missing seq_id before failing the requests behind it",
    )
    s.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    return parser


def main(argv: Sequence[str] | None = None, prog: str = "tinker local") -> int:
    args = build_parser(prog).parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.command == "serve":
        logging.basicConfig(
            level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
        try:
            config = ServerConfig(
                host=args.host,
                port=args.port,
                state_dir=args.state_dir,
                models=tuple(args.model),
                retrieve_timeout_s=args.retrieve_timeout,
                seq_gap_timeout_s=args.seq_gap_timeout,
            )
            config.model_specs()
        except ValueError as e:
            print(f"{prog} serve: {e}", file=sys.stderr)
            return 2
        from ._runner import serve

        try:
            return serve(config, port_file=args.port_file, log_level=args.log_level)
        except ValueError as e:
            print(f"{prog} serve: {e}", file=sys.stderr)
            return 2
    return 2  # pragma: no cover
