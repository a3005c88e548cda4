"""The Tinker HTTP API, generated from openapi/tinker.yaml (models and endpoints)."""
