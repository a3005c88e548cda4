"""One module per command group; each defines ``cli``, loaded by ``tinker_cli._app.LazyGroup`` on first use."""
