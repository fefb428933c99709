"""`cscw build`: seeds, models and tests of the dbt project against the configured database."""

from __future__ import annotations

import argparse
import sys
import time

LOCKED_EXIT = 75  # another build holds the warehouse build lock: try again later (EX_TEMPFAIL)

HELP = (
    "build the dbt warehouse (seeds, models, tests) against the configured database; the marts are built in "
    "a build schema and published into `marts` for every authority whose data passed its tests (the others "
    "keep their earlier figures and are flagged stale; a failure no authority can be blamed for publishes "
    "nothing)"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--select", help="dbt node selection (default: everything)")
    parser.add_argument("--exclude", help="dbt nodes to leave out")
    parser.add_argument("--full-refresh", action="store_true", help="rebuild incremental models from scratch")
    parser.add_argument("--threads", type=int, help="dbt threads (default from the profile: 4)")
    parser.add_argument("--url", help="database URL (default: CSCW_DATABASE_URL or the embedded database)")
    parser.add_argument(
        "--lock-wait",
        type=float,
        default=0,
        metavar="SECONDS",
        help="wait this long for another build of the warehouse to finish (default: fail at once)",
    )
    parser.add_argument(
        "--no-publish", action="store_true", help="build and test only; leave the published marts as they are"
    )


def run(args: argparse.Namespace) -> int:
    from ingestion.build import build_and_publish
    from ingestion.builds import BuildLocked

    started = time.monotonic()
    partial = bool(args.select or args.exclude)
    try:
        result, published = build_and_publish(
            args.url,
            publish=not (args.no_publish or partial),
            lock_wait=args.lock_wait,
            select=args.select,
            exclude=args.exclude,
            full_refresh=args.full_refresh,
            threads=args.threads,
        )
    except BuildLocked as err:
        print(f"not built: {err}", file=sys.stderr)
        return LOCKED_EXIT
    print(result.summary())
    print(f"took {time.monotonic() - started:.1f}s; artifacts in {result.target_path}")
    if published:
        print(f"published {published.relations} relations into marts")
        for la, reason in sorted(published.withheld.items()):
            print(
                f"authority {la} kept its earlier figures (flagged stale in marts.data_freshness): {reason}"
            )
    elif result.success:
        why = "a partial build (--select/--exclude)" if partial else "--no-publish"
        print(f"not published ({why}): the marts were built and tested in the build schema only")
    else:
        print("not published: the previous marts stay as they were")
    return 0 if result.success and not (published and published.withheld) else 1
