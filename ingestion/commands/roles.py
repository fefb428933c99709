"""`cscw roles add|remove|list`: the reader roles of a warehouse that holds several authorities."""

from __future__ import annotations

import argparse
import sys

from ingestion.db import connect

HELP = "reader roles for a regional hub: one per authority (row-level security) and hub analysts"

DESCRIPTION = """\
Reader roles for a warehouse that holds several authorities (a regional hub). Each is a NOLOGIN group
role: give people access by making their login roles members
(create role alice login password '...' in role la_888).

  cscw roles add la_888 --la 888   reads authority 888's rows in marts, unsuppressed, and the other
                                   authorities only through the publication views (marts.pub_*)
  cscw roles add hub_analyst --hub reads every authority's rows in marts
  cscw roles remove la_888         drops the role, its grants and its policies
  cscw roles list

`reporter`, the BI role of a single-authority warehouse, keeps reading every row. The policies are
applied at once to the published marts and again by every publish (docs/operations.md, Security)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = DESCRIPTION
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("action", choices=["add", "remove", "list"])
    parser.add_argument("role", nargs="?", help="the role's name (add: default la_<CODE> or hub_analyst)")
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument("--la", metavar="CODE", help="add: the authority (DfE code) the role reads")
    scope.add_argument("--hub", action="store_true", help="add: a hub analyst, reading every authority")
    parser.add_argument("--url", help="database URL (default: the configured warehouse)")


def run(args: argparse.Namespace) -> int:
    from ingestion import row_security

    with connect(args.url) as conn:
        if args.action == "list":
            with conn.cursor() as cur:
                roles = row_security.reader_roles(cur)
            for role in roles:
                print(f"{role.role_name}\t{role.describe}")
            if not roles:
                print("no reader roles: reporter reads every authority (a single-authority warehouse)")
            return 0
        if args.action == "remove":
            if not args.role:
                print("cscw roles remove: name the role", file=sys.stderr)
                return 2
            if not row_security.remove_role(conn, args.role):
                print(f"cscw roles: {args.role} is not a reader role (cscw roles list)", file=sys.stderr)
                return 1
            print(f"removed {args.role}")
            return 0
        if not (args.la or args.hub):
            print("cscw roles add: say which authority it reads (--la CODE) or --hub", file=sys.stderr)
            return 2
        name = args.role or (f"la_{args.la}" if args.la else "hub_analyst")
        try:
            role = row_security.add_role(conn, name, None if args.hub else args.la)
        except row_security.RoleError as err:
            print(f"cscw roles: {err}", file=sys.stderr)
            return 2
    print(f"{role.role_name}: {role.describe}; its members read the published marts accordingly")
    return 0
