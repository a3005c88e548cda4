"""The ``tinker`` command line.

``tinker local ...`` runs the offline local server (needs the ``local`` extra); the other commands talk
to any Tinker server through the ``tinker`` SDK (``TINKER_BASE_URL``, ``TINKER_API_KEY``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

__all__ = ["main"]


def _client() -> Any:
    import tinker

    return tinker.RestClient()


def _emit(obj: Any, fmt: str) -> None:
    if fmt == "json":
        data = obj.model_dump(mode="json", exclude_none=True) if hasattr(obj, "model_dump") else obj
        print(json.dumps(data, indent=2, default=str))
    else:
        print(obj)


def _cmd_version(args: argparse.Namespace) -> int:
    from tinker import __version__

    print(f"tinker {__version__} (tinker-oss)")
    return 0


def _cmd_models(args: argparse.Namespace) -> int:
    caps = _client().get_server_capabilities().result()
    if args.format == "json":
        _emit(caps, "json")
        return 0
    needle = (args.substring or "").lower()
    print(f"{'model_name':40} {'max_context_length':>18} trainable sampleable")
    for m in caps.supported_models:
        if needle in (m.model_name or "").lower():
            print(f"{m.model_name or '':40} {m.max_context_length or '':>18} {m.trainable!s:9} {m.sampleable!s}")
    return 0


def _cmd_runs(args: argparse.Namespace) -> int:
    runs = _client().list_training_runs(limit=args.limit).result()
    if args.format == "json":
        _emit(runs, "json")
        return 0
    for run in runs.training_runs:
        last = run.last_checkpoint.tinker_path if run.last_checkpoint else "-"
        print(
            f"{run.training_run_id}\t{run.base_model}\trank={run.lora_rank}\t{run.last_request_time:%Y-%m-%d %H:%M}\t{last}"
        )
    return 0


def _cmd_checkpoints(args: argparse.Namespace) -> int:
    rest = _client()
    resp = (
        rest.list_checkpoints(args.run_id).result() if args.run_id else rest.list_user_checkpoints(args.limit).result()
    )
    if args.format == "json":
        _emit(resp, "json")
        return 0
    for ck in resp.checkpoints:
        print(f"{ck.tinker_path}\t{ck.checkpoint_type}\t{ck.size_bytes or 0} B\t{ck.time:%Y-%m-%d %H:%M}")
    return 0


def _cmd_checkpoint_delete(args: argparse.Namespace) -> int:
    rest = _client()
    for path in args.paths:
        rest.delete_checkpoint_from_tinker_path(path).result()
        print(f"deleted {path}")
    return 0


def _cmd_checkpoint_ttl(args: argparse.Namespace) -> int:
    _client().set_checkpoint_ttl_from_tinker_path(args.path, None if args.remove else args.ttl).result()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tinker", description="Tinker command line (tinker-oss)")
    parser.add_argument("-f", "--format", choices=("table", "json"), default="table")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("version", help="print the SDK version").set_defaults(func=_cmd_version)
    sub.add_parser("local", help="the offline local Tinker server (tinker local serve --help)", add_help=False)
    models = sub.add_parser("model", help="served models").add_subparsers(dest="sub", required=True)
    ml = models.add_parser("list", help="list the base models the server serves")
    ml.add_argument("substring", nargs="?")
    ml.set_defaults(func=_cmd_models)
    runs = sub.add_parser("run", help="training runs").add_subparsers(dest="sub", required=True)
    rl = runs.add_parser("list", help="list training runs")
    rl.add_argument("--limit", type=int, default=20)
    rl.set_defaults(func=_cmd_runs)
    ck = sub.add_parser("checkpoint", help="checkpoints").add_subparsers(dest="sub", required=True)
    cl = ck.add_parser("list", help="list checkpoints")
    cl.add_argument("--run-id")
    cl.add_argument("--limit", type=int, default=100)
    cl.set_defaults(func=_cmd_checkpoints)
    cd = ck.add_parser("delete", help="delete checkpoints by tinker path")
    cd.add_argument("paths", nargs="+")
    cd.set_defaults(func=_cmd_checkpoint_delete)
    ct = ck.add_parser("set-ttl", help="set or remove a checkpoint's expiry")
    ct.add_argument("path")
    group = ct.add_mutually_exclusive_group(required=True)
    group.add_argument("--ttl", type=int, help="seconds from now")
    group.add_argument("--remove", action="store_true", help="never expire")
    ct.set_defaults(func=_cmd_checkpoint_ttl)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["local"]:
        try:
            from tinker_local._cli import main as local_main
        except ImportError as exc:
            print(f"Error: the local server is not installed ({exc}); pip install 'tinker-oss[local]'", file=sys.stderr)
            return 1
        return int(local_main(args_list[1:]) or 0)
    args = build_parser().parse_args(args_list)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the CLI prints every failure as one line
        from tinker import TinkerError

        if isinstance(exc, (TinkerError, ValueError)):
            print(f"Error: {exc}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
