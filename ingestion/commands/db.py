"""`cscw db start|stop|status|url`: the embedded database's lifecycle."""

from __future__ import annotations

import argparse
import sys

from ingestion.config import settings
from ingestion.db import embedded_server

HELP = "start, stop or inspect the embedded Postgres (ignored when CSCW_DATABASE_URL is set)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["start", "stop", "status", "url"])


def run(args: argparse.Namespace) -> int:
    s = settings()
    if s.database_url and args.action != "url":
        print("CSCW_DATABASE_URL is set: the embedded database is not used.", file=sys.stderr)
        return 2 if args.action != "status" else 0
    if args.action == "url":
        print(s.database_url or embedded_server(s).start())
        return 0
    server = embedded_server(s)
    if args.action == "start":
        server.start()
        st = server.status()
        print(f"embedded Postgres running on 127.0.0.1:{st.port} (pid {st.pid}), data in {server.pgdata}")
    elif args.action == "stop":
        was = server.stop()
        print("stopped; data kept in " + str(server.pgdata) if was else "not running")
    else:
        st = server.status()
        if st.running:
            print(f"running on 127.0.0.1:{st.port} (pid {st.pid}), data in {server.pgdata}")
        else:
            print(f"not running (data folder {server.pgdata})")
            return 3
    return 0
