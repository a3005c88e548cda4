"""``tinker.lib.retry_handler.RetryConfig`` (official deep import path)."""

from .._retry import RetryableError, RetryConfig

RetryableException = RetryableError

__all__ = ["RetryConfig", "RetryableException"]
