"""Endpoints tagged `session`."""
