__title__ = "tinker"
# The official SDK version whose public API and wire protocol this package implements. Servers use the
# reported SDK version for feature gating, so it is what we send as `sdk_version`.
__version__ = "0.38.0"
