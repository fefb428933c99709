"""Runs INSIDE the validator environment (validator_env.py), not the warehouse's: the DfE SSDA903 rules
(csc-validator-be-903's Python API) on one return's CSV files.

stdin:  {"dir": files folder, "collection_year": "2026" (the year ending 31 March),
         "local_authority": ONS code of the authority, "ruleset": "lac2025_26"}
stdout: {"rules": {code: message}, "failed_rules": [...], "skipped_rules": [...],
         "errors": [{"table", "row", "child", "rule"}]}  (row: 0-based data row of the table's file)
"""

import importlib
import json
import logging
import sys
import warnings
from pathlib import Path


def main() -> int:
    request = json.load(sys.stdin)
    answer_to = sys.stdout
    sys.stdout = sys.stderr  # anything the package prints must not corrupt the JSON answer
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    from lac_validator.lac_validator import LacValidator

    registry = importlib.import_module(f"lac_validator.rules.{request['ruleset']}").registry
    files = [
        {"name": p.name, "file_content": p.read_bytes(), "description": "This year"}
        for p in sorted(Path(request["dir"]).glob("*.csv"))
    ]
    metadata = {"collectionYear": request["collection_year"], "localAuthority": request["local_authority"]}
    validator = LacValidator(metadata=metadata, files=files, registry=registry)
    errors = []
    for table, df in validator.ds_results.items():
        if table == "metadata":
            continue
        for col in [c for c in df.columns if str(c).startswith("ERR_")]:
            failing = df.index[df[col].fillna(False).astype(bool)]
            for row in failing:
                child = df.at[row, "CHILD"]
                errors.append(
                    {
                        "table": table,
                        "row": int(row),
                        "child": None if child != child else str(child),
                        "rule": col[4:],
                    }
                )
    out = {
        "rules": {str(rule.code): rule.message for rule in registry.values()},
        "failed_rules": [str(c) for c in validator.fails],
        "skipped_rules": [str(c) for c in validator.skips],
        "errors": errors,
    }
    json.dump(out, answer_to)
    return 0


if __name__ == "__main__":
    sys.exit(main())
