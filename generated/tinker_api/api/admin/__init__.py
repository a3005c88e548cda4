"""Endpoints tagged `admin`."""
