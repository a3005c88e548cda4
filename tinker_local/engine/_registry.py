"""The registry of served base models: per name the vocabulary, special ids, shape and tokenizer."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from ._errors import EngineInputError
from ._model import BaseModel, ModelConfig
from ._tokenizer import BUILTIN_VOCAB_SIZE, ServedTokenizer, builtin_served_tokenizer, synthetic_decode

__all__ = ["BUILTIN_MODEL", "ModelRegistry", "ServedModel"]

BUILTIN_MODEL = "tinker-local/tiny-byte"


@dataclass(frozen=True)
class ServedModel:
    """What the registry knows of a served name: vocabulary, special ids, shape and tokenizer (if any)."""

    name: str
    vocab_size: int
    eos_token_ids: tuple[int, ...]
    bos_token_id: int | None
    config: ModelConfig
    tokenizer: ServedTokenizer | None

    def decode(self, ids: list[int]) -> str:
        """Text of ``ids``: the tokenizer's decoding, or the synthetic vocabulary's (``synthetic_decode``)."""
        return self.tokenizer.decode(ids) if self.tokenizer is not None else synthetic_decode(ids)


class ModelRegistry:
    """Base models by name.  The built-in byte-level model is registered at creation.

    ``register(name, vocab_size, eos_token_ids=(), bos_token_id=None, config=None, tokenizer=None)``
    adds a name (idempotent when everything matches); ``get(name, dtype=np.float32)`` builds the weights
    lazily on first use and caches them; ``served(name)`` describes a name without building anything.
    Thread-safe.
    """

    def __init__(self, config: ModelConfig | None = None) -> None:
        self._config = config or ModelConfig()
        self._served: dict[str, ServedModel] = {}
        self._cache: dict[tuple[str, str], BaseModel] = {}
        self._lock = threading.Lock()
        builtin = builtin_served_tokenizer()
        self.register(
            BUILTIN_MODEL,
            BUILTIN_VOCAB_SIZE,
            eos_token_ids=builtin.eos_token_ids,
            bos_token_id=builtin.bos_token_id,
            tokenizer=builtin,
        )

    def register(
        self,
        name: str,
        vocab_size: int,
        eos_token_ids: tuple[int, ...] | list[int] = (),
        bos_token_id: int | None = None,
        *,
        config: ModelConfig | None = None,
        tokenizer: ServedTokenizer | None = None,
    ) -> None:
        if not isinstance(name, str) or not name:
            raise EngineInputError(f"name: expected a non-empty string, got {name!r}")
        if isinstance(vocab_size, bool) or not isinstance(vocab_size, (int, np.integer)) or vocab_size < 1:
            raise EngineInputError(f"vocab_size: expected a positive integer, got {vocab_size!r}")
        eos = tuple(int(t) for t in eos_token_ids)
        for t in eos + ((bos_token_id,) if bos_token_id is not None else ()):
            if not 0 <= t < vocab_size:
                raise EngineInputError(f"eos_token_ids/bos_token_id: token {t} outside vocab [0, {vocab_size})")
        if tokenizer is not None and tokenizer.vocab_size > vocab_size:
            raise EngineInputError(
                f"vocab_size: {vocab_size} is smaller than the tokenizer's {tokenizer.vocab_size} tokens "
                f"({tokenizer.source})"
            )
        served = ServedModel(name, int(vocab_size), eos, bos_token_id, config or self._config, tokenizer)
        with self._lock:
            old = self._served.get(name)
            if old is not None and old != served:
                raise EngineInputError(f"name: model {name!r} is already registered as {old}")
            self._served[name] = served

    def names(self) -> list[str]:
        with self._lock:
            return sorted(self._served)

    def __contains__(self, name: object) -> bool:
        with self._lock:
            return name in self._served

    def served(self, name: str) -> ServedModel:
        with self._lock:
            served = self._served.get(name)
            if served is None:
                raise EngineInputError(f"base_model: unknown model {name!r}; registered: {sorted(self._served)}")
            return served

    def get(self, name: str, dtype: type | np.dtype = np.float32) -> BaseModel:
        dt = np.dtype(dtype)
        served = self.served(name)
        with self._lock:
            key = (name, dt.str)
            m = self._cache.get(key)
            if m is None:
                f32 = self._cache.get((name, np.dtype(np.float32).str))
                if f32 is None:
                    f32 = BaseModel(
                        name,
                        served.vocab_size,
                        config=served.config,
                        eos_token_ids=served.eos_token_ids,
                        bos_token_id=served.bos_token_id,
                    )
                    self._cache[(name, f32.dtype.str)] = f32
                m = f32.astype(dt)
                self._cache[key] = m
            return m
