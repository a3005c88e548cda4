"""Hand-written behaviour mixed into generated models (see openapi/python/generate.py)."""
