"""Endpoints tagged `rest`."""
