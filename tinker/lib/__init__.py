"""Deep import paths of the official SDK (``tinker.lib...``), kept so existing code imports unchanged."""
