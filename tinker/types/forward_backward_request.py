"""Public path of `ForwardBackwardRequest` (defined with its siblings in ``tinker.types.forward_backward_input``)."""

from .forward_backward_input import ForwardBackwardRequest

__all__ = ["ForwardBackwardRequest"]
