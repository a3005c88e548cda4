"""Errors raised by the engine."""

from __future__ import annotations


class EngineInputError(ValueError):
    """A caller-supplied value is invalid (unknown loss or key, bad shape, bad range...).

    The message always names the offending field, and for shape problems the
    expected and actual shapes, e.g.
    ``"datums[0].loss_fn_inputs['advantages']: expected shape (12,), got (11,)"``.
    The engine validates everything before touching any state, so after this
    error the model (weights, gradients, optimizer) is unchanged.  Float overflow is a user
    error too (a huge learning rate, loss weights or advantages): an ``optim_step`` or
    ``forward_backward`` whose result would not be finite is refused the same way, and NaN/inf
    never leaves the engine.  The one exception to "unchanged": ``optim_step`` on non-finite
    accumulated gradients discards them (no further accumulation could make them finite).
    """
