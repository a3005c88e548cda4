"""Docs that run: the fenced Python blocks of the Markdown documents run against a local server, links resolve,
and the code names the diagrams use exist (conventions in ``tests/docs/markdown.py`` and CONTRIBUTING.md)."""
