"""Subcommands of `cscw`: one module each, exposing `add_arguments(parser)` and `run(args) -> int`."""
