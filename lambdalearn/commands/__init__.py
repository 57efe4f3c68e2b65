"""CLI subcommands, one module each, imported lazily by `lambdalearn.cli`."""
