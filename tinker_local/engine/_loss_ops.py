"""The operations a server-side custom loss may use, in numpy, each with its vector-Jacobian product.

A custom loss arrives as a traced torch graph whose nodes name torch, ``math`` and ``operator`` functions and
``torch.Tensor`` methods (see ``_custom_loss``). Each supported name maps to an ``Op``: called with the
node's evaluated arguments, it returns the value and a *vjp* mapping the gradient of the output to the
gradients of its tensor arguments, keyed by argument path (``0``, ``1``, ... for positional arguments,
the keyword name for keyword ones, ``(0, j)`` for the j-th tensor of a list argument).

Semantics follow torch's (broadcasting, ``dim``/``keepdim``, the ``max(x, dim)`` overload returning
``(values, indices)``), and so do the gradients where torch picks a convention: ``minimum``/``maximum``
split the gradient evenly on ties, ``amax``/``amin`` and full ``max``/``min`` spread it evenly over the
tied elements, ``clamp`` passes it through on the (inclusive) bounds, ``abs``/``relu``/``sign`` have
gradient 0 at 0, ``x ** y`` has no gradient for ``y`` where ``x == 0``. Float tensors are float64 here
(torch would use the inputs' float32), so results agree with torch to float32 rounding.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["FUNCTIONS", "METHODS", "DType", "MaxResult", "Op", "is_tensor"]

Grads = dict[Any, np.ndarray]
Vjp = Callable[[np.ndarray], Grads]
Op = Callable[..., tuple[Any, Vjp | None]]


@dataclass(frozen=True)
class DType:
    """A torch dtype named in a graph (``{"dtype": "float32"}``): its numpy kind here."""

    name: str

    @property
    def numpy(self) -> np.dtype[Any]:
        if self.name == "bool":
            return np.dtype(np.bool_)
        if self.name.startswith(("int", "uint", "long", "short")):
            return np.dtype(np.int64)
        return np.dtype(np.float64)  # every float dtype: float64 maths (see the module docstring)


def is_tensor(x: Any) -> bool:
    return isinstance(x, np.ndarray)


def _t(x: Any) -> np.ndarray:
    """A tensor result: numpy turns 0-d results into scalars; floats become float64."""
    a = np.asarray(x)
    return a.astype(np.float64) if a.dtype.kind == "f" and a.dtype != np.float64 else a


def _unbroadcast(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum a broadcast gradient back to ``shape``."""
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for i, n in enumerate(shape):
        if n == 1 and g.shape[i] != 1:
            g = g.sum(axis=i, keepdims=True)
    return g


def _grads(g: np.ndarray, **parts: tuple[Any, np.ndarray]) -> Grads:
    """Gradients for the tensor arguments among ``parts`` (path -> (argument, unreduced gradient))."""
    out: Grads = {}
    for key, (arg, grad) in parts.items():
        if is_tensor(arg):
            out[int(key[1:]) if key.startswith("a") else key] = _unbroadcast(grad, arg.shape)
    return out


# ---------------------------------------------------------------------------------------------- elementwise


def _unary(f: Callable[[np.ndarray], np.ndarray], df: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> Op:
    def op(x: Any, *, inplace: bool = False) -> tuple[Any, Vjp | None]:
        if inplace:  # values here are never mutated: an in-place op would change what later nodes read
            raise ValueError("in-place operations (inplace=True) are not supported")
        xa = _t(x)
        with np.errstate(all="ignore"):  # inf/NaN are reported once, on the loss and its gradient
            out = _t(f(xa))
        return out, lambda g: {0: g * df(xa, out)}

    return op


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # stable for every x


UNARY: dict[str, Op] = {
    "exp": _unary(np.exp, lambda x, o: o),
    "log": _unary(np.log, lambda x, o: 1.0 / x),
    "log1p": _unary(np.log1p, lambda x, o: 1.0 / (1.0 + x)),
    "expm1": _unary(np.expm1, lambda x, o: o + 1.0),
    "sqrt": _unary(np.sqrt, lambda x, o: 0.5 / o),
    "rsqrt": _unary(lambda x: 1.0 / np.sqrt(x), lambda x, o: -0.5 * o**3),
    "abs": _unary(np.abs, lambda x, o: np.sign(x)),
    "neg": _unary(np.negative, lambda x, o: -np.ones_like(o)),
    "sigmoid": _unary(_sigmoid, lambda x, o: o * (1.0 - o)),
    "tanh": _unary(np.tanh, lambda x, o: 1.0 - o * o),
    "relu": _unary(_relu, lambda x, o: (x > 0).astype(np.float64)),
    "square": _unary(np.square, lambda x, o: 2.0 * x),
    "reciprocal": _unary(lambda x: 1.0 / x, lambda x, o: -o * o),
    "sign": _unary(np.sign, lambda x, o: np.zeros_like(o, dtype=np.float64)),
    # log(sigmoid(x)) = -softplus(-x), computed without overflow
    "logsigmoid": _unary(lambda x: -np.logaddexp(0.0, -x), lambda x, o: _sigmoid(-x)),
}


def _softplus(x: Any, beta: float = 1.0, threshold: float = 20.0) -> tuple[Any, Vjp | None]:
    xa = _t(x)
    lin = xa * beta > threshold  # torch: linear above the threshold
    with np.errstate(all="ignore"):
        out = _t(np.where(lin, xa, np.logaddexp(0.0, beta * xa) / beta))
    return out, lambda g: {0: g * np.where(lin, 1.0, _sigmoid(beta * xa))}


def _binary(
    f: Callable[[Any, Any], Any],
    da: Callable[[Any, Any, Any], Any] | None,
    db: Callable[[Any, Any, Any], Any] | None,
) -> Op:
    def op(a: Any, b: Any, *, alpha: float = 1.0) -> tuple[Any, Vjp | None]:
        if alpha != 1.0:  # torch.add / torch.sub with alpha scale the second operand
            b = b * alpha
        with np.errstate(all="ignore"):
            out = f(a, b)
        if not (is_tensor(a) or is_tensor(b)):
            return out, None  # Python numbers (shapes, constants): no tensor involved
        out = _t(out)
        if da is None or db is None:
            return out, None

        def vjp(g: np.ndarray) -> Grads:
            with np.errstate(all="ignore"):
                return _grads(g, a0=(a, g * da(a, b, out)), a1=(b, g * db(a, b, out) * alpha))

        return out, vjp

    return op


def _pow_da(a: Any, b: Any, out: Any) -> Any:
    return np.where(np.asarray(b) == 0, 0.0, b * np.power(a, np.asarray(b) - 1.0))


def _pow_db(a: Any, b: Any, out: Any) -> Any:
    return np.where((np.asarray(a) == 0) & (np.asarray(b) >= 0), 0.0, out * np.log(a))


def _tie(a: Any, b: Any, win: Callable[[Any, Any], Any]) -> Any:
    return np.where(win(a, b), 1.0, np.where(np.asarray(a) == np.asarray(b), 0.5, 0.0))


def _no_grad(f: Callable[..., Any]) -> Op:
    def op(*args: Any, **kwargs: Any) -> tuple[Any, Vjp | None]:
        out = f(*args, **kwargs)
        return (_t(out) if any(is_tensor(a) for a in args) else out), None

    return op


BINARY: dict[str, Op] = {
    "add": _binary(lambda a, b: a + b, lambda a, b, o: 1.0, lambda a, b, o: 1.0),
    "sub": _binary(lambda a, b: a - b, lambda a, b, o: 1.0, lambda a, b, o: -1.0),
    "mul": _binary(lambda a, b: a * b, lambda a, b, o: b, lambda a, b, o: a),
    "div": _binary(lambda a, b: np.true_divide(a, b), lambda a, b, o: 1.0 / np.asarray(b), lambda a, b, o: -o / b),
    "pow": _binary(lambda a, b: np.power(a, b) if is_tensor(a) or is_tensor(b) else a**b, _pow_da, _pow_db),
    "minimum": _binary(np.minimum, lambda a, b, o: _tie(a, b, np.less), lambda a, b, o: _tie(b, a, np.less)),
    "maximum": _binary(np.maximum, lambda a, b, o: _tie(a, b, np.greater), lambda a, b, o: _tie(b, a, np.greater)),
}
_CMP: dict[str, Callable[[Any, Any], Any]] = {
    "lt": np.less,
    "le": np.less_equal,
    "gt": np.greater,
    "ge": np.greater_equal,
    "eq": np.equal,
    "ne": np.not_equal,
    "logical_and": np.logical_and,
    "logical_or": np.logical_or,
}
BINARY.update({k: _no_grad(f) for k, f in _CMP.items()})


def _floordiv(a: Any, b: Any) -> Any:
    return np.floor_divide(a, b) if is_tensor(a) or is_tensor(b) else a // b


def _where(cond: Any, a: Any, b: Any) -> tuple[Any, Vjp | None]:
    c = np.asarray(cond, dtype=bool)
    out = _t(np.where(c, a, b))
    return out, lambda g: _grads(g, a1=(a, np.where(c, g, 0.0)), a2=(b, np.where(c, 0.0, g)))


def _clamp(x: Any, min: Any = None, max: Any = None) -> tuple[Any, Vjp | None]:
    xa = _t(x)
    lo = -np.inf if min is None else min
    hi = np.inf if max is None else max
    out = _t(np.minimum(np.maximum(xa, lo), hi))  # torch: min(max(x, lo), hi), so hi wins when lo > hi
    above = xa > hi
    below = (xa < lo) & ~above

    def vjp(g: np.ndarray) -> Grads:
        return _grads(
            g,
            a0=(xa, np.where(above | below, 0.0, g)),
            min=(min, np.where(below, g, 0.0)),
            max=(max, np.where(above, g, 0.0)),
        )

    return out, vjp


def _masked_fill(x: Any, mask: Any, value: Any) -> tuple[Any, Vjp | None]:
    m = np.asarray(mask, dtype=bool)
    out = _t(np.where(m, value, x))
    return out, lambda g: _grads(g, a0=(x, np.where(m, 0.0, g)), a2=(value, np.where(m, g, 0.0)))


# ---------------------------------------------------------------------------------------------- reductions


def _axes(x: np.ndarray, dim: Any) -> tuple[int, ...] | None:
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return None
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    return tuple(int(d) % max(x.ndim, 1) for d in dims)


def _expand(g: np.ndarray, x: np.ndarray, axes: tuple[int, ...] | None, keepdim: bool) -> np.ndarray:
    """A reduced gradient broadcast back over the reduced axes."""
    if axes is not None and not keepdim and x.ndim:
        g = np.expand_dims(g, axes)
    return np.broadcast_to(g, x.shape)


def _sum(x: Any, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> tuple[Any, Vjp | None]:
    xa = _t(x)
    axes = _axes(xa, dim)
    out = _t(xa.sum(axis=axes, keepdims=keepdim))
    return out, lambda g: {0: _expand(g, xa, axes, keepdim)}


def _mean(x: Any, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> tuple[Any, Vjp | None]:
    xa = _t(x).astype(np.float64)
    axes = _axes(xa, dim)
    n = xa.size if axes is None else math.prod(xa.shape[a] for a in axes)
    out = _t(xa.mean(axis=axes, keepdims=keepdim))
    return out, lambda g: {0: _expand(g, xa, axes, keepdim) / n}


def _extreme(pick: Callable[..., Any]) -> Op:
    """amax/amin over ``dim`` (gradient spread evenly over ties)."""

    def op(x: Any, dim: Any = (), keepdim: bool = False) -> tuple[Any, Vjp | None]:
        xa = _t(x)
        axes = _axes(xa, dim)
        out = _t(pick(xa, axis=axes, keepdims=keepdim))

        def vjp(g: np.ndarray) -> Grads:
            hit = (xa == _expand(out, xa, axes, keepdim)).astype(np.float64)
            count = hit.sum(axis=axes, keepdims=True)
            return {0: _expand(g, xa, axes, keepdim) * hit / count}

        return out, vjp

    return op


_AMAX = _extreme(np.max)
_AMIN = _extreme(np.min)


def _max_or_min(name: str) -> Op:
    """torch.max / torch.min: of all elements, elementwise with a tensor, or ``(values, indices)`` over a dim."""
    full = _AMAX if name == "max" else _AMIN
    arg = np.argmax if name == "max" else np.argmin

    def op(x: Any, other: Any = None, keepdim: bool = False, *, dim: Any = None) -> tuple[Any, Vjp | None]:
        if is_tensor(other):
            return BINARY["maximum" if name == "max" else "minimum"](x, other)
        d = other if other is not None else dim
        if d is None:
            return full(x)
        xa = _t(x)
        ax = int(d) % max(xa.ndim, 1)
        idx = np.expand_dims(arg(xa, axis=ax), ax)
        values = np.take_along_axis(xa, idx, axis=ax)
        indices = idx
        if not keepdim:
            values, indices = values.squeeze(ax), indices.squeeze(ax)

        def vjp(g: np.ndarray) -> Grads:
            z = np.zeros_like(xa, dtype=np.float64)
            np.put_along_axis(z, idx, g if keepdim else np.expand_dims(g, ax), axis=ax)
            return {0: z}

        return MaxResult(_t(values), _t(indices)), vjp

    return op


@dataclass(frozen=True)
class MaxResult:
    """``(values, indices)`` of ``max``/``min`` over a dim (only ``values`` carries a gradient)."""

    values: np.ndarray
    indices: np.ndarray

    def __getitem__(self, i: int) -> np.ndarray:
        return (self.values, self.indices)[i]


def _logsumexp(x: Any, dim: Any, keepdim: bool = False) -> tuple[Any, Vjp | None]:
    xa = _t(x)
    axes = _axes(xa, dim)
    m = xa.max(axis=axes, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        lse = np.log(np.exp(xa - m).sum(axis=axes, keepdims=True)) + m
    out = _t(lse if keepdim else np.squeeze(lse, axis=axes))
    return out, lambda g: {0: _expand(g, xa, axes, keepdim) * np.exp(xa - lse)}


def _softmax(log: bool) -> Op:
    def op(x: Any, dim: Any = None, _stacklevel: int = 3, dtype: Any = None) -> tuple[Any, Vjp | None]:
        xa = _t(x).astype(np.float64)
        ax = -1 if dim is None else int(dim)
        z = xa - xa.max(axis=ax, keepdims=True)
        ls = z - np.log(np.exp(z).sum(axis=ax, keepdims=True))
        p = np.exp(ls)
        if log:
            return _t(ls), lambda g: {0: g - p * g.sum(axis=ax, keepdims=True)}
        return _t(p), lambda g: {0: p * (g - (g * p).sum(axis=ax, keepdims=True))}

    return op


# ---------------------------------------------------------------------------------------------- shapes, indexing


def _shape_arg(shape: Sequence[Any]) -> tuple[int, ...]:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return tuple(int(s) for s in shape)


def _reshape(x: Any, *shape: Any) -> tuple[Any, Vjp | None]:
    xa = _t(x)
    return xa.reshape(_shape_arg(shape)), lambda g: {0: g.reshape(xa.shape)}


def _unsqueeze(x: Any, dim: int) -> tuple[Any, Vjp | None]:
    xa = _t(x)
    d = int(dim) if dim >= 0 else int(dim) + xa.ndim + 1
    return np.expand_dims(xa, d), lambda g: {0: g.reshape(xa.shape)}


def _squeeze(x: Any, dim: Any = None) -> tuple[Any, Vjp | None]:
    xa = _t(x)
    if dim is None:
        out = xa.squeeze()
    else:
        axes = tuple(d for d in (_axes(xa, dim) or ()) if xa.shape[d] == 1)  # torch ignores non-1 dims
        out = xa.squeeze(axis=axes) if axes else xa
    return out, lambda g: {0: g.reshape(xa.shape)}


def _flatten(x: Any, start_dim: int = 0, end_dim: int = -1) -> tuple[Any, Vjp | None]:
    xa = _t(x)
    if xa.ndim == 0:
        return xa.reshape(1), lambda g: {0: g.reshape(())}
    s, e = start_dim % xa.ndim, end_dim % xa.ndim
    out = xa.reshape(xa.shape[:s] + (-1,) + xa.shape[e + 1 :])
    return out, lambda g: {0: g.reshape(xa.shape)}


def _index(key: Any) -> Any:
    if is_tensor(key):
        return key if key.dtype == np.bool_ else key.astype(np.int64)
    if isinstance(key, tuple):
        return tuple(_index(k) for k in key)
    return key


def _getitem(x: Any, key: Any) -> tuple[Any, Vjp | None]:
    if isinstance(x, MaxResult):  # (values, indices): the gradient of the pair is that of its values
        return x[key], (lambda g: {0: g}) if key == 0 else None
    if not is_tensor(x):
        return x[key], None  # a shape or a list
    k = _index(key)
    out = _t(x[k])

    def vjp(g: np.ndarray) -> Grads:
        z = np.zeros_like(x, dtype=np.float64)
        np.add.at(z, k, g)
        return {0: z}

    return out, vjp


def _join(stack: bool) -> Op:
    def op(tensors: Sequence[Any], dim: int = 0) -> tuple[Any, Vjp | None]:
        arrs = [_t(a) for a in tensors]
        out = _t(np.stack(arrs, axis=dim) if stack else np.concatenate(arrs, axis=dim))

        def vjp(g: np.ndarray) -> Grads:
            if stack:
                parts = [np.take(g, i, axis=dim) for i in range(len(arrs))]
            else:
                parts = np.split(g, np.cumsum([a.shape[dim] for a in arrs])[:-1], axis=dim)
            return {(0, j): p for j, p in enumerate(parts) if is_tensor(tensors[j])}

        return out, vjp

    return op


# ---------------------------------------------------------------------------------------------- dtypes, constants


def _cast(x: Any, dt: np.dtype[Any]) -> tuple[Any, Vjp | None]:
    xa = _t(x)
    out = xa.astype(dt)
    if dt.kind == "f" and xa.dtype.kind == "f":
        return out, lambda g: {0: g}  # float to float: the same value here (float64)
    return out, None


def _to(x: Any, *args: Any, **kwargs: Any) -> tuple[Any, Vjp | None]:
    """``.to(dtype)``, ``.to(device)``, ``.to(other)``: only the dtype matters on this server."""
    for a in (*args, kwargs.get("dtype")):
        if isinstance(a, DType):
            return _cast(x, a.numpy)
        if is_tensor(a):
            return _cast(x, a.dtype)
    return _cast(x, _t(x).dtype)


def _like(fill: Callable[[np.ndarray], Any]) -> Op:
    def op(x: Any, *args: Any, dtype: Any = None, **_: Any) -> tuple[Any, Vjp | None]:
        xa = _t(x)
        dt = dtype.numpy if isinstance(dtype, DType) else xa.dtype
        return _t(np.full(xa.shape, fill(np.asarray(args[0]) if args else xa), dtype=dt)), None

    return op


def _tensor(data: Any, dtype: Any = None, **_: Any) -> tuple[Any, Vjp | None]:
    arr = np.asarray(data)
    return _t(arr.astype(dtype.numpy) if isinstance(dtype, DType) else arr), None


def _size(x: Any, dim: Any = None) -> tuple[Any, Vjp | None]:
    shape = _t(x).shape
    return (shape if dim is None else shape[int(dim)]), None


def _detach(x: Any) -> tuple[Any, Vjp | None]:
    return _t(x), None


def _identity(x: Any, *_: Any, **__: Any) -> tuple[Any, Vjp | None]:
    return _t(x), lambda g: {0: g}


def _math(name: str) -> Op:
    fn = getattr(math, name)
    return _no_grad(lambda *a: fn(*a))


# ---------------------------------------------------------------------------------------------- the tables

_COMMON: dict[str, Op] = {
    **UNARY,
    **BINARY,
    "true_divide": BINARY["div"],
    "clamp": _clamp,
    "clip": _clamp,
    "clamp_min": lambda x, m: _clamp(x, min=m),
    "clamp_max": lambda x, m: _clamp(x, max=m),
    "sum": _sum,
    "mean": _mean,
    "amax": _AMAX,
    "amin": _AMIN,
    "max": _max_or_min("max"),
    "min": _max_or_min("min"),
    "logsumexp": _logsumexp,
    "softmax": _softmax(log=False),
    "log_softmax": _softmax(log=True),
    "logical_not": _no_grad(np.logical_not),
    "masked_fill": _masked_fill,
}

#: ``call_function`` targets, by the qualified name torch.fx gives them (``_operator.`` spelled ``operator.``)
FUNCTIONS: dict[str, Op] = {
    **{f"torch.{k}": v for k, v in _COMMON.items() if k not in ("clamp_min", "clamp_max", "logsigmoid")},
    "torch.where": _where,
    "torch.ones_like": _like(lambda x: 1),
    "torch.zeros_like": _like(lambda x: 0),
    "torch.full_like": _like(lambda v: v),
    "torch.tensor": _tensor,
    "torch.stack": _join(stack=True),
    "torch.cat": _join(stack=False),
    "torch.nn.functional.relu": UNARY["relu"],
    "torch.nn.functional.softmax": _softmax(log=False),
    "torch.nn.functional.log_softmax": _softmax(log=True),
    "torch._C._nn.log_sigmoid": UNARY["logsigmoid"],  # F.logsigmoid
    "torch._C._nn.softplus": _softplus,  # F.softplus
    "operator.add": BINARY["add"],
    "operator.sub": BINARY["sub"],
    "operator.mul": BINARY["mul"],
    "operator.truediv": BINARY["div"],
    "operator.floordiv": _no_grad(_floordiv),
    "operator.pow": BINARY["pow"],
    "operator.neg": lambda x: UNARY["neg"](x) if is_tensor(x) else (-x, None),
    "operator.pos": _identity,
    "operator.abs": lambda x: UNARY["abs"](x) if is_tensor(x) else (abs(x), None),
    "operator.getitem": _getitem,
    "operator.invert": _no_grad(np.invert),
    "operator.and_": _no_grad(np.logical_and),
    "operator.or_": _no_grad(np.logical_or),
    **{f"operator.{k}": BINARY[k] for k in ("lt", "le", "gt", "ge", "eq", "ne")},
    **{f"math.{k}": _math(k) for k in ("sqrt", "log", "exp", "log1p", "expm1", "floor", "ceil", "fabs", "pow")},
}

#: ``call_method`` targets (``torch.Tensor`` methods)
METHODS: dict[str, Op] = {
    **{k: v for k, v in _COMMON.items() if k not in ("logsigmoid", "logical_and", "logical_or")},
    "logical_and": BINARY["logical_and"],
    "logical_or": BINARY["logical_or"],
    "detach": _detach,
    "clone": _identity,
    "contiguous": _identity,
    "float": lambda x: _cast(x, np.dtype(np.float64)),
    "double": lambda x: _cast(x, np.dtype(np.float64)),
    "long": lambda x: _cast(x, np.dtype(np.int64)),
    "int": lambda x: _cast(x, np.dtype(np.int64)),
    "bool": lambda x: _cast(x, np.dtype(np.bool_)),
    "to": _to,
    "type_as": lambda x, other: _cast(x, _t(other).dtype),
    "reshape": _reshape,
    "view": _reshape,
    "unsqueeze": _unsqueeze,
    "squeeze": _squeeze,
    "flatten": _flatten,
    "size": _size,
    "dim": lambda x: (_t(x).ndim, None),
    "numel": lambda x: (_t(x).size, None),
}

#: ``getattr(value, name)``: the attributes a loss may read
ATTRIBUTES: Mapping[str, Callable[[Any], Any]] = {
    "shape": lambda x: x.shape,
    "ndim": lambda x: x.ndim,
    "dtype": lambda x: DType({"f": "float64", "b": "bool"}.get(x.dtype.kind, "int64")),
    "values": lambda x: x.values,
    "indices": lambda x: x.indices,
}


def _getattr(x: Any, name: str) -> tuple[Any, Vjp | None]:
    get = ATTRIBUTES.get(name) if isinstance(name, str) else None
    if get is None or not isinstance(x, (np.ndarray, MaxResult)) or not hasattr(x, name):
        raise ValueError(f"getattr: attribute {name!r} is not supported (supported: {sorted(ATTRIBUTES)})")
    return get(x), (lambda g: {0: g}) if name == "values" else None


FUNCTIONS["getattr"] = _getattr  # torch.fx names the builtin without its module
