"""The environment switches of observability, read whenever a client is created (they only switch things on):

* ``TINKER_OTEL=1``: :func:`tinker.enable_tracing` (spans to the global TracerProvider; extra ``otel``);
* ``TINKER_METRICS=prometheus``: :func:`tinker.enable_metrics` (the global Prometheus registry; extra
  ``prometheus``);
* ``TINKER_AUDIT_LOG=path``: :func:`tinker.enable_audit_log`.

``TINKER_LOG=debug`` (debug mode, read by ``import tinker``), ``TINKER_CREDENTIAL_REFRESH_SECONDS`` and
``TINKER_SLOW_FUTURE_SECONDS`` are read where they act (``tinker/__init__.py``, ``_credentials.py``,
``_hooks.py``). Nothing here imports OpenTelemetry or prometheus_client unless its switch is set.
"""

from __future__ import annotations

import os

__all__ = ["configure_from_env"]

_TRUE = ("1", "true", "yes", "on")


def configure_from_env() -> None:
    if os.environ.get("TINKER_OTEL", "").strip().lower() in _TRUE:
        from ._tracing import enable_tracing, tracing_enabled

        if not tracing_enabled():
            enable_tracing()
    metrics = os.environ.get("TINKER_METRICS", "").strip().lower()
    if metrics:
        if metrics != "prometheus":
            raise ValueError(f"TINKER_METRICS={metrics!r}: the only exporter is 'prometheus'")
        from ._metrics import enable_metrics, metrics_enabled

        if not metrics_enabled():
            enable_metrics()
    audit = os.environ.get("TINKER_AUDIT_LOG", "").strip()
    if audit:
        from ._audit import enable_audit_log

        enable_audit_log(audit)
