"""Errors raised by the engine."""

from __future__ import annotations


class EngineInputError(ValueError):
    """A caller-supplied value is invalid (unknown loss or key, bad shape, bad range...).

    The message always names the offending field, and for shape problems the
    expected and actual shapes, e.g.
    ``"datums[0].loss_fn_inputs['advantages']: expected shape (12,), got (11,)"``.
    The engine validates everything before touching any state, so after this
    error the model (weights, gradients, optimizer) is unchanged.
    """
