"""Endpoints tagged `telemetry`."""
