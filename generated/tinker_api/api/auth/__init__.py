"""Endpoints tagged `auth`."""
