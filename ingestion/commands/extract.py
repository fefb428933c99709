"""`cscw extract manifest PATH` and `cscw extract check PATH`: get a council's own extract ready to load."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

HELP = "prepare your own extract: write its manifest.json, or check it against the contract (no database)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    m = sub.add_parser(
        "manifest",
        help="write manifest.json for an extract folder <la_code>/<YYYY-MM-DD>/ from the CSV files in it",
        description="Write manifest.json (row counts, sizes and sha256 of every contract table's CSV file) "
        "for one extract folder named <la_code>/<YYYY-MM-DD>/. Written last: it marks the extract complete.",
    )
    m.add_argument("path", help="the extract folder, e.g. landing/601/2025-04-01")
    m.add_argument("--source-system", help="the case-management system, e.g. liquidlogic or mosaic")
    m.add_argument(
        "--history-start",
        type=dt.date.fromisoformat,
        help="first day the extract's history covers (YYYY-MM-DD); years before it are not reported",
    )
    m.add_argument("--force", action="store_true", help="replace an existing manifest.json")
    c = sub.add_parser(
        "check",
        help="validate extract folders against the contract as `cscw load` would, writing nothing",
        description="Run every check `cscw load` runs (manifest, files, headers, every value) without a "
        "database. Exit 0 when every extract would load, 1 when any would be rejected.",
    )
    c.add_argument("path", help="an extract folder, an authority's folder or a landing root")
    c.add_argument(
        "--threshold",
        type=float,
        default=0.01,
        help="share of a table's rows that may be quarantined before the extract is rejected (default 0.01)",
    )


def run(args: argparse.Namespace) -> int:
    return _manifest(args) if args.action == "manifest" else _check(args)


def _manifest(args: argparse.Namespace) -> int:
    from ingestion.extract.write import ManifestProblem, draft_manifest, write_manifest

    try:
        draft = draft_manifest(args.path, source_system=args.source_system, history_start=args.history_start)
        for note in draft.notices:
            print(f"note: {note}", file=sys.stderr)
        target = write_manifest(draft, overwrite=args.force)
    except (ManifestProblem, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    files = draft.doc["files"]
    print(f"wrote {target}: {len(files)} files, {sum(f['rows'] for f in files.values()):,} rows")
    print(f"next: cscw extract check {args.path}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from ingestion.extract.check import check_path

    if not 0 <= args.threshold <= 1:
        print("error: --threshold is a fraction between 0 and 1", file=sys.stderr)
        return 2
    try:
        results = check_path(args.path, threshold=args.threshold)
    except FileNotFoundError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if not results:
        print(f"no extract folders (<la_code>/<YYYY-MM-DD>/) found under {args.path}", file=sys.stderr)
        return 2
    for r in results:
        print(f"{r.label}: {'would load' if r.ok else 'would be REJECTED'} (nothing was written)")
        for f in r.files:
            extra = f", {f.quarantined:,} quarantined" if f.quarantined else ""
            print(f"  {f.name}: {f.rows:,} rows{extra}")
            for example in f.examples if f.quarantined else []:
                print(f"    {example}")
        for note in r.notices:
            print(f"  note: {note}")
        for err in r.errors:
            print(f"  error: {err}")
    rejected = [r for r in results if not r.ok]
    if rejected:
        print(
            f"{len(rejected)} of {len(results)} extract(s) would be rejected: "
            "fix the errors above and check again"
        )
        return 1
    print(f"next: cscw load {args.path}")
    return 0
