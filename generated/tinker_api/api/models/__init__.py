"""Endpoints tagged `models`."""
