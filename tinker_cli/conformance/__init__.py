"""``tinker conformance``: contract fuzzing, protocol and loss-maths checks for any Tinker-compatible server.

Loaded only by that command. Each check is named (``contract.fuzz``, ``futures.long_poll``, ``loss.ppo``, ...),
explains what it proves, and reports pass, fail or skip with its evidence.
"""

from __future__ import annotations

from ._kit import Check, Outcome, Server, registry, run_checks, select

__all__ = ["Check", "Outcome", "Server", "registry", "run_checks", "select"]
