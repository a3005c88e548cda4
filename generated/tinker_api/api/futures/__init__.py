"""Endpoints tagged `futures`."""
