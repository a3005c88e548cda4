"""The tiny causal transformer: base models, LoRA adapters and the maths (the registry: ``_registry``).

Architecture (the same for every base model; vocabulary, context length, layer count and width are
per model, ``ModelConfig``):

* token embedding ``embed`` [V, d] (no positional table: RoPE on q and k);
* ``n_layers`` pre-LN blocks: ``x += o_proj(attn(LN(x)))``, ``x += down_proj(gelu(up_proj(LN(x))))``;
  LayerNorm without affine parameters (eps 1e-5), GELU = tanh approximation,
  causal multi-head attention with rotary position embeddings (theta 10000);
* final LayerNorm and an untied unembedding ``lm_head`` [d, V].

Linear layers are ``y = x @ W`` (W stored [in, out]).  A LoRA adapter on a
module adds ``scale * (x @ A) @ B`` with ``A`` [in, r], ``B`` [r, out],
``scale = alpha / r``.  Base weights are drawn deterministically from a seed
derived from the SHA-256 of the model name, and are read-only arrays.

All maths is plain numpy, batched over datums ([B, T, ...] arrays, right
padding: with causal attention padded positions never influence real ones).
The model runs in float32, or float64 (``BaseModel.astype``) for gradient checks.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from ._errors import EngineInputError

_LN_EPS = 1e-5
_GELU_C = math.sqrt(2.0 / math.pi)

ATTN_MODULES = ("q_proj", "k_proj", "v_proj", "o_proj")
MLP_MODULES = ("up_proj", "down_proj")
UNEMBED_MODULE = "lm_head"


def stable_seed(text: str) -> int:
    """A 64-bit seed from a string, stable across processes and platforms."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")


@dataclass(frozen=True)
class ModelConfig:
    """Shape of the transformer (per served base model; ``ModelConfig.sized`` builds one from the
    ``--model`` options)."""

    n_layers: int = 2
    d_model: int = 64
    n_heads: int = 4
    d_ff: int = 256
    context_length: int = 2048
    rope_theta: float = 10000.0

    def __post_init__(self) -> None:
        for f in ("n_layers", "d_model", "n_heads", "d_ff", "context_length"):
            v = getattr(self, f)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise EngineInputError(f"model config: {f} must be a positive integer, got {v!r}")
        if self.d_model % (2 * self.n_heads):  # RoPE rotates pairs: each head needs an even width
            raise EngineInputError(
                f"model config: d_model {self.d_model} must be a multiple of 2 x n_heads = {2 * self.n_heads}"
            )

    @classmethod
    def sized(cls, *, n_layers: int = 2, d_model: int = 64, context_length: int = 2048) -> ModelConfig:
        """The default architecture at another depth, width (MLP 4x as wide) or context length."""
        return cls(n_layers=n_layers, d_model=d_model, d_ff=4 * d_model, context_length=context_length)

    @property
    def head_dim(self) -> int:
        return self.d_model // self.n_heads

    def base_parameters(self, vocab_size: int) -> int:
        """Number of base weights: embedding, the linear modules and the unembedding."""
        return vocab_size * self.d_model + sum(a * b for a, b in module_shapes(self, vocab_size).values())


def module_shapes(cfg: ModelConfig, vocab_size: int) -> dict[str, tuple[int, int]]:
    """(in, out) of every linear module that may carry a LoRA adapter, in a fixed order."""
    d, f = cfg.d_model, cfg.d_ff
    shapes: dict[str, tuple[int, int]] = {}
    for i in range(cfg.n_layers):
        for m in ATTN_MODULES:
            shapes[f"layers.{i}.{m}"] = (d, d)
        shapes[f"layers.{i}.up_proj"] = (d, f)
        shapes[f"layers.{i}.down_proj"] = (f, d)
    shapes[UNEMBED_MODULE] = (d, vocab_size)
    return shapes


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a)
    a.setflags(write=False)
    return a


class BaseModel:
    """A frozen base model: name, vocabulary size, config and read-only weights.

    Get one from :class:`ModelRegistry`; ``astype(np.float64)`` gives a float64
    copy for gradient checks.  Immutable and safe to share between threads.
    """

    def __init__(
        self,
        name: str,
        vocab_size: int,
        *,
        config: ModelConfig | None = None,
        eos_token_ids: tuple[int, ...] = (),
        bos_token_id: int | None = None,
        dtype: type | np.dtype = np.float32,
        _weights: Mapping[str, np.ndarray] | None = None,
    ) -> None:
        self.name = name
        self.vocab_size = int(vocab_size)
        self.config = config or ModelConfig()
        self.eos_token_ids = tuple(int(t) for t in eos_token_ids)
        self.bos_token_id = bos_token_id
        self.dtype = np.dtype(dtype)
        if _weights is None:
            _weights = self._init_weights()
        self.weights: Mapping[str, np.ndarray] = MappingProxyType(
            {k: _readonly(np.asarray(v, dtype=self.dtype)) for k, v in _weights.items()}
        )
        hd = self.config.head_dim
        inv = 1.0 / (self.config.rope_theta ** (np.arange(0, hd, 2, dtype=np.float64) / hd))
        ang = np.arange(self.config.context_length, dtype=np.float64)[:, None] * inv[None, :]
        ang = np.concatenate([ang, ang], axis=1)  # [ctx, hd]
        self.rope_cos = _readonly(np.cos(ang).astype(self.dtype))
        self.rope_sin = _readonly(np.sin(ang).astype(self.dtype))

    def _init_weights(self) -> dict[str, np.ndarray]:
        cfg = self.config
        rng = np.random.default_rng(stable_seed("tinker-local-base:" + self.name))
        w: dict[str, np.ndarray] = {}
        w["embed"] = rng.standard_normal((self.vocab_size, cfg.d_model), dtype=np.float32)
        res_scale = 1.0 / math.sqrt(2 * cfg.n_layers)
        for name, (fin, fout) in module_shapes(cfg, self.vocab_size).items():
            std = 1.0 / math.sqrt(fin)
            if name.endswith(("o_proj", "down_proj")):
                std *= res_scale
            if name == UNEMBED_MODULE:
                std *= 2.0  # logits of std ~2: a peaked-ish but untrained distribution
            w[name] = rng.standard_normal((fin, fout), dtype=np.float32) * np.float32(std)
        return w

    def astype(self, dtype: type | np.dtype) -> BaseModel:
        """The same model with weights cast to ``dtype`` (float32 or float64)."""
        dtype = np.dtype(dtype)
        if dtype == self.dtype:
            return self
        if dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
            raise EngineInputError(f"dtype: expected float32 or float64, got {dtype}")
        return BaseModel(
            self.name,
            self.vocab_size,
            config=self.config,
            eos_token_ids=self.eos_token_ids,
            bos_token_id=self.bos_token_id,
            dtype=dtype,
            _weights=self.weights,
        )

    def __repr__(self) -> str:
        return f"BaseModel({self.name!r}, vocab_size={self.vocab_size}, dtype={self.dtype})"


@dataclass(frozen=True)
class LoraConfig:
    """LoRA adapter settings.  ``scale = alpha / rank``; A ~ U(-1/sqrt(in), 1/sqrt(in)) seeded by ``seed``, B = 0."""

    rank: int = 32
    seed: int = 0
    train_attn: bool = True
    train_mlp: bool = True
    train_unembed: bool = True
    alpha: float = 32.0

    def validate(self) -> None:
        if isinstance(self.rank, bool) or not isinstance(self.rank, (int, np.integer)) or self.rank < 1:
            raise EngineInputError(f"lora.rank: expected a positive integer, got {self.rank!r}")
        if not (self.train_attn or self.train_mlp or self.train_unembed):
            raise EngineInputError("lora: at least one of train_attn, train_mlp, train_unembed must be true")
        if not (isinstance(self.alpha, (int, float)) and math.isfinite(self.alpha) and self.alpha > 0):
            raise EngineInputError(f"lora.alpha: expected a positive number, got {self.alpha!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, (int, np.integer)):
            raise EngineInputError(f"lora.seed: expected an integer, got {self.seed!r}")

    @property
    def scale(self) -> float:
        return float(self.alpha) / int(self.rank)

    def modules(self, cfg: ModelConfig) -> list[str]:
        """Names of the adapted modules, in a fixed order."""
        out: list[str] = []
        for i in range(cfg.n_layers):
            if self.train_attn:
                out += [f"layers.{i}.{m}" for m in ATTN_MODULES]
            if self.train_mlp:
                out += [f"layers.{i}.{m}" for m in MLP_MODULES]
        if self.train_unembed:
            out.append(UNEMBED_MODULE)
        return out


def init_adapter(base: BaseModel, lora: LoraConfig) -> dict[str, np.ndarray]:
    """Fresh adapter parameters ``{module}.lora_A`` [in, r] and ``{module}.lora_B`` [r, out]."""
    shapes = module_shapes(base.config, base.vocab_size)
    rng = np.random.default_rng(np.random.SeedSequence([int(lora.seed) % (1 << 64), 0x10AA]))
    params: dict[str, np.ndarray] = {}
    for m in lora.modules(base.config):
        fin, fout = shapes[m]
        bound = 1.0 / math.sqrt(fin)
        params[f"{m}.lora_A"] = rng.uniform(-bound, bound, size=(fin, lora.rank)).astype(base.dtype)
        params[f"{m}.lora_B"] = np.zeros((lora.rank, fout), dtype=base.dtype)
    return params


def overflow_cause(adapter: Mapping[str, np.ndarray]) -> str:
    """Why a forward pass produced non-finite values: a non-finite adapter weight, or too large ones.

    The base weights are O(1) and LayerNorm bounds the hidden states, so with sane adapter
    weights nothing overflows; float32 overflows (LayerNorm squares x above ~1e19) only when
    the adapter weights are enormous, typically after a step with a huge learning rate.
    """
    for k, a in adapter.items():
        if not np.isfinite(a).all():
            return f"the adapter weight {k!r} contains non-finite values"
    sizes = [(float(np.max(np.abs(a))), k) for k, a in adapter.items() if a.size]
    if not sizes:
        return "the base model's own values overflow"
    mx, k = max(sizes)
    return (
        f"the adapter weights are too large for float32 maths (largest |value| {mx:.3g}, in {k!r}), "
        "most likely after an optim_step with a too-large learning_rate"
    )


# ----------------------------------------------------------------------------------------------
# The maths.  ``adapter`` maps "{module}.lora_A"/"{module}.lora_B" to arrays (modules absent
# from it are base-only); ``scale`` is alpha / r.
# ----------------------------------------------------------------------------------------------


_ATTN_BLOCK = 64
#: Attention probabilities of one layer kept from the forward for the backward pass up to this many elements
#: (64 MiB of float32); longer sequences recompute them block by block in the backward pass instead, so
#: training memory grows linearly, not quadratically, with the sequence length (long-context models).
_KEEP_ATTN_ELEMENTS = 1 << 24
_PARALLEL_MIN = 1 << 20  # attention work (Σ H*T²) above which a batch is split over 2 threads
_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="tinker-engine-attn")
        return _POOL


def _block(T: int) -> int:
    return min(T, _ATTN_BLOCK)


class _Net:
    """A (base, adapter) pair with the forward/backward kernels.

    LoRA deltas are merged once per instance (``W + scale·A@B``), so the forward pass costs
    one matmul per module; the adapter gradients are computed from the factors.  The
    instance is never mutated after construction (safe to share between threads).
    """

    __slots__ = ("W", "Wqkv", "adapter", "base", "cfg", "scale")

    def __init__(self, base: BaseModel, adapter: Mapping[str, np.ndarray], scale: float) -> None:
        self.base = base
        self.adapter = adapter
        self.scale = base.dtype.type(scale)
        self.cfg = base.config
        W: dict[str, np.ndarray] = {}
        for name, w in base.weights.items():
            A = adapter.get(name + ".lora_A")
            if A is not None:
                w = w + (A * self.scale) @ adapter[name + ".lora_B"]
            W[name] = w
        self.W = W
        self.Wqkv = [
            np.concatenate([W[f"layers.{i}.{m}"] for m in ("q_proj", "k_proj", "v_proj")], axis=1)
            for i in range(self.cfg.n_layers)
        ]

    # -- LoRA gradients ------------------------------------------------------------------------
    def lora_grads(self, dy: np.ndarray, x: np.ndarray, name: str, grads: dict[str, np.ndarray] | None) -> None:
        """Accumulate dL/dA, dL/dB of module ``name`` (if adapted) for y = x @ (W + s·A@B)."""
        if grads is None or name + ".lora_A" not in self.adapter:
            return
        A = self.adapter[name + ".lora_A"]
        B = self.adapter[name + ".lora_B"]
        xa = x @ (A * self.scale)
        grads[name + ".lora_B"] += xa.T @ dy
        grads[name + ".lora_A"] += x.T @ (dy @ (B.T * self.scale))

    def lin_back(self, dy, x, name, grads, need_dx=True):
        self.lora_grads(dy, x, name, grads)
        return dy @ self.W[name].T if need_dx else None

    # -- helpers -------------------------------------------------------------------------------
    @staticmethod
    def layernorm(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        mu = x.mean(axis=-1, keepdims=True)
        xc = x - mu
        var = np.mean(xc * xc, axis=-1, keepdims=True)
        rstd = 1.0 / np.sqrt(var + _LN_EPS)
        xc *= rstd
        return xc, rstd

    @staticmethod
    def layernorm_back(dy: np.ndarray, y: np.ndarray, rstd: np.ndarray) -> np.ndarray:
        m1 = dy.mean(axis=-1, keepdims=True)
        m2 = np.mean(dy * y, axis=-1, keepdims=True)
        return (dy - m1 - y * m2) * rstd

    @staticmethod
    def rope(x: np.ndarray, cos: np.ndarray, sin: np.ndarray) -> np.ndarray:
        h = x.shape[-1] // 2
        rot = np.concatenate([-x[..., h:], x[..., :h]], axis=-1)
        rot *= sin
        out = x * cos
        out += rot
        return out

    @staticmethod
    def rope_back(dy: np.ndarray, cos: np.ndarray, sin: np.ndarray) -> np.ndarray:
        h = dy.shape[-1] // 2
        ds = dy * sin
        out = dy * cos
        out[..., :h] += ds[..., h:]
        out[..., h:] -= ds[..., :h]
        return out

    @staticmethod
    def gelu(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        t = u * u
        t *= 0.044715
        t += 1.0
        t *= u
        t *= _GELU_C
        np.tanh(t, out=t)
        g = t + 1.0
        g *= u
        g *= 0.5
        return g, t

    @staticmethod
    def gelu_back(dg: np.ndarray, u: np.ndarray, t: np.ndarray) -> np.ndarray:
        # d/du 0.5·u·(1+t) = 0.5·(1+t) + 0.5·u·(1−t²)·c·(1 + 3·0.044715·u²)
        inner = u * u
        inner *= 3 * 0.044715
        inner += 1.0
        inner *= _GELU_C * 0.5
        inner *= u
        inner *= 1.0 - t * t
        inner += 0.5 * (1.0 + t)
        inner *= dg
        return inner

    # -- causal attention in query blocks (the upper triangle beyond a block is skipped) ---------
    @staticmethod
    def _probs(q: np.ndarray, kT: np.ndarray, mask: np.ndarray, t0: int, t1: int) -> np.ndarray:
        """Softmax attention probabilities of query block [t0, t1) over keys [0, t1): [B, H, t1-t0, t1]."""
        P = q[:, :, t0:t1] @ kT[..., :t1]
        P[..., t0:t1] += mask[: t1 - t0, : t1 - t0]
        P -= P.max(axis=-1, keepdims=True)
        np.exp(P, out=P)
        P /= P.sum(axis=-1, keepdims=True)
        return P

    @classmethod
    def _attn_part(cls, q, k, v, mask, o, keep):
        """Fill ``o``; return the per-block probabilities if ``keep``, else None (recomputed when needed)."""
        T = q.shape[2]
        bq = _block(T)
        kT = k.transpose(0, 1, 3, 2)
        Ps = []
        for t0 in range(0, T, bq):
            t1 = min(T, t0 + bq)
            P = cls._probs(q, kT, mask, t0, t1)
            np.matmul(P, v[:, :, :t1], out=o[:, :, t0:t1])
            if keep:
                Ps.append(P)
        return Ps if keep else None

    @classmethod
    def _attn_back_part(cls, do, q, k, v, Ps, o, dq, dk, dv):
        T = q.shape[2]
        bq = _block(T)
        vT = v.transpose(0, 1, 3, 2)
        kT = k.transpose(0, 1, 3, 2)
        mask = None if Ps is not None else np.triu(np.full((bq, bq), -np.inf, dtype=q.dtype), 1)
        delta = np.sum(do * o, axis=-1, keepdims=True)
        for j, t0 in enumerate(range(0, T, bq)):
            t1 = min(T, t0 + bq)
            # the same operations on the same shapes as the forward pass: bitwise the same probabilities
            P = Ps[j] if Ps is not None else cls._probs(q, kT, mask, t0, t1)
            dob = do[:, :, t0:t1]
            dv[:, :, :t1] += P.transpose(0, 1, 3, 2) @ dob
            dP = dob @ vT[..., :t1]
            dP -= delta[:, :, t0:t1]
            dP *= P
            np.matmul(dP, k[:, :, :t1], out=dq[:, :, t0:t1])
            dk[:, :, :t1] += dP.transpose(0, 1, 3, 2) @ q[:, :, t0:t1]

    @classmethod
    def attention(cls, q, k, v, mask, keep=True):
        """q (pre-scaled), k, v [B, H, T, hd] -> (per-block probabilities or None, output [B, H, T, hd])."""
        o = np.empty_like(q)
        return cls._attn_part(q, k, v, mask, o, keep), o

    @classmethod
    def attention_back(cls, do, q, k, v, Ps, o):
        """Gradients w.r.t. (pre-scaled) q, k, v given dL/do."""
        dq = np.empty_like(q)
        dk = np.zeros_like(k)
        dv = np.zeros_like(v)
        cls._attn_back_part(do, q, k, v, Ps, o, dq, dk, dv)
        return dq, dk, dv

    # -- full-sequence forward -----------------------------------------------------------------
    def forward(self, tokens: np.ndarray, keep: bool) -> tuple[np.ndarray, list]:
        """tokens [B, T] -> final normalised hidden states [B*T, d] and per-layer caches.

        With ``keep`` the caches hold everything the backward pass needs; without it they hold
        only the rotated keys and values (for a sampler's KV cache).
        """
        cfg = self.cfg
        Bn, T = tokens.shape
        d, H, hd = cfg.d_model, cfg.n_heads, cfg.head_dim
        dt = self.base.dtype
        x = self.W["embed"][tokens.reshape(-1)]  # [BT, d] (a copy)
        cos = self.base.rope_cos[:T]
        sin = self.base.rope_sin[:T]
        qcos = cos * dt.type(1.0 / math.sqrt(hd))  # fold the 1/sqrt(hd) score scale into q
        qsin = sin * dt.type(1.0 / math.sqrt(hd))
        mask = np.triu(np.full((_block(T), _block(T)), -np.inf, dtype=dt), 1)
        keep_probs = keep and Bn * H * T * (T + _block(T)) // 2 <= _KEEP_ATTN_ELEMENTS
        caches = []
        for i in range(cfg.n_layers):
            p = f"layers.{i}."
            h1, r1 = self.layernorm(x)
            qkv = (h1 @ self.Wqkv[i]).reshape(Bn, T, 3, H, hd).transpose(2, 0, 3, 1, 4)  # [3, B, H, T, hd]
            q = self.rope(qkv[0], qcos, qsin)
            k = self.rope(qkv[1], cos, sin)
            v = qkv[2]
            P, o = self.attention(q, k, v, mask, keep_probs)
            o2 = o.transpose(0, 2, 1, 3).reshape(Bn * T, d)
            x = x + o2 @ self.W[p + "o_proj"]
            h2, r2 = self.layernorm(x)
            u = h2 @ self.W[p + "up_proj"]
            g, t = self.gelu(u)
            x += g @ self.W[p + "down_proj"]
            if keep:
                caches.append((h1, r1, q, k, v, P, o, o2, h2, r2, u, t, g))
            else:
                caches.append((k, v))
        hf, rf = self.layernorm(x)
        if keep:
            caches.append(rf)
        return hf, caches

    def backward(
        self,
        dhf: np.ndarray,
        hf: np.ndarray,
        caches: list,
        grads: dict[str, np.ndarray],
        shape: tuple[int, int],
    ) -> None:
        """Accumulate LoRA grads given dL/d(final hidden) [B*T, d]."""
        cfg = self.cfg
        Bn, T = shape
        d, H, hd = cfg.d_model, cfg.n_heads, cfg.head_dim
        dt = self.base.dtype
        cos = self.base.rope_cos[:T]
        sin = self.base.rope_sin[:T]
        qcos = cos * dt.type(1.0 / math.sqrt(hd))
        qsin = sin * dt.type(1.0 / math.sqrt(hd))
        rf = caches[-1]
        dx = self.layernorm_back(dhf, hf, rf)
        for i in reversed(range(cfg.n_layers)):
            p = f"layers.{i}."
            (h1, r1, q, k, v, P, o, o2, h2, r2, u, t, g) = caches[i]
            # MLP
            dg = self.lin_back(dx, g, p + "down_proj", grads)
            du = self.gelu_back(dg, u, t)
            dh2 = self.lin_back(du, h2, p + "up_proj", grads)
            dx += self.layernorm_back(dh2, h2, r2)
            # attention
            do2 = self.lin_back(dx, o2, p + "o_proj", grads)
            do = do2.reshape(Bn, T, H, hd).transpose(0, 2, 1, 3)
            dq, dk, dv = self.attention_back(do, q, k, v, P, o)
            dqkv = np.empty((3, Bn, T, H, hd), dtype=dt)
            dqkv[0] = self.rope_back(dq, qcos, qsin).transpose(0, 2, 1, 3)
            dqkv[1] = self.rope_back(dk, cos, sin).transpose(0, 2, 1, 3)
            dqkv[2] = dv.transpose(0, 2, 1, 3)
            dqkv = dqkv.transpose(1, 2, 0, 3, 4).reshape(Bn * T, 3 * d)
            for j, m in enumerate(("q_proj", "k_proj", "v_proj")):
                self.lora_grads(dqkv[:, j * d : (j + 1) * d], h1, p + m, grads)
            if i > 0:  # the embedding is frozen: no input gradient needed below layer 0
                dx += self.layernorm_back(dqkv @ self.Wqkv[i].T, h1, r1)

    # -- unembedding ---------------------------------------------------------------------------
    def logits(self, hf: np.ndarray) -> np.ndarray:
        return hf @ self.W[UNEMBED_MODULE]

    def logits_back(self, dlogits: np.ndarray, hf: np.ndarray, grads: dict[str, np.ndarray] | None) -> np.ndarray:
        return self.lin_back(dlogits, hf, UNEMBED_MODULE, grads)

    # -- one decoding step with a KV cache -----------------------------------------------------
    def decode_step(
        self, tokens: np.ndarray, pos: int, kcache: list[np.ndarray], vcache: list[np.ndarray]
    ) -> np.ndarray:
        """tokens [n] at position ``pos``; caches [n, H, L, hd] filled up to pos-1 -> hidden [n, d]."""
        cfg = self.cfg
        n = tokens.shape[0]
        d, H, hd = cfg.d_model, cfg.n_heads, cfg.head_dim
        dt = self.base.dtype
        x = self.W["embed"][tokens]
        cos = self.base.rope_cos[pos]
        sin = self.base.rope_sin[pos]
        qs = dt.type(1.0 / math.sqrt(hd))
        for i in range(cfg.n_layers):
            p = f"layers.{i}."
            h1, _ = self.layernorm(x)
            qkv = (h1 @ self.Wqkv[i]).reshape(n, 3, H, 1, hd)
            q = self.rope(qkv[:, 0], cos * qs, sin * qs)
            kcache[i][:, :, pos : pos + 1] = self.rope(qkv[:, 1], cos, sin)
            vcache[i][:, :, pos : pos + 1] = qkv[:, 2]
            s = q @ kcache[i][:, :, : pos + 1].transpose(0, 1, 3, 2)  # [n, H, 1, L]
            s -= s.max(axis=-1, keepdims=True)
            np.exp(s, out=s)
            s /= s.sum(axis=-1, keepdims=True)
            o = (s @ vcache[i][:, :, : pos + 1]).reshape(n, d)
            x = x + o @ self.W[p + "o_proj"]
            h2, _ = self.layernorm(x)
            g, _ = self.gelu(h2 @ self.W[p + "up_proj"])
            x += g @ self.W[p + "down_proj"]
        return self.layernorm(x)[0]
