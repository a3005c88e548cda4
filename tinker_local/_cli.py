"""Command line: ``tinker local serve [...]`` (dispatched by the ``tinker`` CLI) and ``python -m tinker_local``."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

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
        metavar="NAME[:OPTIONS]",
        help="serve another base model (repeatable). Options, comma-separated: vocab=N (vocabulary size); "
        "tokenizer=PATH (a tokenizer.json or its directory; default: NAME's snapshot in the local Hugging Face "
        "cache, if any; 'none' skips it); eos=ID[+ID] and bos=ID (default: the tokenizer's); ctx=N (context "
        "length, default 2048); layers=N (default 2); width=N (default 64, a multiple of 8). Without a "
        "tokenizer, vocab=N is required and ids decode as bytes (< 256) or <|id|>",
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
    s.add_argument(
        "--api-key",
        action="append",
        default=[],
        metavar="KEY",
        help="accept only this API key (repeatable); each key sees only its own sessions, runs and checkpoints. "
        "Prefer --api-key-file or TINKER_LOCAL_API_KEYS: command lines are visible to other local users",
    )
    s.add_argument(
        "--api-key-file",
        action="append",
        default=[],
        metavar="PATH",
        help="read accepted API keys from a file, one per line (blank lines and # comments ignored)",
    )
    s.add_argument(
        "--insecure-any-key",
        action="store_true",
        help="allow serving a non-loopback --host without API keys (anyone who reaches the port gets in)",
    )
    s.add_argument("--public-url", default=None, help="base URL for the download links the server hands out")
    s.add_argument("--max-body-bytes", type=int, default=256 << 20, help="largest request body, after decompression")
    s.add_argument(
        "--max-inflight-body-bytes",
        type=int,
        default=512 << 20,
        help="bound on the body bytes of all requests in flight; beyond it requests get 503 + Retry-After",
    )
    s.add_argument(
        "--wire",
        default="protobuf",
        choices=["protobuf", "json"],
        help="json: imitate a server that reads only JSON (no client config, protobuf bodies answered 500, "
        "FastAPI-style 422s, timestamps without a timezone), to test clients against such servers",
    )
    s.add_argument(
        "--no-inline-results",
        dest="inline_results",
        action="store_false",
        help="never answer a sample submit with its result (extension X-Tinker-Result-Wait): every result is "
        "polled with retrieve_future, as from the hosted service",
    )
    s.add_argument(
        "--sampling-processes",
        type=int,
        default=1,
        metavar="N",
        help="engine processes that run sample requests, off the server's GIL (default 1); 0 runs them on threads "
        "of the server process",
    )
    s.add_argument(
        "--audit-log",
        default=None,
        metavar="PATH",
        help="append a JSON line per mutating request (with the API key's fingerprint) here "
        "(default: request-audit.jsonl in the state directory)",
    )
    s.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    return parser


def read_api_keys(args: argparse.Namespace, environ: Mapping[str, str]) -> tuple[str, ...]:
    """Keys from --api-key, --api-key-file and TINKER_LOCAL_API_KEYS (comma- or newline-separated)."""
    keys = list(args.api_key)
    for path in args.api_key_file:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as e:
            raise ValueError(f"--api-key-file {path}: cannot read it ({e.strerror})") from None
        keys += [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    env = environ.get("TINKER_LOCAL_API_KEYS", "")
    keys += [k.strip() for k in env.replace("\n", ",").replace("\r", ",").split(",") if k.strip()]
    return tuple(dict.fromkeys(keys))


def main(argv: Sequence[str] | None = None, prog: str = "tinker local") -> int:
    args = build_parser(prog).parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.command == "serve":
        logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        try:
            config = ServerConfig(
                host=args.host,
                port=args.port,
                state_dir=args.state_dir,
                models=tuple(args.model),
                retrieve_timeout_s=args.retrieve_timeout,
                wire=args.wire,
                seq_gap_timeout_s=args.seq_gap_timeout,
                api_keys=read_api_keys(args, os.environ),
                insecure_any_key=args.insecure_any_key,
                public_url=args.public_url,
                max_body_bytes=args.max_body_bytes,
                max_inflight_body_bytes=args.max_inflight_body_bytes,
                audit_log=args.audit_log,
                inline_results=args.inline_results,
                sampling_processes=args.sampling_processes,
            )
            config.model_specs()
            config.check_exposure()
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
