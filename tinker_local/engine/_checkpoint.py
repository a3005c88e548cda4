"""Checkpoint directories: a PEFT-style LoRA adapter written atomically.

Layout of a saved directory::

    adapter_config.json            PEFT LoraConfig fields + a "tinker_local" section
    adapter_model.safetensors      LoRA weights, PEFT names and layouts
    optimizer_state.safetensors    (only when the optimizer is included) Adam moments + step

``adapter_model.safetensors`` is the safetensors format written by hand (8-byte little-endian
header length, JSON header, raw little-endian data; no extra dependency).  Tensor names and
shapes follow PEFT: ``base_model.model.model.layers.{i}.self_attn.{q,k,v,o}_proj.lora_A.weight``
[r, in] and ``...lora_B.weight`` [out, r], ``...layers.{i}.mlp.{up,down}_proj...``,
``base_model.model.lm_head.lora_{A,B}.weight``.  (The engine stores A as [in, r] and B as
[r, out]; the file holds their transposes.)  Tensors keep the model's dtype (F32 or F64).

Directories are written crash-safely by :mod:`._atomic` (``write_dir_atomically``).
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ._atomic import reading, write_dir_atomically
from ._errors import EngineInputError
from ._model import UNEMBED_MODULE, BaseModel, LoraConfig, module_shapes

CONFIG_FILE = "adapter_config.json"
WEIGHTS_FILE = "adapter_model.safetensors"
OPTIMIZER_FILE = "optimizer_state.safetensors"
FORMAT_VERSION = 1

_DTYPES = {"F32": np.dtype("<f4"), "F64": np.dtype("<f8"), "I64": np.dtype("<i8")}
_DTYPE_NAMES = {v: k for k, v in _DTYPES.items()}


# -- safetensors ----------------------------------------------------------------------------------


def write_safetensors(path: Path, tensors: Mapping[str, np.ndarray], metadata: Mapping[str, str] | None = None) -> None:
    header: dict[str, Any] = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blobs: list[bytes] = []
    offset = 0
    for name in sorted(tensors):
        arr = np.asarray(tensors[name])
        dt = np.dtype("<" + arr.dtype.str[1:])
        if dt not in _DTYPE_NAMES:
            raise TypeError(f"unsupported dtype {arr.dtype} for {name}")
        data = np.ascontiguousarray(arr, dtype=dt).tobytes()
        header[name] = {
            "dtype": _DTYPE_NAMES[dt],
            "shape": list(arr.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        blobs.append(data)
        offset += len(data)
    hbytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hbytes += b" " * (-len(hbytes) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hbytes)))
        f.write(hbytes)
        f.writelines(blobs)
        f.flush()
        os.fsync(f.fileno())


def read_safetensors(path: Path) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise EngineInputError(f"path: cannot read {path}: {e}") from None
    try:
        (hlen,) = struct.unpack("<Q", raw[:8])
        header = json.loads(raw[8 : 8 + hlen].decode("utf-8"))
        if not isinstance(header, dict):
            raise TypeError("the header is not a JSON object")
        base = 8 + hlen
        meta = header.pop("__metadata__", {}) or {}
        if not isinstance(meta, dict):
            raise TypeError("__metadata__ is not a JSON object")
        out: dict[str, np.ndarray] = {}
        for name, info in header.items():
            dt = _DTYPES[info["dtype"]]
            start, end = info["data_offsets"]
            arr = np.frombuffer(raw, dtype=dt, count=(end - start) // dt.itemsize, offset=base + start)
            out[name] = arr.reshape(info["shape"]).copy()
        return out, meta
    except (KeyError, ValueError, struct.error, TypeError) as e:
        raise EngineInputError(f"path: {path} is not a valid safetensors file ({e})") from None


# -- naming ---------------------------------------------------------------------------------------


def peft_prefix(module: str) -> str:
    if module == UNEMBED_MODULE:
        return "base_model.model.lm_head"
    _, i, m = module.split(".")
    group = "mlp" if m in ("up_proj", "down_proj") else "self_attn"
    return f"base_model.model.model.layers.{i}.{group}.{m}"


def adapter_to_peft(adapter: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    out = {}
    for key, arr in adapter.items():
        module, ab = key.rsplit(".", 1)
        out[f"{peft_prefix(module)}.{ab}.weight"] = np.asarray(arr).T
    return out


def target_modules(lora: LoraConfig, base: BaseModel) -> list[str]:
    return sorted({m.rsplit(".", 1)[-1] for m in lora.modules(base.config)})


def adapter_config(base: BaseModel, lora: LoraConfig, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    cfg = base.config
    tl: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "vocab_size": base.vocab_size,
        "train_attn": bool(lora.train_attn),
        "train_mlp": bool(lora.train_mlp),
        "train_unembed": bool(lora.train_unembed),
        "seed": int(lora.seed),
        "dtype": str(base.dtype),
        "model_config": {
            "n_layers": cfg.n_layers,
            "d_model": cfg.d_model,
            "n_heads": cfg.n_heads,
            "d_ff": cfg.d_ff,
            "context_length": cfg.context_length,
        },
    }
    if extra:
        tl.update(extra)
    return {
        "peft_type": "LORA",
        "task_type": "CAUSAL_LM",
        "base_model_name_or_path": base.name,
        "r": int(lora.rank),
        "lora_alpha": float(lora.alpha),
        "lora_dropout": 0.0,
        "bias": "none",
        "fan_in_fan_out": False,
        "inference_mode": True,
        "target_modules": target_modules(lora, base),
        "tinker_local": tl,
    }


def save_adapter_dir(
    path: str | os.PathLike,
    base: BaseModel,
    lora: LoraConfig,
    adapter: Mapping[str, np.ndarray],
    optimizer: tuple[int, Mapping[str, np.ndarray], Mapping[str, np.ndarray]] | None = None,
) -> Path:
    def fill(tmp: Path) -> None:
        extra = {"optimizer_step": optimizer[0]} if optimizer is not None else None
        with open(tmp / CONFIG_FILE, "w", encoding="utf-8") as f:
            json.dump(adapter_config(base, lora, extra), f, indent=2, sort_keys=True)
            f.write("\n")
        write_safetensors(tmp / WEIGHTS_FILE, adapter_to_peft(adapter), {"format": "pt"})
        if optimizer is not None:
            step, m, v = optimizer
            tensors = {f"exp_avg.{k}": a for k, a in m.items()}
            tensors.update({f"exp_avg_sq.{k}": a for k, a in v.items()})
            write_safetensors(tmp / OPTIMIZER_FILE, tensors, {"step": str(int(step))})

    tensors = [*adapter.values(), *(() if optimizer is None else (*optimizer[1].values(), *optimizer[2].values()))]
    size = sum(np.asarray(a).nbytes + 256 for a in tensors) + 8192  # data + headers and config
    return write_dir_atomically(path, fill, size_hint=size)


# -- reading --------------------------------------------------------------------------------------


def read_adapter_config(path: str | os.PathLike) -> dict[str, Any]:
    """The parsed ``adapter_config.json`` of a checkpoint directory (EngineInputError if unreadable)."""
    p = Path(path) / CONFIG_FILE
    try:
        with reading(path):
            cfg = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise EngineInputError(f"path: cannot read {p}: {e}") from None
    if not isinstance(cfg, dict) or not isinstance(cfg.get("base_model_name_or_path"), str) or "r" not in cfg:
        raise EngineInputError(f"path: {p} is not a LoRA adapter config")
    # a damaged file must fail here, as unreadable, not later as a crash of whatever reads these fields
    tl = cfg.get("tinker_local") or {}
    shape = tl.get("model_config") or {} if isinstance(tl, dict) else {}
    try:
        if not isinstance(tl, dict) or not isinstance(shape, dict):
            raise TypeError("tinker_local and its model_config must be JSON objects")
        int(tl.get("vocab_size", 0))
        for key in ("n_layers", "d_model", "n_heads", "d_ff"):
            int(shape.get(key, 0))
        lora_from_config(cfg).validate()
    except (TypeError, ValueError, EngineInputError) as e:
        raise EngineInputError(f"path: {p} is not a valid LoRA adapter config ({e})") from None
    return cfg


def lora_from_config(cfg: Mapping[str, Any]) -> LoraConfig:
    tl = cfg.get("tinker_local") or {}
    mods = set(cfg.get("target_modules") or [])
    return LoraConfig(
        rank=int(cfg["r"]),
        seed=int(tl.get("seed", 0)),
        train_attn=bool(tl.get("train_attn", bool(mods & {"q_proj", "k_proj", "v_proj", "o_proj"}))),
        train_mlp=bool(tl.get("train_mlp", bool(mods & {"up_proj", "down_proj"}))),
        train_unembed=bool(tl.get("train_unembed", "lm_head" in mods)),
        alpha=float(cfg.get("lora_alpha", 32.0)),
    )


def load_adapter_dir(
    path: str | os.PathLike, base: BaseModel, lora: LoraConfig | None, with_optimizer: bool
) -> tuple[LoraConfig, dict[str, np.ndarray], tuple[int, dict[str, np.ndarray], dict[str, np.ndarray]] | None]:
    """Read and check a checkpoint against ``base`` (and ``lora`` if given: rank, alpha, modules).

    All files are read under ``reading(path)``, so they come from one and the same save.
    """
    with reading(path):
        return _load_adapter_dir(path, base, lora, with_optimizer)


def _load_adapter_dir(
    path: str | os.PathLike, base: BaseModel, lora: LoraConfig | None, with_optimizer: bool
) -> tuple[LoraConfig, dict[str, np.ndarray], tuple[int, dict[str, np.ndarray], dict[str, np.ndarray]] | None]:
    cfg = read_adapter_config(path)
    if cfg["base_model_name_or_path"] != base.name:
        raise EngineInputError(
            f"base_model: checkpoint is for {cfg['base_model_name_or_path']!r}, model is {base.name!r}"
        )
    tl = cfg.get("tinker_local") or {}
    if "vocab_size" in tl and int(tl["vocab_size"]) != base.vocab_size:
        raise EngineInputError(f"vocab_size: checkpoint has {tl['vocab_size']}, model has {base.vocab_size}")
    saved_shape = tl.get("model_config") or {}
    for key in ("n_layers", "d_model", "n_heads", "d_ff"):  # the context length holds no weights
        if key in saved_shape and int(saved_shape[key]) != getattr(base.config, key):
            raise EngineInputError(
                f"model_config.{key}: checkpoint has {saved_shape[key]}, model {base.name!r} has "
                f"{getattr(base.config, key)} (serve it with the layers=/width= the checkpoint was trained with)"
            )
    saved = lora_from_config(cfg)
    saved.validate()
    if lora is not None:
        if saved.rank != lora.rank:
            raise EngineInputError(f"rank: checkpoint has rank {saved.rank}, model has rank {lora.rank}")
        if saved.alpha != float(lora.alpha):
            raise EngineInputError(f"lora_alpha: checkpoint has {saved.alpha}, model has {lora.alpha}")
        if saved.modules(base.config) != lora.modules(base.config):
            raise EngineInputError(
                f"target_modules: checkpoint has {target_modules(saved, base)} "
                f"(train_attn={saved.train_attn}, train_mlp={saved.train_mlp}, train_unembed={saved.train_unembed}), "
                f"model has {target_modules(lora, base)} (train_attn={lora.train_attn}, "
                f"train_mlp={lora.train_mlp}, train_unembed={lora.train_unembed})"
            )
    use = lora if lora is not None else saved
    tensors, _ = read_safetensors(Path(path) / WEIGHTS_FILE)
    shapes = module_shapes(base.config, base.vocab_size)
    adapter: dict[str, np.ndarray] = {}
    for module in use.modules(base.config):
        fin, fout = shapes[module]
        for ab, shape in (("lora_A", (use.rank, fin)), ("lora_B", (fout, use.rank))):
            key = f"{peft_prefix(module)}.{ab}.weight"
            arr = tensors.get(key)
            if arr is None:
                raise EngineInputError(f"{WEIGHTS_FILE}[{key!r}]: missing")
            if arr.shape != shape:
                raise EngineInputError(f"{WEIGHTS_FILE}[{key!r}]: expected shape {shape}, got {arr.shape}")
            adapter[f"{module}.{ab}"] = np.ascontiguousarray(arr.T, dtype=base.dtype)
    opt = None
    if with_optimizer:
        opath = Path(path) / OPTIMIZER_FILE
        if not opath.exists():
            raise EngineInputError(f"path: {path} has no optimizer state ({OPTIMIZER_FILE})")
        otensors, meta = read_safetensors(opath)
        m: dict[str, np.ndarray] = {}
        v: dict[str, np.ndarray] = {}
        for key, arr in adapter.items():
            for prefix, dst in (("exp_avg.", m), ("exp_avg_sq.", v)):
                o = otensors.get(prefix + key)
                if o is None or o.shape != arr.shape:
                    got = None if o is None else o.shape
                    raise EngineInputError(f"{OPTIMIZER_FILE}[{prefix + key!r}]: expected shape {arr.shape}, got {got}")
                dst[key] = np.ascontiguousarray(o, dtype=base.dtype)
        try:
            step = int(meta.get("step", "0"))
        except ValueError:
            raise EngineInputError(f"{OPTIMIZER_FILE}: bad step {meta.get('step')!r}") from None
        opt = (step, m, v)
    return use, adapter, opt
