"""Mutation check of the KPI SQL and the macros it calls: does the hand-worked KPI suite notice a bug?

    .venv/bin/python benchmarks/kpi_mutation.py [--sample N] [--seed S] [--limit N] [--list]
                                                [--files GLOB ...] [--all] [--keep]

Copies dbt_project/ to a temporary folder, loads the hand-worked cases (tests/kpis/cases*.py, through
the KPI tests' own build path, tests/kpis/build_cases.py) into a throwaway embedded Postgres and builds
once. Then, one mutant at a time, it changes one spot of one file, rebuilds only what the change
reaches (`dbt build --select <models>+ --full-refresh --fail-fast`: those models, everything
downstream and their dbt tests) and compares marts.kpi_values with every hand-worked expectation.
A mutant is killed when a dbt test fails or an expectation is not met; it is invalid (not scored)
when the mutated SQL does not run. Reports killed / valid and lists the survivors (file, line,
mutation). Files are found by glob, so moves keep working: by default the SQL files under
models/*/kpi/ and macros/ that marts.kpi_values depends on (the KPI models upstream of it, and every
macro they call, directly or through another macro), which is what the expectations assert; the wide
marts, headline and publication views are covered by tests/kpis/test_marts.py instead (--all mutates
every matching file; --files widens or narrows the globs, e.g. to the warehouse facts, which
marts.kpi_values also depends on). A macro's mutants rebuild every model and test that calls it.
Mutations come from rules over the SQL text, not from a list of expected outcomes: comparison
operators (< for <=, > for >= ...), a between bound moved by a day, +1 day on a date compared,
month and working-day counts and KPI defaults changed (3 months for 6 and back, n + 1), a filter
condition dropped, a negation or null test flipped, swapped wd_diff dates, max/min, asc/desc,
count(distinct) without distinct, coalesce defaults flipped, + and - swapped before a number.

Not run by `make test` (each mutant is a dbt build, 3-30 s): `make mutation` runs them all.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_DIR))

DEFAULT_GLOBS = ["models/*/kpi/**/*.sql", "macros/**/*.sql"]
KPI_MODEL_GLOB = "models/*/kpi/**/*.sql"


@dataclass(frozen=True)
class Mutant:
    path: str  # relative to the project
    line: int  # 1-based
    start: int  # column span in the line
    end: int
    replacement: str
    rule: str

    def describe(self, original_line: str) -> str:
        return f"{self.rule}: {original_line[self.start : self.end]!r} -> {self.replacement!r}"


# ---- finding the files ----------------------------------------------------------------------------


def glob_files(project: Path, patterns: list[str]) -> list[str]:
    out = set()
    for pattern in patterns:
        for p in project.glob(pattern):
            if p.is_file():
                out.add(str(p.relative_to(project)))
    return sorted(out)


def kpi_reach(manifest: dict, kpi_files: set[str]) -> tuple[set[str], set[str], dict[str, set[str]]]:
    """What the hand-worked expectations (marts.kpi_values) can see: (the model files upstream of
    kpi_values, kpi_values' included; the names of the macros the KPI models among them call, directly
    or through other macros; macro name -> the models and tests calling it, directly or through
    other macros)."""
    macros = manifest["macros"]
    nodes = {k: v for k, v in manifest["nodes"].items() if v["resource_type"] in ("model", "test")}
    project_name = manifest["metadata"]["project_name"]

    def closure(uids):
        seen, todo = set(), list(uids)
        while todo:
            uid = todo.pop()
            if uid in seen or uid not in macros or macros[uid]["package_name"] != project_name:
                continue
            seen.add(uid)
            todo.extend(macros[uid]["depends_on"]["macros"])
        return seen

    upstream, todo = set(), [f"model.{project_name}.kpi_values"]
    while todo:
        uid = todo.pop()
        if uid in upstream or uid not in nodes:
            continue
        upstream.add(uid)
        todo.extend(nodes[uid]["depends_on"]["nodes"])
    model_files = {nodes[u]["original_file_path"] for u in upstream}

    callers: dict[str, set[str]] = {}
    macro_names = set()
    for node in nodes.values():
        called = closure(node["depends_on"]["macros"])
        for uid in called:
            callers.setdefault(macros[uid]["name"], set()).add(node["name"])
        if node["original_file_path"] in model_files & kpi_files:
            macro_names |= {macros[uid]["name"] for uid in called}
    return model_files, macro_names, callers


# ---- the rules --------------------------------------------------------------------------------------

IDENT = r"[A-Za-z_][\w.]*"
DATEISH = re.compile(r"(date|start|end|day)", re.I)
FLIP = {"<=": "<", "<": "<=", ">=": ">", ">": ">="}


def _code_spans(text: str) -> list[tuple[int, str]]:
    """(line number, code part) of each line outside Jinja comments, without `--` comments and
    without Jinja statement lines ({% ... %})."""
    out, in_comment = [], False
    for i, line in enumerate(text.split("\n"), start=1):
        code = line
        if in_comment:
            if "#}" in line:
                in_comment = False
            continue
        if "{#" in code:
            before = code[: code.index("{#")]
            if "#}" not in code[code.index("{#") :]:
                in_comment = True
            code = before
        if "--" in code:
            code = code[: code.index("--")]
        if code.strip().startswith("{%"):
            continue
        out.append((i, code))
    return out


def _balanced(s: str) -> bool:
    depth = 0
    for ch in s:
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            return False
    return depth == 0


def _filter_conditions(code: str) -> list[tuple[int, int]]:
    """Spans of `filter (where <condition>)` conditions that close on the same line."""
    spans = []
    for m in re.finditer(r"\(where\s+", code):
        depth = 1
        for i in range(m.end(), len(code)):
            depth += (code[i] == "(") - (code[i] == ")")
            if depth == 0:
                spans.append((m.end(), i))
                break
    return spans


def macro_lines(text: str) -> dict[int, str]:
    """Line number -> the name of the macro whose body holds it."""
    out, current = {}, None
    for i, line in enumerate(text.split("\n"), start=1):
        m = re.search(r"\{%-?\s*macro\s+(\w+)", line)
        if m:
            current = m.group(1)
        if current:
            out[i] = current
        if re.search(r"\{%-?\s*endmacro", line):
            current = None
    return out


def mutants_of(path: str, text: str, macros: set[str] | None = None) -> list[Mutant]:
    """The mutants of one file; in a macro file only those inside the named macros."""
    found: list[Mutant] = []
    inside = macro_lines(text) if macros is not None else {}
    distinct_keys = {"}}"} | {
        key.strip() for group in re.findall(r"distinct on \(([^)]*)\)", text) for key in group.split(",")
    }

    def add(line, m_start, m_end, replacement, rule):
        if macros is None or inside.get(line) in macros:
            found.append(Mutant(path, line, m_start, m_end, replacement, rule))

    for n, code in _code_spans(text):
        # comparison operators: the boundary moved (<= for <, > for >= ...)
        for m in re.finditer(r"(?<![<>=!\-])(<=|>=|<|>)(?![=>])", code):
            add(n, m.start(), m.end(), FLIP[m.group(1)], "comparison")
            # +1 day on a date compared on the right
            right = re.match(rf"\s*({IDENT})(?=\s*(?:$|\)|and\b|or\b|then\b|,))", code[m.end() :])
            if right and DATEISH.search(right.group(1)):
                s = m.end() + right.start(1)
                add(n, s, s + len(right.group(1)), right.group(1) + " + 1", "+1 day")
        # a between bound moved by one day
        for m in re.finditer(rf"\bbetween ({IDENT}) and ({IDENT})", code):
            add(n, m.start(1), m.end(1), m.group(1) + " + 1", "between lower + 1")
            add(n, m.start(2), m.end(2), m.group(2) + " - 1", "between upper - 1")
        # months and working days counted differently: 3 <-> 6 months, n + 1 otherwise
        for m in re.finditer(r"\b(wd_add|add_months_clamped)\((?:[^()]|\([^()]*\))*?,\s*'?(-?\d+)'?\)", code):
            num, s, e = m.group(2), m.start(2), m.end(2)
            if m.group(1) == "add_months_clamped" and num in ("3", "6"):
                add(n, s, e, "6" if num == "3" else "3", "3 months <-> 6")
            else:
                add(n, s, e, str(int(num) + 1), f"{m.group(1)} n + 1")
        # KPI variant defaults (kpi_vars.sql): a number one off
        for m in re.finditer(r"'\w+':\s*(\d+)(?=,|\s*$)", code):
            add(n, m.start(1), m.end(1), str(int(m.group(1)) + 1), "default + 1")
        # + and - swapped before a number, an interval or a variable
        for m in re.finditer(r"\s([+-])\s(?=\d|interval\b|\{\{ kpi_var)", code):
            add(n, m.start(1), m.end(1), "+" if m.group(1) == "-" else "-", "+/- swapped")
        # negation dropped, null tests flipped
        for m in re.finditer(r"(?<!\bis )\bnot\s+(?!in\b|null\b|exists\b|coalesce\(\{\{)", code):
            add(n, m.start(), m.end(), "", "not dropped")
        for m in re.finditer(r"\bis not null\b", code):
            add(n, m.start(), m.end(), "is null", "null test flipped")
        for m in re.finditer(r"\bis null\b", code):
            add(n, m.start(), m.end(), "is not null", "null test flipped")
        # aggregates and orderings
        for m in re.finditer(r"\b(max|min)\(", code):
            add(n, m.start(1), m.end(1), "min" if m.group(1) == "max" else "max", "max <-> min")
        for m in re.finditer(r"([\w.]+|\}\})\s+(asc|desc)\b", code):
            if m.group(1) not in distinct_keys:  # a distinct-on key's direction changes nothing
                add(n, m.start(2), m.end(2), "desc" if m.group(2) == "asc" else "asc", "asc <-> desc")
        for m in re.finditer(r"count\(distinct ", code):
            add(n, m.start(), m.end(), "count(", "distinct dropped")
        for m in re.finditer(r",\s*(false|true)\)", code):
            add(
                n,
                m.start(1),
                m.end(1),
                "true" if m.group(1) == "false" else "false",
                "coalesce default flipped",
            )
        # two dates swapped
        for m in re.finditer(r"wd_diff\('([^']*)',\s*'([^']*)'\)", code):
            add(n, m.start(), m.end(), f"wd_diff('{m.group(2)}', '{m.group(1)}')", "dates swapped")
        # a filter condition dropped: one `and`/`or` line, or a one-line where/filter condition
        m = re.match(r"(\s*)(and|or)\s+(.+?)\s*$", code)
        if m and _balanced(m.group(3)) and not m.group(3).endswith(("and", "or", "(")):
            add(n, 0, len(code), "", f"{m.group(2)} condition dropped")
        for s, e in _filter_conditions(code):
            add(n, s, e, "true", "filter condition dropped")
        m = re.match(r"\s*where\s+(.+?)\s*$", code)
        if m and _balanced(m.group(1)) and not m.group(1).endswith(("and", "or", "(")):
            add(n, m.start(1), m.end(1), "true", "where condition dropped")
    return found


def apply(text: str, mutant: Mutant) -> str:
    lines = text.split("\n")
    line = lines[mutant.line - 1]
    lines[mutant.line - 1] = line[: mutant.start] + mutant.replacement + line[mutant.end :]
    return "\n".join(lines)


# ---- running ----------------------------------------------------------------------------------------


# a mutant whose SQL does not run at all (not scored); any other dbt error (a constraint, a contract)
# is the warehouse noticing the bug
INVALID = re.compile(
    r"syntax error|does not exist|Compilation Error|must appear in the GROUP BY|is ambiguous"
    r"|could not determine|argument of (AND|OR|WHERE|CASE)|operator is not unique",
    re.I,
)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", nargs="*", default=DEFAULT_GLOBS, help="globs relative to dbt_project/")
    ap.add_argument("--sample", type=int, help="run a random sample of this many mutants")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--limit", type=int, help="run at most this many (after sampling)")
    ap.add_argument("--list", action="store_true", help="list the mutants and stop (needs one build)")
    ap.add_argument(
        "--all", action="store_true", help="every matching file, not only what marts.kpi_values depends on"
    )
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="kpi_mutation_"))
    os.environ["CSCW_HOME"] = str(tmp / "home")
    os.environ.setdefault("CSCW_PSEUDONYM_KEY", "mutation-check-key")
    os.environ.pop("CSCW_DATABASE_URL", None)
    # a mutant that multiplies rows must not hang the run: it is killed by the timeout
    os.environ["PGOPTIONS"] = "-c statement_timeout=120s"

    from ingestion.dbt_runner import PROJECT_DIR, run_dbt
    from ingestion.embedded import EmbeddedPostgres
    from tests.kpis import build_cases

    project = tmp / "dbt_project"
    shutil.copytree(
        PROJECT_DIR,
        project,
        ignore=shutil.ignore_patterns("target", "logs", "dbt_packages", "generated_*"),
    )
    target = tmp / "target"
    server = EmbeddedPostgres(tmp / "pg", fast_unsafe=True)
    url = server.start()
    try:
        t0 = time.monotonic()
        build_cases.write_cases(tmp / "landing")
        build_cases.load_landing(url, tmp / "landing", tmp / "archive")
        base = build_cases.build(url, target, project_dir=project)
        if not base.success:
            print(base.summary())
            return 2
        failed = build_cases.failed_expectations(url)
        if failed:
            print("the unmutated project fails its own expectations:", *failed, sep="\n  ")
            return 2
        base_seconds = time.monotonic() - t0
        manifest = json.loads((target / "manifest.json").read_text())
        kpi_models, kpi_macros, callers = kpi_reach(manifest, set(glob_files(project, [KPI_MODEL_GLOB])))
        models_in = {}
        for node in manifest["nodes"].values():
            if node["resource_type"] == "model":
                models_in.setdefault(node["original_file_path"], set()).add(node["name"])

        files, mutants = [], []
        for f in glob_files(project, args.files):
            text = (project / f).read_text()
            if f in models_in:
                reach = None if args.all or f in kpi_models else set()
            else:  # a macro file: the macros the KPI models call
                reach = None if args.all else kpi_macros
            found = mutants_of(f, text, reach)
            if found or reach is None:
                files.append(f)
            mutants += found
        print(f"{len(files)} files, {len(mutants)} mutants; base load and build {base_seconds:.0f}s")
        for f in files:
            print(f"  {f}: {sum(m.path == f for m in mutants)}")
        if args.sample and args.sample < len(mutants):
            mutants = sorted(
                random.Random(args.seed).sample(mutants, args.sample), key=lambda m: (m.path, m.line)
            )
        if args.limit:
            mutants = mutants[: args.limit]
        if args.list:
            for m in mutants:
                line = (project / m.path).read_text().split("\n")[m.line - 1]
                print(f"{m.path}:{m.line}: {m.describe(line)}")
            return 0

        def selection(path: str) -> list[str]:
            if path in models_in:
                return [f"{name}+" for name in sorted(models_in[path])]
            text = (project / path).read_text()
            names = set(re.findall(r"\{%-?\s*macro\s+(\w+)", text))
            return sorted(f"{c}+" for name in names for c in callers.get(name, ()))

        def rebuild(path: str, tests: bool):
            cmd = ["build" if tests else "run", "--select", *selection(path), "--full-refresh"]
            cmd += ["--threads", str(args.threads)] + (["--fail-fast"] if tests else [])
            return run_dbt(cmd, url, vars=build_cases.BUILD_VARS, target_path=target, project_dir=project)

        outcomes = []  # (mutant, status, detail, seconds, described)
        for i, m in enumerate(mutants, start=1):
            path = project / m.path
            original = path.read_text()
            described = m.describe(original.split("\n")[m.line - 1])
            started = time.monotonic()
            path.write_text(apply(original, m))
            try:
                run = rebuild(m.path, tests=True)
            finally:
                path.write_text(original)
            errors = [r for r in run.results if r["status"] in ("error", "runtime error")]
            fails = [r for r in run.results if r["status"] == "fail"]
            broken = [r for r in errors if INVALID.search(r["message"] or "")]
            if broken or (not run.success and not errors and not fails):
                status = "invalid"
                detail = f"{broken[0]['name']}: {broken[0]['message']}" if broken else str(run.exception)
            elif errors or fails:
                r = (fails or errors)[0]
                status, detail = "killed", f"{r['status']}: {r['name']}"
            else:
                wrong = build_cases.failed_expectations(url)
                status, detail = ("killed", wrong[0]) if wrong else ("survived", "")
            seconds = time.monotonic() - started
            outcomes.append((m, status, detail, seconds, described))
            print(
                f"[{i}/{len(mutants)}] {status:8s} {seconds:5.1f}s {m.path}:{m.line}:"
                f" {described}  {detail[:90]}"
            )
            last_of_file = i == len(mutants) or mutants[i].path != m.path
            if last_of_file:  # the unmutated file's models back in place for the next file's mutants
                restored = rebuild(m.path, tests=False)
                assert restored.success, restored.summary()

        valid = [o for o in outcomes if o[1] != "invalid"]
        killed = [o for o in valid if o[1] == "killed"]
        survivors = [o for o in valid if o[1] == "survived"]
        seconds = sum(o[3] for o in outcomes)
        print(
            f"\nkilled {len(killed)} of {len(valid)} valid mutants"
            f" ({100 * len(killed) / max(len(valid), 1):.1f}%);"
            f" {len(outcomes) - len(valid)} invalid (SQL that does not run); {seconds:.0f}s,"
            f" {seconds / max(len(outcomes), 1):.1f}s per mutant"
        )
        for m, _, _, _, described in survivors:
            print(f"  survived: {m.path}:{m.line}: {described}")
        return 0
    finally:
        server.stop()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"kept {tmp}")


if __name__ == "__main__":
    raise SystemExit(main())
