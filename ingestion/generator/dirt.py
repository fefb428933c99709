"""Realistic defects for robustness tests, and the sidecar that lists them.

Extract-level variants (declared in the manifest, so VALID input the loader must accept):
  date_format DD/MM/YYYY, encoding cp1252, a UTF-8 byte-order mark.
Row-level defects, each at `rate` per data row (one defect per row at most):
  description_for_code  a Liquidlogic description instead of the code (episode start and end
                        reasons, participation: the columns the contract names) -> accepted_and_mapped
  uk_date               one date written DD/MM/YYYY in an ISO extract       -> accepted_and_mapped
  end_before_start      an end date before its start (no per-row loader check; dbt tests flag it)
                                                                            -> accepted
  duplicate_key         a row sent twice (the later copy)                   -> quarantined
  unknown_code          a code outside the code list                        -> quarantined
  unparseable_date      a date that is no date (31/02/2019, 2019-13-45, n/a) -> quarantined
  missing_required      a required value left empty                         -> quarantined
Quarantined rows over the loader's threshold (default 1% of a table) reject the whole extract: the
sidecar's `expected_status` says so. The expectations match ingestion/loader/validate.py: it accepts
ISO and UK dates whatever the manifest declares, maps known descriptions, and quarantines a row for
an unknown code, an unparseable date, a missing required value, or a repeated primary key.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
from datetime import date, timedelta
from pathlib import Path

from ingestion.contract import load_contract
from ingestion.generator.writer import NightFormat

DEFAULT_THRESHOLD = 0.01
# Columns Liquidlogic's SSD scripts fill with descriptions (extract contract, "CSV files").
DESCRIPTION_COLUMNS = {
    "ssd_cla_episodes": ["clae_cla_episode_start_reason", "clae_cla_episode_ceased_reason"],
    "ssd_cla_reviews": ["clar_cla_review_participation"],
}
END_START = {
    "ssd_cla_episodes": ("clae_cla_episode_start_date", "clae_cla_episode_ceased_date"),
    "ssd_legal_status": ("lega_legal_status_start_date", "lega_legal_status_end_date"),
    "ssd_cla_placement": ("clap_cla_placement_start_date", "clap_cla_placement_end_date"),
    "ssd_cp_plans": ("cppl_cp_plan_start_date", "cppl_cp_plan_end_date"),
    "ssd_involvements": ("invo_involvement_start_date", "invo_involvement_end_date"),
    "ssd_s47_enquiry": ("s47e_s47_start_date", "s47e_s47_end_date"),
}
KINDS = [
    "description_for_code",
    "uk_date",
    "end_before_start",
    "duplicate_key",
    "unknown_code",
    "unparseable_date",
    "missing_required",
]
EXPECTED = {
    "description_for_code": "accepted_and_mapped",
    "uk_date": "accepted_and_mapped",
    "end_before_start": "accepted",
    "duplicate_key": "quarantined",
    "unknown_code": "quarantined",
    "unparseable_date": "quarantined",
    "missing_required": "quarantined",
}
BAD_DATES = ["31/02/2019", "2019-13-45", "n/a", "00/00/0000", "TBC"]


def _rng(seed: int, *parts) -> random.Random:
    key = ":".join(str(p) for p in (seed, *parts))
    return random.Random(int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big"))


def night_formats(seed: int, nights: list[date], rate: float) -> dict[date, NightFormat]:
    """Per night, the declared variants: UK dates, cp1252 text, a BOM (each about half the nights)."""
    out = {}
    for n in nights:
        r = _rng(seed, "format", n.isoformat())
        cp1252 = r.random() < 0.5
        out[n] = NightFormat(
            encoding="cp1252" if cp1252 else "utf-8",
            date_format="DD/MM/YYYY" if r.random() < 0.5 else None,
            bom=(not cp1252) and r.random() < 0.5,
        )
    return out


class Injector:
    """Rewrites each night's files with defects and writes `<la_dir>/<extract_date>.injected.json`."""

    def __init__(
        self, la_dir: Path, la_code: str, seed: int, rate: float, threshold: float = DEFAULT_THRESHOLD
    ):
        self.la_dir, self.la_code, self.seed, self.rate, self.threshold = (
            la_dir,
            la_code,
            seed,
            rate,
            threshold,
        )
        self.contract = load_contract()

    def apply(
        self, folder: Path, extract_date: date, fmt: NightFormat, rows: dict[str, int]
    ) -> dict[str, int]:
        defects: list[dict] = []
        quarantined: dict[str, int] = {}
        new_rows = {}
        enc = "utf-8-sig" if fmt.bom else fmt.encoding
        for table, _n in rows.items():
            path = folder / f"{table}.csv"
            r = _rng(self.seed, "dirt", extract_date.isoformat(), table)
            new_rows[table], q = self._file(path, table, enc, fmt, r, defects)
            quarantined[table] = q
        rejected = sorted(t for t, q in quarantined.items() if q and q > self.threshold * new_rows[t])
        level = [
            {"kind": "encoding", "value": fmt.encoding, "expected": "accepted"},
            {"kind": "date_format", "value": fmt.date_format or "YYYY-MM-DD", "expected": "accepted"},
            {"kind": "byte_order_mark", "value": "Y" if fmt.bom else "N", "expected": "accepted"},
        ]
        sidecar = {
            "la_code": self.la_code,
            "extract_date": extract_date.isoformat(),
            "dirty_rate": self.rate,
            "threshold": self.threshold,
            "expected_status": "rejected" if rejected else "loaded",
            "tables_over_threshold": rejected,
            "extract_level": level,
            "quarantined_rows": {t: q for t, q in quarantined.items() if q},
            "defects": defects,
        }
        (self.la_dir / f"{extract_date.isoformat()}.injected.json").write_text(
            json.dumps(sidecar, indent=1) + "\n", encoding="utf-8"
        )
        return new_rows

    def _file(self, path: Path, table: str, enc: str, fmt: NightFormat, r: random.Random, defects: list):
        spec = self.contract.tables[table]
        cols = spec.column_names
        idx = {c: i for i, c in enumerate(cols)}
        pk = idx[spec.primary_key]
        code_cols = [
            (idx[c.name], self.contract.code_lists[c.codes]) for c in spec.columns if c.type == "code"
        ]
        date_cols = [idx[c.name] for c in spec.columns if c.type == "date"]
        required = [idx[c] for c in spec.required_columns]
        desc_cols = [idx[c] for c in DESCRIPTION_COLUMNS.get(table, [])]
        pair = END_START.get(table)
        with open(path, encoding=enc, newline="") as f:
            data = list(csv.reader(f))
        header, body = data[0], data[1:]
        out = [header]
        quarantined = 0
        seen_pk = set()
        for row in body:
            line_no = len(out) + 1
            if r.random() >= self.rate or not row[pk] or row[pk] in seen_pk:
                seen_pk.add(row[pk])
                out.append(row)
                continue
            kind = r.choice(KINDS)
            row = list(row)
            col = value = None
            dup = None
            if kind == "description_for_code":
                cands = [i for i in desc_cols if row[i]]
                if cands:
                    col = r.choice(cands)
                    code_list = dict(code_cols)[col]
                    desc = code_list.codes[row[col]]
                    if code_list.normalise(desc) == row[col]:
                        row[col] = desc
                        value = desc
            elif kind == "uk_date" and not fmt.date_format:
                cands = [i for i in date_cols if row[i]]
                if cands:
                    col = r.choice(cands)
                    row[col] = date.fromisoformat(row[col]).strftime("%d/%m/%Y")
                    value = row[col]
            elif kind == "end_before_start" and pair and row[idx[pair[1]]]:
                s = _parse(row[idx[pair[0]]])
                col = idx[pair[1]]
                row[col] = _fmt(s - timedelta(days=r.randint(1, 30)), fmt)
                value = row[col]
            elif kind == "duplicate_key":
                dup = list(row)  # the same row again, straight after: the second is quarantined
                col, value = pk, row[pk]
            elif kind == "unknown_code" and code_cols:
                cands = [i for i, _ in code_cols if row[i]]
                if cands:
                    col = r.choice(cands)
                    row[col] = r.choice(["X9", "ZZ", "PN9", "UNKNOWN", "99"])
                    value = row[col]
            elif kind == "unparseable_date":
                cands = [i for i in date_cols if row[i]]
                if cands:
                    col = r.choice(cands)
                    row[col] = r.choice(BAD_DATES)
                    value = row[col]
            elif kind == "missing_required":
                col = r.choice(required)
                value = row[col]
                row[col] = ""
            seen_pk.add(row[pk])
            out.append(row)
            if col is None or (value is None and kind != "missing_required"):
                continue  # the kind did not apply to this row: left clean
            if dup is not None:
                out.append(dup)
                line_no += 1
            expected = EXPECTED[kind]
            if expected == "quarantined":
                quarantined += 1
            defects.append(
                {
                    "file": path.name,
                    "line": line_no,
                    "column": cols[col],
                    "value": value,
                    "kind": kind,
                    "expected": expected,
                }
            )
        with open(path, "w", encoding=enc, newline="") as f:
            csv.writer(f, lineterminator="\r\n").writerows(out)
        return len(out) - 1, quarantined


def _parse(s: str) -> date:
    if "/" in s:
        d, m, y = s.split("/")
        return date(int(y), int(m), int(d))
    return date.fromisoformat(s[:10])


def _fmt(d: date, fmt: NightFormat) -> str:
    return d.strftime("%d/%m/%Y") if fmt.date_format else d.isoformat()
