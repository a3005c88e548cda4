"""Configuration of the local Tinker server (no third-party imports)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["SPEC_SYNTAX", "ModelSpec", "ServerConfig", "parse_model_spec"]


#: Bounds of the ``--model`` options. The engine is numpy on CPU: beyond these a model is too large to build or
#: too slow to use, and e.g. a context of 10**9 would try to allocate its RoPE table at once.
MAX_VOCAB = 1 << 20
MAX_CONTEXT = 1 << 17
MAX_LAYERS = 64
MAX_WIDTH = 2048
#: Base weights of one model (embedding + layers + unembedding), 1 GiB in float32.
MAX_BASE_PARAMETERS = 1 << 28

_OPTIONS = ("vocab", "tokenizer", "eos", "bos", "ctx", "layers", "width")
SPEC_SYNTAX = "NAME[:vocab=N][,tokenizer=PATH|none][,eos=ID[+ID...]][,bos=ID][,ctx=N][,layers=N][,width=N]"


@dataclass(frozen=True)
class ModelSpec:
    """A base model served besides the built-in one (``--model NAME[:OPTIONS]``).

    ``None`` means "not given": the vocabulary size and BOS/EOS then come from the tokenizer (``tokenizer=PATH``
    or found in the local Hugging Face cache); ``tokenizer="none"`` serves the synthetic vocabulary even if a
    tokenizer is cached. ``context_length``, ``n_layers`` and ``d_model`` shape the model (defaults as the
    built-in one).
    """

    name: str
    vocab_size: int | None = None
    eos_token_ids: tuple[int, ...] | None = None
    bos_token_id: int | None = None
    tokenizer: str | None = None
    context_length: int = 2048
    n_layers: int = 2
    d_model: int = 64


_SPEC_RE = re.compile(r"^(?P<name>[^\s]+?):(?P<opts>(?:[a-z_]+=[^,]*)(?:,[a-z_]+=[^,]*)*)$")


def _bounded(text: str, key: str, value: str, lo: int, hi: int, why: str = "") -> int:
    try:
        n = int(value)
    except ValueError:
        raise ValueError(f"model spec {text!r}: {key}= must be an integer, got {value!r}") from None
    if not lo <= n <= hi:
        raise ValueError(f"model spec {text!r}: {key}={n} is out of range; allowed: {lo:,} to {hi:,}{why}")
    return n


def parse_model_spec(text: str | ModelSpec) -> ModelSpec:
    """Parse ``--model`` (``SPEC_SYNTAX``), e.g. ``Qwen/Qwen3-8B:vocab=151936,eos=151645,ctx=4096``.

    Checks the syntax and each option's bounds; whether a tokenizer exists and agrees with ``vocab=`` is
    checked when the server starts (``tinker_local.service.served``).
    """
    if isinstance(text, ModelSpec):
        return text
    if not isinstance(text, str):
        raise TypeError(f"model spec: expected {SPEC_SYNTAX!r}, got {text!r}")
    stripped = text.strip()
    if "=" not in stripped:  # a bare name: everything from its tokenizer
        if not stripped or stripped.endswith(":") or any(c.isspace() for c in stripped):
            raise ValueError(f"model spec {text!r}: expected {SPEC_SYNTAX}")
        return ModelSpec(stripped)
    m = _SPEC_RE.match(stripped)
    if not m:
        raise ValueError(f"model spec {text!r}: expected {SPEC_SYNTAX}")
    opts: dict[str, str] = {}
    for part in m.group("opts").split(","):
        k, _, v = part.partition("=")
        if k in opts:
            raise ValueError(f"model spec {text!r}: option {k}= given twice")
        opts[k] = v
    unknown = set(opts) - set(_OPTIONS)
    if unknown:
        raise ValueError(f"model spec {text!r}: unknown option(s) {sorted(unknown)}; known: {', '.join(_OPTIONS)}")
    vocab = _bounded(text, "vocab", opts["vocab"], 2, MAX_VOCAB) if "vocab" in opts else None
    top, why = (vocab - 1, f" (token ids are below vocab={vocab})") if vocab else (MAX_VOCAB - 1, "")
    eos = None
    if "eos" in opts:
        eos = tuple(_bounded(text, "eos", x, 0, top, why) for x in opts["eos"].split("+")) if opts["eos"] else ()
    bos = _bounded(text, "bos", opts["bos"], 0, top, why) if opts.get("bos") else None
    tokenizer = opts.get("tokenizer")
    if tokenizer is not None and not tokenizer.strip():
        raise ValueError(f"model spec {text!r}: tokenizer= needs a path to a tokenizer.json (or 'none')")
    width = _bounded(text, "width", opts.get("width", "64"), 8, MAX_WIDTH)
    if width % 8:  # 4 attention heads, each an even width for RoPE
        raise ValueError(f"model spec {text!r}: width={width} must be a multiple of 8")
    return ModelSpec(
        m.group("name"),
        vocab,
        eos,
        bos,
        tokenizer,
        context_length=_bounded(text, "ctx", opts.get("ctx", "2048"), 2, MAX_CONTEXT),
        n_layers=_bounded(text, "layers", opts.get("layers", "2"), 1, MAX_LAYERS),
        d_model=width,
    )


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name may resolve to anything


@dataclass(frozen=True)
class ServerConfig:
    """Every knob of the local server. Durations are seconds, sizes bytes.

    ``state_dir=None`` uses a temporary directory that is removed when the server stops; a given
    directory persists (runs, checkpoints, sessions, audit log, usage counters) and is reloaded on
    the next start.
    """

    host: str = "127.0.0.1"
    port: int = 0
    #: Accepted API keys. Empty: any non-empty key is accepted and every key sees every resource, which is
    #: only allowed on a loopback host (see ``check_exposure``). Given: other keys get 401, and each key sees
    #: only its own sessions, runs, models, samplers, futures and checkpoints (plus published checkpoints).
    api_keys: tuple[str, ...] = dataclasses.field(default=(), repr=False)
    #: Base URL put into the signed download links the server hands out (behind a proxy or a wildcard bind);
    #: default: the address each connection arrived at.
    public_url: str | None = None
    #: Allow the any-key mode on a non-loopback host (anyone who can reach the port can use the server).
    insecure_any_key: bool = False
    state_dir: str | None = None
    #: Extra served base models (``--model`` strings, see ``SPEC_SYNTAX``, or :class:`ModelSpec`).
    models: tuple[Any, ...] = ()
    #: Long-poll window of ``retrieve_future`` before answering 408.
    retrieve_timeout_s: float = 30.0
    #: Default long-poll window of ``retrieve_futures`` (when the request's ``timeout`` is null).
    retrieve_futures_timeout_s: float = 30.0
    #: How long a result stays retrievable after it was first delivered.
    future_ttl_s: float = 600.0
    #: How long a finished result that was never delivered is kept.
    undelivered_future_ttl_s: float = 86400.0
    #: ``allow_metadata_only`` polls get the metadata-only reply above this payload size.
    metadata_only_threshold_bytes: int = 1 << 20
    #: Answer ``X-Tinker-Result-Wait`` (contract extension) with the finished sample in the submit's reply; off,
    #: every result is fetched with ``retrieve_future`` as from the hosted service.
    inline_results: bool = True
    #: A model's requests wait this long for a missing ``seq_id`` before failing.
    seq_gap_timeout_s: float = 120.0
    #: Sampling threads: they run ``stream_sample``, and ``asample`` when ``sampling_processes`` is 0 (training runs
    #: on one thread per model).
    sampling_workers: int = 2
    #: Engine processes that run ``asample`` off the server's GIL (``service/sample_process.py``), started with the
    #: first sampling session; 0 runs it on the sampling threads.
    sampling_processes: int = 1
    #: Cap of a request body after decompression (413 beyond).
    max_body_bytes: int = 256 << 20
    #: Bound on the body bytes (received plus decompressed) of all requests being read and handled at once;
    #: beyond it requests get 503 + Retry-After. One request up to ``max_body_bytes`` is always admitted.
    max_inflight_body_bytes: int = 512 << 20
    #: ``num_samples * (prompt + max_tokens)`` cap of one sample request (KV-cache memory bound).
    max_sample_batch_tokens: int = 1 << 18
    #: Validity of signed download URLs (archives, external weights, traces).
    signed_url_ttl_s: float = 3600.0
    #: Test knob: sleep this long after each streamed token (``stream_sample``).
    stream_token_delay_s: float = 0.0
    #: Test knob: sleep this long before running each training request (makes ordering observable).
    train_delay_s: float = 0.0
    #: Period of the housekeeping sweep (expired futures and checkpoints).
    janitor_interval_s: float = 5.0
    #: The request audit log (a JSON line per mutating request, with the key's fingerprint); default
    #: ``request-audit.jsonl`` in the state directory.
    audit_log: str | None = None
    #: ``"json"`` imitates the Tinker-compatible servers that read only JSON (``http/json_only.py``): no client
    #: config, protobuf bodies answered 500, FastAPI-style 422s, timestamps without a timezone.
    wire: str = "protobuf"

    def __post_init__(self) -> None:
        keys = tuple(self.api_keys)
        for k in keys:
            if not isinstance(k, str) or not k.strip() or k != k.strip():
                raise ValueError("api_keys: every key must be a non-empty string without surrounding whitespace")
        object.__setattr__(self, "api_keys", keys)
        if isinstance(self.sampling_processes, bool) or not isinstance(self.sampling_processes, int):
            raise TypeError(f"sampling_processes: expected a whole number, got {self.sampling_processes!r}")
        if not 0 <= self.sampling_processes <= 64:
            raise ValueError(f"sampling_processes: expected 0 (sample on threads) to 64, got {self.sampling_processes}")
        if self.wire not in ("protobuf", "json"):
            raise ValueError(f"wire: expected 'protobuf' or 'json', got {self.wire!r}")

    def check_exposure(self) -> None:
        """Refuse the any-key mode on an interface other hosts can reach."""
        if self.api_keys or self.insecure_any_key or _is_loopback(self.host):
            return
        raise ValueError(
            f"refusing to serve {self.host!r} without API keys: anyone who can reach it could use the server. "
            "Pass --api-key KEY (or --api-key-file / TINKER_LOCAL_API_KEYS), bind 127.0.0.1, or accept the risk "
            "with --insecure-any-key"
        )

    def replace(self, **changes: Any) -> ServerConfig:
        return dataclasses.replace(self, **changes)

    def model_specs(self) -> list[ModelSpec]:
        return [parse_model_spec(m) for m in self.models]

    @classmethod
    def from_kwargs(cls, **kwargs: Any) -> ServerConfig:
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(kwargs) - names
        if unknown:
            raise TypeError(f"unknown ServerConfig field(s): {sorted(unknown)}; known: {sorted(names)}")
        if "models" in kwargs and kwargs["models"] is not None:
            kwargs["models"] = tuple(kwargs["models"])
        return cls(**kwargs)
