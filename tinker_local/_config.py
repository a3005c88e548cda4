"""Configuration of the local Tinker server (no third-party imports)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["ModelSpec", "ServerConfig", "parse_model_spec"]


@dataclass(frozen=True)
class ModelSpec:
    """An extra base model served besides the built-in one: a name and a vocabulary size."""

    name: str
    vocab_size: int
    eos_token_ids: tuple[int, ...] = ()
    bos_token_id: int | None = None


_SPEC_RE = re.compile(r"^(?P<name>[^\s]+?):(?P<opts>(?:[a-z_]+=[^,]*)(?:,[a-z_]+=[^,]*)*)$")


def parse_model_spec(text: str | ModelSpec) -> ModelSpec:
    """Parse ``NAME:vocab=N[,eos=ID[+ID...]][,bos=ID]`` (e.g. ``Qwen/Qwen3-8B:vocab=151936,eos=151645``)."""
    if isinstance(text, ModelSpec):
        return text
    if not isinstance(text, str):
        raise TypeError(f"model spec: expected 'NAME:vocab=N', got {text!r}")
    m = _SPEC_RE.match(text.strip())
    if not m:
        raise ValueError(f"model spec {text!r}: expected 'NAME:vocab=N[,eos=ID][,bos=ID]'")
    opts: dict[str, str] = {}
    for part in m.group("opts").split(","):
        k, _, v = part.partition("=")
        opts[k] = v
    unknown = set(opts) - {"vocab", "eos", "bos"}
    if unknown:
        raise ValueError(f"model spec {text!r}: unknown option(s) {sorted(unknown)}; known: vocab, eos, bos")
    if "vocab" not in opts:
        raise ValueError(f"model spec {text!r}: 'vocab=N' is required")
    try:
        vocab = int(opts["vocab"])
        eos = tuple(int(x) for x in opts["eos"].split("+")) if opts.get("eos") else ()
        bos = int(opts["bos"]) if opts.get("bos") else None
    except ValueError:
        raise ValueError(f"model spec {text!r}: vocab/eos/bos must be integers") from None
    if vocab < 2:
        raise ValueError(f"model spec {text!r}: vocab must be >= 2")
    for t in eos + ((bos,) if bos is not None else ()):
        if not 0 <= t < vocab:
            raise ValueError(f"model spec {text!r}: token id {t} outside the vocabulary [0, {vocab})")
    return ModelSpec(m.group("name"), vocab, eos, bos)


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
    api_keys: tuple[str, ...] = ()
    #: Base URL put into the signed download links the server hands out (behind a proxy or a wildcard bind);
    #: default: the address each connection arrived at.
    public_url: str | None = None
    #: Allow the any-key mode on a non-loopback host (anyone who can reach the port can use the server).
    insecure_any_key: bool = False
    state_dir: str | None = None
    #: Extra served base models (``"NAME:vocab=N"`` strings or :class:`ModelSpec`).
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
    #: A model's requests wait this long for a missing ``seq_id`` before failing.
    seq_gap_timeout_s: float = 120.0
    #: Sampling threads (training runs on one thread per model).
    sampling_workers: int = 2
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

    def __post_init__(self) -> None:
        keys = tuple(self.api_keys)
        for k in keys:
            if not isinstance(k, str) or not k.strip() or k != k.strip():
                raise ValueError("api_keys: every key must be a non-empty string without surrounding whitespace")
        object.__setattr__(self, "api_keys", keys)

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
