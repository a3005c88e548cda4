"""tinker_local.engine — the local numpy engine behind the Tinker-compatible server.

Pure numpy, no HTTP.  A tiny causal transformer (by default 2 layers, width 64, 4 heads, RoPE,
pre-LN, GELU MLP, context 2048, float32; float64 on request for gradient checks) whose base weights
are derived deterministically from the model name, trained through LoRA adapters.

Public API
----------
Models::

    BUILTIN_MODEL = "tinker-local/tiny-byte"        # byte-level vocab of 259
    registry = ModelRegistry()                       # the built-in model is pre-registered
    registry.register(name, vocab_size, eos_token_ids=(), bos_token_id=None, *,
                      config: ModelConfig | None = None, tokenizer: ServedTokenizer | None = None)
    registry.get(name, dtype=np.float32) -> BaseModel   # lazily built, cached
    registry.served(name) -> ServedModel                 # vocab, ids, config, tokenizer, decode(ids)
    registry.names() -> list[str]
    ModelConfig.sized(n_layers=2, d_model=64, context_length=2048)   # 4 heads, MLP 4 x d_model
    BaseModel: .name .vocab_size .config (ModelConfig) .eos_token_ids .dtype .astype(dtype)

Tokenizers (``tokenizers`` package, nothing downloaded)::

    builtin_tokenizer() -> tokenizers.Tokenizer     builtin_tokenizer_json() -> str (to_str())
    builtin_encode(text) -> list[int]               builtin_decode(ids) -> str
    BOS_ID = 256, EOS_ID = 257, PAD_ID = 258, BUILTIN_VOCAB_SIZE = 259
    load_tokenizer_file(path) -> ServedTokenizer     # a tokenizer.json; BOS/EOS from the files beside it
    synthetic_decode(ids) -> str                     # models without a tokenizer: bytes < 256, else <|id|>

Training::

    LoraConfig(rank=32, seed=0, train_attn=True, train_mlp=True, train_unembed=True, alpha=32.0)
    Datum(tokens: np.ndarray[int] (N,), loss_fn_inputs: dict[str, np.ndarray])
    model = TrainableModel(base: BaseModel, lora: LoraConfig | None = None)
    model.forward(datums, loss_fn, loss_fn_config=None) -> ForwardResult(outputs, metrics)
    model.forward_backward(datums, loss_fn, loss_fn_config=None) -> ForwardResult
    model.optim_step(AdamConfig(learning_rate=1e-4, beta1=0.9, beta2=0.95, eps=1e-12,
                                weight_decay=0.0, grad_clip_norm=0.0)) -> {"grad_norm", "learning_rate", "step"}
    model.snapshot() -> SamplerWeights                # immutable copy
    model.save(path, include_optimizer=True) -> Path ; model.load(path, with_optimizer=True)
    model.step, model.params, model.grads, model.pending_datums, model.zero_grad()
    LOSS_NAMES  # cross_entropy, importance_sampling, ppo, cispo, dro, gspo, stable_reinforce

``outputs[i]`` = ``{"logprobs": float32 shaped like target_tokens, "elementwise_loss": float32 [N]}``
(float64 when the base model was obtained with ``dtype=np.float64``); ``metrics = {"loss:sum": float}``.
Datums may have different lengths (batched internally by length, right-padded).
LoRA: rank-r adapters on q/k/v/o (``train_attn``), up/down MLP projections (``train_mlp``)
and the unembedding (``train_unembed``); ``W_eff = W + (alpha/r)·A@B``, A ~ U(±1/sqrt(fan_in))
seeded by ``LoraConfig.seed``, B = 0 (so a fresh adapter reproduces the base model exactly).  Gradients are *summed* over datums and over
forward_backward calls until ``optim_step`` (which resets them).  Loss formulas, inputs
and defaults: see the ``tinker_local.engine._losses`` docstring (``LOSSES_DOC``).

Sampling::

    SamplingConfig(max_tokens, temperature=1.0, top_k=-1, top_p=1.0, seed=None, stop=None)
    sample(weights: SamplerWeights | BaseModel, prompt, cfg, num_samples=1,
           prompt_logprobs=False, topk_prompt_logprobs=0, decode=None, *,
           topk_sample_logprobs=0, target_prompt_logprobs: PromptTargets | None = None,
           prompt_alt_tokens_k=0) -> SampleResult
    SampleResult(sequences=[SampledSequence(tokens, logprobs, stop_reason, topk_logprobs)],
                 prompt_logprobs, topk_prompt_logprobs, target_prompt_logprobs, alt_tokens, alt_logprobs)
    PromptTargets(rows, ids)    # target_prompt_logprobs cells: logprob of ids[i] at prompt row rows[i]
    sample_stream(...same args...) -> Iterator[PromptEvent | TokenEvent | DoneEvent]
    SamplerWeights.load(path, registry_or_base) ; SamplerWeights.save(path)

Semantics in the ``_sampling`` and ``_prompt_scores`` docstrings.

Server-side custom losses (semantics, supported operations: ``_custom_loss``, ``_loss_ops``)::

    loss = compile_custom_loss(name, inputs=[{"name": "logprobs", "rank": 1}, ...], graph={"format": 1, ...})
    batch = prepare_custom_batch(base, datums, loss, where="data")   # every datum checked, nothing run
    batch.run(model, backward=True) -> ForwardResult(outputs=[{"logprobs"}], metrics={"loss:sum", "custom/...})

Checkpoint layout (PEFT ``adapter_config.json`` +
hand-written ``adapter_model.safetensors`` + optional ``optimizer_state.safetensors``, written
atomically) in the ``_checkpoint`` docstring; ``read_adapter_config(path)`` reads the config.

Errors: every invalid input raises ``EngineInputError`` (a ``ValueError``) naming the field
and, for shapes, the expected and actual shape; nothing is modified when it is raised.
Float overflow counts as invalid input: an ``optim_step`` that would make a weight or Adam
moment non-finite (e.g. learning_rate 1e30) is not applied (gradients kept for a retry); a
``forward``/``forward_backward``/sampling call whose logprobs, losses, gradients or logits
would be NaN/inf raises instead (naming the cause, e.g. adapter weights blown up by an
earlier step) and accumulates nothing; non-finite accumulated gradients (written directly
to ``grads``) are refused by ``optim_step`` and discarded.

BLAS threads: on import the engine sets numpy's OpenBLAS to **1 thread** (process-wide),
because multi-threaded OpenBLAS stalls 5-20x on a shared 2-core machine; the engine instead
runs large forward/forward_backward calls as two length-bucketed halves on 2 threads of its own
(numpy releases the GIL; gradients are combined in a fixed order, so results are reproducible run
to run, though not bitwise equal to a one-thread run: other BLAS shapes sum in another order).
It leaves BLAS alone when ``OPENBLAS_NUM_THREADS`` or ``OMP_NUM_THREADS`` is set, or when
``TINKER_ENGINE_BLAS_THREADS=0``; any other value of that variable is the thread count to use.
``set_blas_threads(n)`` changes it at run time.

Malloc: on import the engine also keeps 64 MiB of freed memory at the top of each glibc heap (``M_TOP_PAD``,
process-wide): with glibc's defaults every training step gave its arrays back to the kernel and faulted them in
again (a third of a small step's time). ``MALLOC_TOP_PAD_`` or ``TINKER_ENGINE_MALLOC_PAD_MIB=0`` leaves malloc
alone; another value of the latter is the padding in MiB. ``set_malloc_pad(mib)`` changes it at run time.

Threads: one ``TrainableModel`` must be used by one thread at a time; ``SamplerWeights``,
``BaseModel`` and ``sample``/``sample_stream`` hold no shared mutable state and may be used
from many threads at once.
"""

from ._blas import apply_default_blas_threads, set_blas_threads
from ._checkpoint import read_adapter_config
from ._custom_loss import CustomLoss, CustomLossBatch, compile_custom_loss, prepare_custom_batch
from ._errors import EngineInputError
from ._losses import LOSS_NAMES, LOSSES, get_loss
from ._losses import __doc__ as LOSSES_DOC
from ._malloc import apply_default_malloc_pad, set_malloc_pad
from ._model import BaseModel, LoraConfig, ModelConfig
from ._optim import AdamConfig
from ._prompt_scores import PromptTargets
from ._registry import BUILTIN_MODEL, ModelRegistry, ServedModel
from ._sampling import (
    DoneEvent,
    PromptEvent,
    SampledSequence,
    SampleResult,
    SamplingConfig,
    StreamEvent,
    TokenEvent,
    sample,
    sample_stream,
)
from ._tokenizer import (
    BOS_ID,
    BUILTIN_VOCAB_SIZE,
    EOS_ID,
    PAD_ID,
    ServedTokenizer,
    builtin_decode,
    builtin_encode,
    builtin_tokenizer,
    builtin_tokenizer_json,
    load_tokenizer_file,
    synthetic_decode,
)
from ._trainable import Batch, Datum, ForwardResult, SamplerWeights, TrainableModel, prepare_batch

Sequence = SampledSequence  # the name used in the design brief (not in __all__: would shadow typing.Sequence)

apply_default_blas_threads()
apply_default_malloc_pad()

__all__ = [
    "BOS_ID",
    "BUILTIN_MODEL",
    "BUILTIN_VOCAB_SIZE",
    "EOS_ID",
    "LOSSES",
    "LOSSES_DOC",
    "LOSS_NAMES",
    "PAD_ID",
    "AdamConfig",
    "BaseModel",
    "Batch",
    "CustomLoss",
    "CustomLossBatch",
    "Datum",
    "DoneEvent",
    "EngineInputError",
    "ForwardResult",
    "LoraConfig",
    "ModelConfig",
    "ModelRegistry",
    "PromptEvent",
    "PromptTargets",
    "SampleResult",
    "SampledSequence",
    "SamplerWeights",
    "SamplingConfig",
    "ServedModel",
    "ServedTokenizer",
    "StreamEvent",
    "TokenEvent",
    "TrainableModel",
    "builtin_decode",
    "builtin_encode",
    "builtin_tokenizer",
    "builtin_tokenizer_json",
    "compile_custom_loss",
    "get_loss",
    "load_tokenizer_file",
    "prepare_batch",
    "prepare_custom_batch",
    "read_adapter_config",
    "sample",
    "sample_stream",
    "set_blas_threads",
    "set_malloc_pad",
    "synthetic_decode",
]
