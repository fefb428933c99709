"""`cscw`: the command line. Each subcommand lives in its own module (see COMMANDS)."""

from __future__ import annotations

import argparse
import importlib
import sys

# subcommand -> module exposing HELP, add_arguments(parser) and run(args) -> int
COMMANDS: dict[str, str] = {
    "db": "ingestion.commands.db",
    "generate": "ingestion.commands.generate",
    "build": "ingestion.commands.build",
    "load": "ingestion.commands.load",
    "report": "ingestion.commands.report",
    "nightly": "ingestion.commands.nightly",
    "demo": "ingestion.commands.demo",
    "kpis": "ingestion.commands.kpis",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cscw", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(module_name)
        p = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args._run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
