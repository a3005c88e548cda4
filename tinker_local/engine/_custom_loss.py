"""Server-side custom losses: a traced per-datum loss (``create_custom_loss``) compiled once, then run with
``forward_backward(loss_fn="custom", loss_fn_config={"loss_id": ...})``.

The protocol defines the loss body: a torch.fx graph of nodes in execution order (``placeholder`` per input,
``call_function`` naming a torch / ``math`` / ``operator`` function by qualified name, ``call_method`` naming a
``torch.Tensor`` method, one ``output`` returning ``(loss, {metric: value})``), and its use: run on each datum
with ``logprobs`` (shaped like ``target_tokens``) then the named ``loss_fn_inputs``, losses summed, metrics
``custom/<name>:sum`` summed and ``:mean`` averaged over datums. Which functions a server accepts is its own
allow-list: this one runs the operations of ``_loss_ops`` (their semantics and gradient conventions are
torch's; maths in float64). A graph naming anything else, ``call_module`` or ``get_attr`` (captured tensors)
is refused when created, naming the node.

Running a batch: the training forward pass gives every datum's ``logprobs``; the graph gives each datum's
loss and ``dL/dlogprobs`` by reverse-mode differentiation; a cross-entropy ``forward_backward`` with
``weights = -dL/dlogprobs`` then accumulates exactly ``dL/dθ`` (Σ −w·ℓ has gradient Σ dL/dℓ · dℓ/dθ), through
the engine's own, tested backward pass. Nothing is accumulated when any datum's loss fails.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._errors import EngineInputError
from ._loss_ops import FUNCTIONS, METHODS, DType, Op, is_tensor
from ._model import BaseModel
from ._trainable import Batch, Datum, ForwardResult, TrainableModel, prepare_batch

__all__ = ["CustomLoss", "CustomLossBatch", "compile_custom_loss", "prepare_custom_batch"]

MAX_NODES = 4096
_INPUT_NAME = re.compile(r"[a-z_][a-z0-9_]{0,63}")
_METRIC_KEY = re.compile(r"custom/[a-z0-9_./-]{1,64}:(sum|mean)")
# Spellings of the same function: clients that name a torch builtin by its C namespace or its module
_ALIASES = (("torch._VariableFunctionsClass.", "torch."), ("torch._C._VariableFunctions.", "torch."))
_BUILTINS = {"builtins.getattr": "getattr"}


@dataclass(frozen=True)
class Ref:
    """An argument that is the value of an earlier node."""

    name: str


@dataclass(frozen=True)
class _Node:
    name: str
    op: Op
    target: str
    args: tuple[Any, ...]
    kwargs: Mapping[str, Any]


@dataclass(frozen=True)
class CustomLoss:
    """A compiled loss: ``inputs`` = ((name, rank), ...), ``logprobs`` first."""

    name: str
    inputs: tuple[tuple[str, int], ...]
    nodes: tuple[_Node, ...]
    loss: Ref
    metrics: Mapping[str, Any] = field(default_factory=dict)

    def run(self, values: Sequence[np.ndarray]) -> tuple[float, np.ndarray, dict[str, float]]:
        """(loss, dloss/dlogprobs, metrics) of one datum; ``values[0]`` is ``logprobs``."""
        env: dict[str, Any] = {n: np.asarray(v) for (n, _), v in zip(self.inputs, values)}
        env[self.inputs[0][0]] = env[self.inputs[0][0]].astype(np.float64)
        tape: list[tuple[_Node, Any, Any]] = []  # (node, vjp, its argument refs by path)
        live = {self.inputs[0][0]}  # values that depend on logprobs
        for node in self.nodes:
            args = _resolve(node.args, env)
            kwargs = {k: _resolve(v, env) for k, v in node.kwargs.items()}
            try:
                with np.errstate(all="ignore"):
                    out, vjp = node.op(*args, **kwargs)
            except Exception as e:  # noqa: BLE001 - any failure of the user's graph is a user error
                raise EngineInputError(
                    f"custom loss {self.name!r}: node {node.name!r} ({node.target}) failed: {type(e).__name__}: {e}"
                ) from None
            env[node.name] = out
            refs = dict(_paths(node.args, node.kwargs))
            if vjp is not None and any(r.name in live for r in refs.values()):
                live.add(node.name)
                tape.append((node, vjp, refs))
        loss = env[self.loss.name]
        if not is_tensor(loss) or loss.ndim != 0 or loss.dtype.kind != "f":
            shape = getattr(loss, "shape", type(loss).__name__)
            raise EngineInputError(f"custom loss {self.name!r}: must return a scalar float loss, got {shape}")
        grads: dict[str, np.ndarray] = {self.loss.name: np.ones((), dtype=np.float64)}
        for node, vjp, refs in reversed(tape):
            g = grads.pop(node.name, None)
            if g is None:
                continue
            try:
                with np.errstate(all="ignore"):
                    parts = vjp(np.asarray(g, dtype=np.float64))
            except Exception as e:  # noqa: BLE001 - as above, for the gradient of the user's graph
                raise EngineInputError(
                    f"custom loss {self.name!r}: the gradient of node {node.name!r} ({node.target}) failed: "
                    f"{type(e).__name__}: {e}"
                ) from None
            for path, part in parts.items():
                ref = refs.get(path)
                if ref is not None and ref.name in live:
                    grads[ref.name] = (
                        grads[ref.name] + part if ref.name in grads else np.asarray(part, dtype=np.float64)
                    )
        lp_name = self.inputs[0][0]
        grad = np.broadcast_to(grads.get(lp_name, 0.0), env[lp_name].shape).astype(np.float64)
        metrics = {}
        for key, ref in self.metrics.items():
            v = env[ref.name] if isinstance(ref, Ref) else ref
            v = np.asarray(v)
            if v.size != 1:
                raise EngineInputError(
                    f"custom loss {self.name!r}: metric {key!r} must be a scalar, got shape {v.shape}"
                )
            metrics[key] = float(v.reshape(()))
        return float(loss), grad, metrics


def _resolve(a: Any, env: Mapping[str, Any]) -> Any:
    if isinstance(a, Ref):
        return env[a.name]
    if isinstance(a, tuple):
        return tuple(_resolve(x, env) for x in a)
    if isinstance(a, list):
        return [_resolve(x, env) for x in a]
    if isinstance(a, dict):
        return {k: _resolve(v, env) for k, v in a.items()}
    if isinstance(a, slice):
        return slice(_resolve(a.start, env), _resolve(a.stop, env), _resolve(a.step, env))
    return a


def _paths(args: Sequence[Any], kwargs: Mapping[str, Any]) -> list[tuple[Any, Ref]]:
    """The argument paths that are direct references (as the ops key their gradients)."""
    out: list[tuple[Any, Ref]] = []
    for i, a in enumerate(args):
        if isinstance(a, Ref):
            out.append((i, a))
        elif isinstance(a, (list, tuple)):  # torch.stack / torch.cat take a sequence of tensors
            out.extend(((i, j), x) for j, x in enumerate(a) if isinstance(x, Ref))
    out.extend((k, v) for k, v in kwargs.items() if isinstance(v, Ref))
    return out


# ---------------------------------------------------------------------------------------------- compiling


def _decode(v: Any, where: str, known: set[str]) -> Any:
    """An encoded argument (JSON values, one-key objects for the rest) as a Python value."""
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, list):
        return [_decode(x, f"{where}[{i}]", known) for i, x in enumerate(v)]
    if not isinstance(v, Mapping) or len(v) != 1:
        raise EngineInputError(f"{where}: expected a JSON value or a one-key object, got {v!r:.100}")
    ((tag, x),) = v.items()
    if tag == "ref":
        if not isinstance(x, str) or x not in known:
            raise EngineInputError(f"{where}: {{'ref': {x!r}}} names no earlier node")
        return Ref(x)
    if tag == "tuple" and isinstance(x, list):
        return tuple(_decode(y, f"{where}.tuple[{i}]", known) for i, y in enumerate(x))
    if tag == "dict" and isinstance(x, Mapping):
        return {str(k): _decode(y, f"{where}.dict[{k!r}]", known) for k, y in x.items()}
    if tag == "slice" and isinstance(x, list) and len(x) == 3:
        return slice(*(_decode(y, f"{where}.slice", known) for y in x))
    if tag == "ellipsis":
        return Ellipsis
    if tag == "float" and x in ("inf", "-inf", "nan"):
        return float(x)
    if tag == "dtype" and isinstance(x, str):
        return DType(x)
    if tag in ("device", "layout", "memory_format") and isinstance(x, str):
        return None  # placement and layout mean nothing to a numpy loss
    raise EngineInputError(f"{where}: unknown argument encoding {v!r:.100}")


def _op(kind: str, target: str, where: str) -> Op:
    if kind == "call_function":
        for prefix, canon in _ALIASES:
            if target.startswith(prefix):
                target = canon + target[len(prefix) :]
        target = _BUILTINS.get(target, target)
        op = FUNCTIONS.get(target)
        table = FUNCTIONS
    else:
        op = METHODS.get(target)
        table = METHODS
    if op is None:
        # list the supported names of the same module (all of them when it has none)
        ns = target.rsplit(".", 1)[0] + "." if "." in target and kind == "call_function" else ""
        same = sorted(k for k in table if ns and k.startswith(ns))
        what = "function" if kind == "call_function" else "tensor method"
        raise EngineInputError(
            f"{where}: the {what} {target!r} is not supported by the local server's custom losses; "
            f"supported{' in ' + ns.rstrip('.') if same else ''}: {', '.join(same or sorted(table))}"
        )
    return op


def compile_custom_loss(name: str, inputs: Sequence[Mapping[str, Any]], graph: Mapping[str, Any]) -> CustomLoss:
    """Check a ``create_custom_loss`` body's ``inputs`` and ``graph`` (errors name the field) and compile it."""
    decl: list[tuple[str, int]] = []
    for i, inp in enumerate(inputs):
        if not isinstance(inp, Mapping):
            raise EngineInputError(f"inputs[{i}]: expected an object {{name, rank}}, got {inp!r:.100}")
        n, r = inp.get("name"), inp.get("rank")
        if not isinstance(n, str) or not _INPUT_NAME.fullmatch(n) or r not in (0, 1, 2) or isinstance(r, bool):
            raise EngineInputError(f"inputs[{i}]: expected {{name: [a-z_][a-z0-9_]*, rank: 0|1|2}}, got {inp!r:.100}")
        decl.append((n, int(r)))
    if not decl or decl[0][0] != "logprobs" or decl[0][1] == 0:
        raise EngineInputError("inputs[0]: the first input must be logprobs, of rank 1 ([T]) or 2 ([T, K])")
    if len({n for n, _ in decl}) != len(decl):
        raise EngineInputError("inputs: input names must be distinct")
    if graph.get("format") != 1:
        raise EngineInputError(f"graph.format: expected 1, got {graph.get('format')!r}")
    raw = graph.get("nodes")
    if not isinstance(raw, list) or len(raw) > MAX_NODES:
        raise EngineInputError(f"graph.nodes: expected a list of at most {MAX_NODES} nodes")
    known: set[str] = set()
    placeholders: list[str] = []
    nodes: list[_Node] = []
    result: Any = None
    for i, nd in enumerate(raw):
        where = f"graph.nodes[{i}]"
        if not isinstance(nd, Mapping):
            raise EngineInputError(f"{where}: expected a node object, got {nd!r:.100}")
        kind, nname, target = nd.get("op"), nd.get("name"), nd.get("target")
        if not isinstance(nname, str) or not nname or nname in known:
            raise EngineInputError(f"{where}.name: expected a new node name, got {nname!r}")
        if result is not None:
            raise EngineInputError(f"{where}: nodes after the output node")
        if kind == "placeholder":
            if nodes:
                raise EngineInputError(f"{where}: placeholders must come before every other node")
            placeholders.append(nname)
        elif kind in ("call_function", "call_method"):
            args = _decode(list(nd.get("args") or []), f"{where}.args", known)
            kwargs = _decode({"dict": dict(nd.get("kwargs") or {})}, f"{where}.kwargs", known)
            nodes.append(_Node(nname, _op(kind, str(target), f"{where} ({nname})"), str(target), tuple(args), kwargs))
        elif kind == "output":
            out = _decode(list(nd.get("args") or []), f"{where}.args", known)
            result = out[0] if len(out) == 1 else None
            if not (isinstance(result, (tuple, list)) and len(result) == 2 and isinstance(result[0], Ref)):
                raise EngineInputError(f"{where}: the output must be (loss, metrics) with the loss a computed tensor")
            if not isinstance(result[1], dict):
                raise EngineInputError(f"{where}: the metrics must be a dict")
            for key in result[1]:
                if not _METRIC_KEY.fullmatch(key):
                    raise EngineInputError(f"{where}: metric {key!r} must be named custom/<name>:sum or :mean")
        elif kind in ("call_module", "get_attr"):
            raise EngineInputError(
                f"{where} ({nname}): {kind} nodes are not allowed (a custom loss may use only functions of "
                "torch, math and operator, and read only logprobs and its loss_fn_inputs)"
            )
        else:
            raise EngineInputError(f"{where}.op: unknown node kind {kind!r}")
        known.add(nname)
    if placeholders != [n for n, _ in decl]:
        raise EngineInputError(
            f"graph.nodes: the placeholders {placeholders} must be the declared inputs in order {[n for n, _ in decl]}"
        )
    if result is None:
        raise EngineInputError("graph.nodes: no output node")
    return CustomLoss(name, tuple(decl), tuple(nodes), result[0], result[1])


# ---------------------------------------------------------------------------------------------- running


@dataclass(frozen=True)
class CustomLossBatch:
    """Datums checked for a custom loss: the cross-entropy batch giving their logprobs, and their inputs."""

    loss: CustomLoss
    base: BaseModel
    datums: tuple[Datum, ...]
    forward: Batch
    values: tuple[tuple[np.ndarray, ...], ...]  # per datum, the loss_fn_inputs the loss reads

    def run(self, model: TrainableModel, *, backward: bool) -> ForwardResult:
        fwd = model.run(self.forward, backward=False)
        total = 0.0
        sums: dict[str, float] = {}
        weights = []
        for i, (out, values) in enumerate(zip(fwd.outputs, self.values)):
            loss, grad, metrics = self.loss.run((out["logprobs"], *values))
            if not (math.isfinite(loss) and np.isfinite(grad).all() and all(map(math.isfinite, metrics.values()))):
                raise EngineInputError(
                    f"datums[{i}]: custom loss {self.loss.name!r} gave a non-finite loss, gradient or metric"
                )
            total += loss
            for k, v in metrics.items():
                sums[k] = sums.get(k, 0.0) + v
            weights.append(-grad)
        if backward:  # cross-entropy with weights -dL/dℓ has the custom loss's gradient (module docstring)
            batch = prepare_batch(
                self.base,
                [
                    Datum(d.tokens, {"target_tokens": d.loss_fn_inputs["target_tokens"], "weights": w})
                    for d, w in zip(self.datums, weights)
                ],
                "cross_entropy",
            )
            model.run(batch, backward=True)
        n = len(self.values)
        metrics = {"loss:sum": total, **{k: v / n if k.endswith(":mean") else v for k, v in sums.items()}}
        return ForwardResult([{"logprobs": o["logprobs"]} for o in fwd.outputs], metrics)


def prepare_custom_batch(base: BaseModel, datums: Sequence[Datum], loss: CustomLoss, *, where: str) -> CustomLossBatch:
    """Check every datum for ``loss`` (its inputs present at their declared ranks, numeric and finite; the
    tokens and targets as for cross-entropy) before anything runs."""
    (lp_name, lp_rank), *rest = loss.inputs
    values = []
    plain = []
    for i, d in enumerate(datums):
        at = f"{where}[{i}].loss_fn_inputs"
        inputs = d.loss_fn_inputs
        if "target_tokens" not in inputs:
            raise EngineInputError(f"{at}['target_tokens']: missing; custom loss {loss.name!r} scores its logprobs")
        tt = np.asarray(inputs["target_tokens"])
        if tt.ndim != lp_rank:
            raise EngineInputError(
                f"{at}['target_tokens']: rank {tt.ndim}, but custom loss {loss.name!r} declared {lp_name} with rank {lp_rank}"
            )
        got = []
        for name, rank in rest:
            if name not in inputs:
                raise EngineInputError(f"{at}[{name!r}]: missing; custom loss {loss.name!r} reads it")
            a = np.asarray(inputs[name])
            if a.ndim != rank:
                raise EngineInputError(
                    f"{at}[{name!r}]: rank {a.ndim}, but custom loss {loss.name!r} declared rank {rank}"
                )
            if a.dtype.kind not in "biuf" or (a.dtype.kind == "f" and not np.isfinite(a).all()):
                raise EngineInputError(f"{at}[{name!r}]: expected finite numbers, got dtype {a.dtype}")
            got.append(
                a.astype(np.float64) if a.dtype.kind == "f" else a.astype(np.int64) if a.dtype.kind in "iu" else a
            )
        values.append(tuple(got))
        plain.append(Datum(d.tokens, {"target_tokens": tt, "weights": np.zeros(tt.shape, dtype=np.float32)}))
    forward = prepare_batch(base, plain, "cross_entropy", where=where, tokens_field="model_input")
    return CustomLossBatch(loss, base, tuple(plain), forward, tuple(values))
