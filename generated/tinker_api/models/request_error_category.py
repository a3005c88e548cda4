"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from enum import StrEnum

from ._mixins.request_error_category import RequestErrorCategoryMixin

__all__ = ["RequestErrorCategory"]


class RequestErrorCategory(RequestErrorCategoryMixin, StrEnum):
    """Category attached to a failed request: the caller's fault, the server's, or unknown.

    Unrecognised values coming from a server are mapped to :attr:`unknown` by :meth:`parse`.
    """

    Unknown = "unknown"
    Server = "server"
    User = "user"
    unknown = "unknown"
    server = "server"
    user = "user"
