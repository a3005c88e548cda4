"""Endpoints tagged `sampling`."""
