"""`cscw`: the command line. Each subcommand lives in its own module (see COMMANDS)."""

from __future__ import annotations

import argparse
import importlib
import sys

# subcommand -> module exposing HELP, add_arguments(parser) and run(args) -> int
COMMANDS: dict[str, str] = {
    "extract": "ingestion.commands.extract",
    "db": "ingestion.commands.db",
    "generate": "ingestion.commands.generate",
    "build": "ingestion.commands.build",
    "load": "ingestion.commands.load",
    "cleanup": "ingestion.commands.cleanup",
    "report": "ingestion.commands.report",
    "nightly": "ingestion.commands.nightly",
    "demo": "ingestion.commands.demo",
    "kpis": "ingestion.commands.kpis",
    "return": "ingestion.commands.returns",
    "import": "ingestion.commands.history_import",
    "roles": "ingestion.commands.roles",
}


DESCRIPTION = """\
Children's social care performance warehouse: check and load your case-management system's nightly
extract, build the KPI marts, print the headline figures and write the IRO annual report.

Starting with your own extract: cscw extract manifest FOLDER, then cscw extract check FOLDER, then
cscw load, cscw build, cscw kpis and cscw report (docs/getting-started.md walks through it).
Trying it on synthetic data: cscw demo."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cscw", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(module_name)
        p = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    from ingestion.pseudonym import WeakPseudonymKey

    args = build_parser().parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except WeakPseudonymKey as err:  # a configuration problem, not a crash: no traceback
        print(f"cscw: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
