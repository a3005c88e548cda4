"""Endpoints tagged `service`."""
