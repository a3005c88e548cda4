"""Public path of `ForwardRequest` (defined with its siblings in ``tinker.types.forward_backward_input``)."""

from .forward_backward_input import ForwardRequest

__all__ = ["ForwardRequest"]
