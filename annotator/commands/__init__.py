"""CLI subcommands that need no TensorFlow. Each module has `add_arguments(parser)` and `run(args) -> int`."""
