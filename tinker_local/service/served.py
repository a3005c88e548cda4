"""The ``--model`` base models: each spec resolved to a vocabulary, special ids, a shape and a tokenizer.

Where the tokenizer comes from: ``tokenizer=PATH`` (a ``tokenizer.json`` or a directory holding one), else the
model's snapshot in the local Hugging Face cache (``tinker_local._hf_cache``), else none (``tokenizer=none``
skips the search): the model then has a synthetic vocabulary of ``vocab=N`` ids, decoded as
``engine.synthetic_decode`` documents.

Vocabulary size: the tokenizer's, or ``vocab=N`` when given. ``vocab=N`` may exceed the tokenizer (real
checkpoints pad their embedding too); below it, an explicit ``tokenizer=`` is an error, while a tokenizer merely
found in the cache wins, with a warning (its token ids must fit the model). BOS/EOS: ``bos=``/``eos=`` when
given, else the tokenizer's.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

from .. import engine as eng
from .._config import MAX_BASE_PARAMETERS, MAX_VOCAB, ModelSpec
from .._hf_cache import find_cached_tokenizer, hub_cache_dir

__all__ = ["register_served_models"]

log = logging.getLogger("tinker_local")


def register_served_models(registry: eng.ModelRegistry, specs: Iterable[ModelSpec], environ: Mapping[str, str]) -> None:
    """Register every spec; ``ValueError`` naming the model, the option at fault and the fix."""
    for spec in specs:
        served = resolve(spec, environ)
        try:
            registry.register(
                served.name,
                served.vocab_size,
                served.eos_token_ids,
                served.bos_token_id,
                config=served.config,
                tokenizer=served.tokenizer,
            )
        except eng.EngineInputError as e:
            raise ValueError(f"--model {spec.name}: {e}") from None
        tok = served.tokenizer
        log.info(
            "serving %s: vocab %d, context %d, %d layers, width %d, %s",
            served.name,
            served.vocab_size,
            served.config.context_length,
            served.config.n_layers,
            served.config.d_model,
            f"tokenizer {tok.source}" if tok else "synthetic vocabulary (no tokenizer)",
        )


def resolve(spec: ModelSpec, environ: Mapping[str, str]) -> eng.ServedModel:
    where = f"--model {spec.name}"
    tok = _tokenizer(spec, environ)
    vocab = spec.vocab_size
    if tok is not None:
        if tok.vocab_size > MAX_VOCAB:
            raise ValueError(
                f"{where}: the tokenizer {tok.source} has {tok.vocab_size:,} tokens, more than the local "
                f"engine's limit of {MAX_VOCAB:,}"
            )
        if vocab is None:
            vocab = tok.vocab_size
        elif vocab < tok.vocab_size:
            if spec.tokenizer is not None:
                raise ValueError(
                    f"{where}: vocab={vocab} is smaller than the {tok.vocab_size:,} tokens of tokenizer={spec.tokenizer}; "
                    f"drop vocab= (the tokenizer's size is used) or set vocab={tok.vocab_size} or more"
                )
            log.warning(
                "%s: vocab=%d is smaller than the %d tokens of the tokenizer found in the Hugging Face cache "
                "(%s); serving %d ids. Pass tokenizer=none to serve the synthetic vocabulary of %d instead",
                where,
                vocab,
                tok.vocab_size,
                tok.source,
                tok.vocab_size,
                vocab,
            )
            vocab = tok.vocab_size
    if vocab is None:
        raise ValueError(
            f"{where}: no vocabulary size: give vocab=N (a synthetic vocabulary), tokenizer=PATH (a tokenizer.json), "
            f"or put the model's tokenizer.json in the Hugging Face cache ({hub_cache_dir(environ)}, set by "
            "HF_HUB_CACHE or HF_HOME)"
        )
    eos = spec.eos_token_ids if spec.eos_token_ids is not None else (tok.eos_token_ids if tok else ())
    bos = spec.bos_token_id if spec.bos_token_id is not None else (tok.bos_token_id if tok else None)
    for option, ids in (("eos", eos), ("bos", () if bos is None else (bos,))):
        for t in ids:
            if t >= vocab:
                raise ValueError(f"{where}: {option}={t} is outside the vocabulary [0, {vocab})")
    try:
        config = eng.ModelConfig.sized(n_layers=spec.n_layers, d_model=spec.d_model, context_length=spec.context_length)
    except eng.EngineInputError as e:
        raise ValueError(f"{where}: {e}") from None
    params = config.base_parameters(vocab)
    if params > MAX_BASE_PARAMETERS:
        raise ValueError(
            f"{where}: {params:,} base weights ({params * 4 / 2**30:.1f} GiB in float32) exceed the local engine's "
            f"limit of {MAX_BASE_PARAMETERS:,}; lower width= or layers= (or the vocabulary)"
        )
    return eng.ServedModel(spec.name, vocab, tuple(eos), bos, config, tok)


def _tokenizer(spec: ModelSpec, environ: Mapping[str, str]) -> eng.ServedTokenizer | None:
    if spec.tokenizer is not None and spec.tokenizer.lower() == "none":
        return None
    path = spec.tokenizer if spec.tokenizer is not None else find_cached_tokenizer(spec.name, environ)
    if path is None:
        return None
    option = "tokenizer=" if spec.tokenizer is not None else "the Hugging Face cache's tokenizer"
    try:
        return eng.load_tokenizer_file(path)
    except eng.EngineInputError as e:
        fix = "point tokenizer= at a tokenizer.json" if spec.tokenizer else "pass tokenizer=PATH or tokenizer=none"
        raise ValueError(f"--model {spec.name}: {option} {e}; {fix}") from None
