"""Endpoints tagged `weights`."""
