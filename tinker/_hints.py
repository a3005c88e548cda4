"""Actionable HTTP errors: what failed (operation, status, the server's detail, request id) and what to do.

The message keeps the official SDK's ``Error code: <status> - <detail>`` at its start (code that matches on it
keeps working) and adds ``[operation ..., request id ...]`` and one line of advice chosen by status.
"""

from __future__ import annotations

import re

__all__ = ["status_message"]

# Operations that act on a live training model: a 404 there usually means the server lost it.
_MODEL_OPS = frozenset(
    {
        "forward",
        "forward_backward",
        "optim_step",
        "save_weights",
        "load_weights",
        "save_weights_for_sampler",
        "save_weights_external",
        "get_info",
        "unload_model",
    }
)
# "data[0].loss_fn_inputs.weights: ..." -> the field the server names first. A pattern: compiled by ``re`` on the
# first refused request, not when the clients are imported.
_FIELD = r"^\s*([A-Za-z_][\w.\[\]-]*)\s*:"


def _advice(status: int, op: str, detail: str, key_source: str | None) -> str:
    if status in (400, 422):
        field = re.match(_FIELD, detail)
        where = f"the field `{field.group(1)}`" if field else "the request's arguments"
        return f"The server refused the input: fix {where} as the detail says; retrying will not help."
    if status == 401:
        source = key_source or "the configured credential"
        return (
            f"The API key (from {source}) was not accepted: check that it is valid for this server "
            "(TINKER_API_KEY, api_key=..., TINKER_CREDENTIAL_CMD or `tinker auth login`)."
        )
    if status == 402:
        return "Billing: the account cannot run this now (quota or payment); check the account's billing status."
    if status == 403:
        return "The key is valid but may not do this: check the key's permissions or the resource's owner."
    if status == 404:
        if op in _MODEL_OPS:
            return (
                "The server does not know this model: was the server restarted? A restarted server loses live "
                "models; create the training client again or restore one with create_training_client_from_state."
            )
        return "Check the id or tinker:// path (it may belong to another key, or have been deleted or expired)."
    if status == 409:
        return (
            "Conflict: the name is taken (pick another, or pass overwrite=True where offered) or this seq_id / "
            "idempotency key was already used by a different request."
        )
    if status == 410:
        return "The resource expired on the server; submit the request again."
    if status == 413:
        return "The request body is too large for the server: send fewer or shorter datums per call."
    if status == 429:
        return (
            "Rate limited: the SDK backed off and retried until the retry budget ran out; lower concurrency or "
            "raise RetryConfig(deadline=...)."
        )
    if status >= 500:
        return (
            "The server failed: the SDK retried until the deadline; check the server's status or logs "
            "(quote the request id)."
        )
    return "See the detail above."


def status_message(status: int, op: str, detail: str, request_id: str | None, key_source: str | None = None) -> str:
    """The message of an HTTP error: ``Error code: <status> - <detail> [operation <op>, request id <id>] <advice>``."""
    where = f"operation {op}" + (f", request id {request_id}" if request_id else "")
    return f"Error code: {status} - {detail} [{where}] {_advice(status, op, detail, key_source)}"
