"""Custom losses traced with ``torch.fx`` (``ServiceClient.create_custom_loss``) and their handles.

A per-datum loss ``fn(logprobs, <loss_fn_inputs it reads>...) -> (loss, metrics)`` is traced once into a
graph of torch/math operations. The :class:`LossHandle` runs that graph (never ``fn`` itself) on every
datum and sums the losses; metrics named ``custom/<name>:sum`` are summed and ``custom/<name>:mean``
averaged over the datums. A handle is also a ``(data, logprobs) -> (loss, metrics)`` callable, so it
can be passed anywhere a custom loss function is accepted.
"""

from __future__ import annotations

import builtins
import inspect
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Concatenate, cast

from tinker_wire._lazy import deferred_import

if TYPE_CHECKING:
    import hashlib

    import torch
    import torch.fx

    from .types import CustomLossInput
    from .types.datum import Datum
else:
    hashlib = deferred_import("hashlib", globals())

__all__ = ["LossHandle", "PerDatumLossFn", "encode_graph", "trace_loss"]

PerDatumLossFn = Callable[Concatenate["torch.Tensor", ...], tuple["torch.Tensor", Mapping[str, "torch.Tensor"]]]
"""``(logprobs, *inputs) -> (scalar loss, {"custom/<name>:sum"|":mean": scalar tensor})``, per datum."""

_MAX_PARAMS = 16
_PARAM = re.compile(r"[a-z_][a-z0-9_]{0,63}")
_METRIC = re.compile(r"custom/[a-z0-9_./-]{1,64}:(sum|mean)")
# Modules whose functions a loss may call (``_operator`` holds what fx records for Python operators).
_FUNCTION_MODULES = frozenset({"torch", "math", "operator", "_operator"})
# Tensor methods that leave torch (and would bake traced values into the graph as constants).
_LEAVES_TORCH = frozenset({"item", "tolist", "numpy"})


@dataclass(frozen=True)
class LossHandle:
    """A traced custom loss from :meth:`ServiceClient.create_custom_loss`; pass it to
    ``TrainingClient.forward_backward_custom`` instead of a function.

    ``inputs`` lists ``logprobs`` first, then the ``loss_fn_inputs`` keys the loss reads, each with its
    rank. ``loss_id`` is the server's id when the server stores the loss, else None (it runs client-side).
    """

    name: str
    inputs: tuple[CustomLossInput, ...]
    session_id: str
    graph: torch.fx.GraphModule = field(repr=False, compare=False)
    loss_id: str | None = None

    @property
    def key(self) -> str:
        """Digest of the traced code and inputs: equal for the same loss traced twice."""
        digest = hashlib.sha256(self.graph.code.encode())
        digest.update(repr([(i.name, i.rank) for i in self.inputs]).encode())
        return digest.hexdigest()

    @property
    def input_names(self) -> tuple[str, ...]:
        """The ``loss_fn_inputs`` keys the loss reads, in parameter order (``logprobs`` excluded)."""
        return tuple(i.name for i in self.inputs[1:])

    def check_data(self, data: Sequence[Datum]) -> None:
        """Raise ``ValueError`` unless every datum has each input the loss reads, at its declared rank
        (``logprobs`` is checked against ``target_tokens``)."""
        keys = ["target_tokens", *self.input_names]
        for i, datum in enumerate(data):
            for key, spec in zip(keys, self.inputs):
                tensor = datum.loss_fn_inputs.get(key)
                if tensor is None:
                    raise ValueError(f"loss {self.name!r} reads loss_fn_inputs[{key!r}], which datum {i} lacks")
                rank = len(tensor.shape) if tensor.shape is not None else 1
                if rank != spec.rank:
                    raise ValueError(
                        f"loss {self.name!r} declares {spec.name} with rank {spec.rank}, but datum "
                        f"{i} has loss_fn_inputs[{key!r}] of rank {rank}"
                    )

    def check_usable(self, session_id: str | None, data: Sequence[Datum]) -> None:
        """Raise ``ValueError`` unless a client of session ``session_id`` may run this loss on ``data``."""
        if session_id != self.session_id:
            raise ValueError(
                f"loss {self.name!r} was created in session {self.session_id!r}; only clients of that "
                f"session can use it (this client is in session {session_id!r})"
            )
        self.check_data(data)

    def __call__(
        self, data: Sequence[Datum], logprobs: Sequence[torch.Tensor]
    ) -> tuple[torch.Tensor, dict[str, float]]:
        """Run the traced loss on each datum: the summed loss and the combined metrics."""
        import torch

        self.check_data(data)
        if len(data) != len(logprobs):
            raise ValueError(f"{len(data)} datums but {len(logprobs)} logprob tensors")
        total: torch.Tensor | None = None
        sums: dict[str, float] = {}
        for i, (datum, lp) in enumerate(zip(data, logprobs)):
            args = [datum.loss_fn_inputs[name].to_torch() for name in self.input_names]
            loss, metrics = self.graph(lp, *args)
            if not isinstance(loss, torch.Tensor) or loss.dim() != 0:
                shape = tuple(loss.shape) if isinstance(loss, torch.Tensor) else type(loss).__name__
                raise ValueError(f"loss {self.name!r} returned a non-scalar loss ({shape}) for datum {i}")
            total = loss if total is None else total + loss
            for key, value in metrics.items():
                sums[key] = sums.get(key, 0.0) + float(value.detach() if isinstance(value, torch.Tensor) else value)
        if total is None:
            raise ValueError("forward_backward_custom needs at least one datum")
        n = len(data)
        return total, {key: (value / n if key.endswith(":mean") else value) for key, value in sums.items()}


def _fn_name(fn: Callable[..., Any]) -> str:
    return str(getattr(fn, "__name__", type(fn).__name__))


def _declared_inputs(fn: Callable[..., Any], input_ranks: Mapping[str, int]) -> tuple[CustomLossInput, ...]:
    from .types import CustomLossInput

    name = _fn_name(fn)
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError) as exc:
        raise ValueError(f"create_custom_loss: cannot read the parameters of {name}: {exc}") from None
    if not params or params[0].name != "logprobs":
        raise ValueError(
            f"create_custom_loss: the first parameter of {name} must be `logprobs`, followed by "
            "the loss_fn_inputs keys it reads, e.g. `def loss(logprobs, weights)`"
        )
    if len(params) > _MAX_PARAMS:
        raise ValueError(
            f"create_custom_loss: {name} has {len(params)} parameters; at most {_MAX_PARAMS} "
            "(logprobs included) are allowed"
        )
    for p in params:
        if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            raise ValueError(
                f"create_custom_loss: parameter {p.name!r} of {name} must be a plain positional "
                "parameter (no *args, **kwargs or keyword-only parameters)"
            )
        if p.default is not p.empty:
            raise ValueError(
                f"create_custom_loss: parameter {p.name!r} of {name} has a default; each parameter "
                "after logprobs is a required loss_fn_inputs key"
            )
        if not _PARAM.fullmatch(p.name):
            raise ValueError(
                f"create_custom_loss: parameter {p.name!r} of {name} must be lowercase letters, digits and underscores"
            )
    names = [p.name for p in params]
    if set(input_ranks) != set(names):
        raise ValueError(
            f"create_custom_loss: input_ranks must have exactly the parameters of {name} "
            f"({', '.join(names)}) as keys, got {sorted(input_ranks)}"
        )
    for key, rank in input_ranks.items():
        if rank not in (0, 1, 2):
            raise ValueError(f"create_custom_loss: the rank of {key!r} must be 0, 1 or 2, got {rank!r}")
    if input_ranks["logprobs"] == 0:
        raise ValueError("create_custom_loss: logprobs has rank 1 ([T]) or 2 ([T, K]), not 0")
    return tuple(CustomLossInput(name=n, rank=cast(Any, input_ranks[n])) for n in names)


def _check_node(name: str, node: torch.fx.Node) -> None:
    import torch

    if node.op == "call_function":
        target = node.target
        module = (getattr(target, "__module__", None) or "").split(".")[0]
        if target is not builtins.getattr and module not in _FUNCTION_MODULES:
            raise ValueError(
                f"create_custom_loss: {name} calls {getattr(target, '__qualname__', target)!r} "
                f"from {getattr(target, '__module__', None) or 'an unknown module'}; only torch and "
                "math functions are allowed"
            )
    elif node.op == "call_method":
        method = str(node.target)
        if method == "backward":
            raise ValueError(
                f"create_custom_loss: {name} calls backward(); return the loss instead and "
                "forward_backward_custom differentiates it"
            )
        if method in _LEAVES_TORCH:
            raise ValueError(
                f"create_custom_loss: {name} calls .{method}(), which leaves torch; keep every value, "
                "metrics included, a tensor"
            )
        if not hasattr(torch.Tensor, method):
            raise ValueError(f"create_custom_loss: {name} calls .{method}(), which is not a torch.Tensor method")
    elif node.op == "call_module":
        raise ValueError(
            f"create_custom_loss: {name} uses the module {node.target!r}; use functions such as "
            "torch.nn.functional instead of torch.nn modules"
        )
    elif node.op == "get_attr":
        raise ValueError(
            f"create_custom_loss: {name} captures the tensor {node.target!r} from outside; a loss "
            "may read only logprobs and the loss_fn_inputs it names"
        )
    elif node.op == "output":
        _check_output(name, node.args[0])


def _check_output(name: str, out: Any) -> None:
    import torch.fx

    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise ValueError(f"create_custom_loss: {name} must return a (loss, metrics) pair")
    loss, metrics = out
    # ValueError throughout (trace_loss documents it): a traced value of the wrong kind is a bad loss, not a
    # bad argument type.
    if not isinstance(loss, torch.fx.Node):
        raise ValueError(  # noqa: TRY004
            f"create_custom_loss: {name} must return its loss as a tensor computed from its inputs, got {loss!r}"
        )
    if not isinstance(metrics, dict):
        raise ValueError(f"create_custom_loss: {name} must return its metrics as a dict")  # noqa: TRY004
    for key, value in metrics.items():
        if not isinstance(key, str) or not _METRIC.fullmatch(key):
            raise ValueError(
                f"create_custom_loss: metric {key!r} of {name} must be named custom/<name>:sum or "
                "custom/<name>:mean (lowercase)"
            )
        if not isinstance(value, torch.fx.Node):
            raise ValueError(f"create_custom_loss: metric {key!r} of {name} must be a tensor, got {value!r}")  # noqa: TRY004


def trace_loss(fn: PerDatumLossFn, input_ranks: Mapping[str, int]) -> tuple[tuple[CustomLossInput, ...], Any]:
    """Validate ``fn`` and trace it: its declared inputs and the ``torch.fx.GraphModule``.

    Raises ``ImportError`` without torch and ``ValueError`` for a loss that is not a pure torch/math
    function of its inputs.
    """
    inputs = _declared_inputs(fn, input_ranks)
    try:
        import torch.fx
    except ImportError:
        raise ImportError("create_custom_loss needs torch: pip install 'tinker-oss[torch]'") from None
    name = _fn_name(fn)
    try:
        graph = torch.fx.symbolic_trace(fn)
    except Exception as exc:
        raise ValueError(
            f"create_custom_loss: torch.fx cannot trace {name} ({type(exc).__name__}: {exc}); a "
            "custom loss cannot branch on tensor values or call libraries other than torch and "
            "math"
        ) from exc
    for node in graph.graph.nodes:
        _check_node(name, node)
    return inputs, graph


# ---------------------------------------------------------------------------- wire encoding


def _qualified_name(target: Any) -> str:
    module = getattr(target, "__module__", None) or ""
    if module == "_operator":
        module = "operator"
    qualname = getattr(target, "__qualname__", None) or getattr(target, "__name__", None) or str(target)
    return f"{module}.{qualname}" if module else str(qualname)


def _encode_value(loss: str, value: Any) -> Any:
    import torch
    import torch.fx

    if isinstance(value, torch.fx.Node):
        return {"ref": value.name}
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"float": str(value)}
    if isinstance(value, list):
        return [_encode_value(loss, v) for v in value]
    if isinstance(value, tuple):
        return {"tuple": [_encode_value(loss, v) for v in value]}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"dict": {k: _encode_value(loss, v) for k, v in value.items()}}
    if isinstance(value, slice):
        return {"slice": [_encode_value(loss, v) for v in (value.start, value.stop, value.step)]}
    if value is Ellipsis:
        return {"ellipsis": True}
    for cls, tag in (
        (torch.dtype, "dtype"),
        (torch.device, "device"),
        (torch.layout, "layout"),
        (torch.memory_format, "memory_format"),
    ):
        if isinstance(value, cls):
            return {tag: str(value).removeprefix("torch.")}
    raise ValueError(
        f"create_custom_loss: {loss} uses a {type(value).__name__} constant, which cannot be sent to the server"
    )


def encode_graph(name: str, graph: Any) -> dict[str, Any]:
    """The traced graph as the JSON ``CustomLossGraph`` of the wire (nodes in execution order)."""
    nodes = []
    for node in graph.graph.nodes:
        target = _qualified_name(node.target) if node.op == "call_function" else str(node.target)
        nodes.append(
            {
                "op": node.op,
                "name": node.name,
                "target": target,
                "args": [_encode_value(name, a) for a in node.args],
                "kwargs": {k: _encode_value(name, v) for k, v in node.kwargs.items()},
            }
        )
    return {"format": 1, "nodes": nodes}
