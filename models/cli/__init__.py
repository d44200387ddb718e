"""CLI subcommands backed by TensorFlow. Each module has `add_arguments(parser)` and `run(args) -> int`.

`add_arguments` must not import TensorFlow (so `--help` stays fast); `run` may.
"""
