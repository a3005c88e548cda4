"""Endpoints tagged `training`."""
