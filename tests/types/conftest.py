"""Shared hypothesis settings for the `tinker.types` tests: deterministic and quick."""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "tinker-types",
    derandomize=True,
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("tinker-types")
