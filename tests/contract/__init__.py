"""Contract tests: openapi/tinker.yaml and the code generated from it (a package, so helpers import as `.conftest`)."""
