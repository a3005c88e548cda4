"""CLI errors: one exception type for expected failures, and the translation of SDK failures into it."""

from __future__ import annotations

import os
import traceback

__all__ = ["CliError", "translate"]

CREDENTIAL_HINT = "Set TINKER_API_KEY, or store a key with `tinker auth login`."


class CliError(Exception):
    """A failure the user can act on: printed as ``Error: <message>`` plus details, exit code 1 by default."""

    def __init__(self, message: str, details: str | None = None, exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        self.exit_code = exit_code


def _server() -> str:
    from tinker._config import redact_urls  # a password in the URL stays off the terminal

    return redact_urls(os.environ.get("TINKER_BASE_URL") or "the default Tinker service")


def translate(exc: BaseException) -> CliError:
    """The CliError to show for an exception a command let through (SDK errors, bad input, file errors)."""
    import tinker

    said = f"Server said: {getattr(exc, 'message', None) or exc}"
    status_errors: list[tuple[type[BaseException], str, str]] = [
        (tinker.AuthenticationError, "Authentication failed", f"The server refused the credential. {CREDENTIAL_HINT}"),
        (tinker.PermissionDeniedError, "Permission denied", "This credential may not access that resource."),
        (tinker.BillingError, "Billing issue", "The account cannot be billed; check its billing setup."),
        (
            tinker.NotFoundError,
            "Not found",
            "Check the id or path: `tinker run list` and `tinker checkpoint list` show what exists.",
        ),
        (tinker.ConflictError, "Conflict", "The resource is in a state that does not allow this."),
        (tinker.UnprocessableEntityError, "Invalid input", "The server rejected a parameter."),
        (tinker.BadRequestError, "Invalid request", "The server rejected the request."),
        (tinker.RateLimitError, "Rate limit exceeded", "Wait a moment and try again."),
        (tinker.InternalServerError, "Server error", "The server failed; try again later."),
    ]
    for cls, message, hint in status_errors:
        if isinstance(exc, cls):
            return CliError(message, f"{hint}\n{said}")
    if isinstance(exc, tinker.APITimeoutError):
        return CliError("Request timed out", f"{_server()} did not answer in time; try again.")
    if isinstance(exc, tinker.APIConnectionError):  # CircuitOpenError included
        return CliError(
            f"Cannot reach the Tinker server at {_server()}",
            f"Check that it is running and that TINKER_BASE_URL is right.\n{exc}",
        )
    if isinstance(exc, tinker.APIStatusError):
        return CliError(f"API error (HTTP {exc.status_code})", said)
    if isinstance(exc, tinker.TinkerError):
        text = str(exc)
        if "credential" in text.lower():  # none found, or one that cannot be used (a command that failed, a stray CR)
            heading = "No Tinker credential" if text.startswith("No ") else "Unusable Tinker credential"
            return CliError(heading, f"{text}\n{CREDENTIAL_HINT}")
        return CliError(text)
    if isinstance(exc, ValueError):
        return CliError(f"Invalid argument: {exc}")
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return CliError(
            f"File error{where}: {exc.strerror or exc}", "Check that the path is writable (or use --output)."
        )
    details = "".join(traceback.format_exception(exc)) if os.environ.get("TINKER_LOG") == "debug" else None
    return CliError(
        f"Unexpected error: {type(exc).__name__}: {exc}", details or "Run with TINKER_LOG=debug for a traceback."
    )
