"""Streams generated rows into one FULL snapshot folder per night, manifest last.

The simulation produces each record once, as the truth with dates possibly beyond an extract date.
For each night t the writer shows the record as the case system held it that night:
- a row appears only from its `appear` date (the day it was recorded, after the event);
- end-like dates after t are blanked with the columns that depend on them (a placement that ends
  tomorrow is open tonight);
- `before` overrides show an earlier, since corrected, value on nights before the correction
  (a back-dated start, a plan end date filled in late, a mistyped code fixed).
Rows go straight to the CSV files, so memory does not grow with the population.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ingestion.contract import load_contract

# table -> [(end-like date column, columns blanked with it)]. Start/event dates are not here: a row
# whose event is after t does not appear at all.
END_RULES: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "ssd_person": [("pers_death_date", ())],
    "ssd_cla_episodes": [("clae_cla_episode_ceased_date", ("clae_cla_episode_ceased_reason",))],
    "ssd_legal_status": [("lega_legal_status_end_date", ())],
    "ssd_cla_placement": [("clap_cla_placement_end_date", ("clap_cla_placement_change_reason",))],
    "ssd_s47_enquiry": [("s47e_s47_end_date", ("s47e_s47_nfa",))],
    "ssd_cp_plans": [("cppl_cp_plan_end_date", ())],
    "ssd_involvements": [("invo_involvement_end_date", ("invo_worker_change_reason",))],
    "ssd_missing": [
        ("miss_missing_episode_end_date", ("miss_missing_rhi_offered", "miss_missing_rhi_accepted"))
    ],
    # The latest contact and pathway plan review as known tonight: a later one is not yet recorded.
    "ssd_care_leavers": [("clea_care_leaver_latest_contact", ()), ("clea_pathway_plan_review_date", ())],
    "ext_iro_challenges": [("chal_resolved_date", ("chal_outcome",))],
    "ext_iro_challenge_stages": [("chst_response_date", ("chst_outcome",))],
    "ext_cla_review_details": [
        ("clrd_decisions_recorded_date", ()),
        ("clrd_record_distributed_date", ()),
    ],
    "ext_cp_conference_details": [("cpcd_record_distributed_date", ())],
    # adoption steps after t are not yet recorded (the adopters are known from the match)
    "ssd_permanence": [
        ("perm_placement_order_date", ()),
        ("perm_matched_date", ("perm_number_of_adopters", "perm_adopter_sex", "perm_adopter_legal_status")),
        ("perm_placed_for_adoption_date", ("perm_adopted_by_carer_flag",)),
        ("perm_decision_reversed_date", ("perm_decision_reversed_reason",)),
        ("perm_permanence_order_date", ("perm_permanence_order_type",)),
    ],
}


@dataclass
class NightFormat:
    """How one night's files are written: the defaults, or declared variants (dirt)."""

    encoding: str = "utf-8"
    date_format: str | None = None  # None = ISO; "DD/MM/YYYY" when the manifest declares it
    bom: bool = False


@dataclass
class _Night:
    extract_date: date
    folder: Path
    fmt: NightFormat
    files: dict = field(default_factory=dict)
    writers: dict = field(default_factory=dict)
    rows: dict = field(default_factory=dict)
    date_str: dict = field(default_factory=dict)


class ExtractWriter:
    """Writes the tables of one authority for every night in `nights` (ascending dates)."""

    def __init__(
        self,
        la_dir: Path,
        la_code: str,
        nights: list[date],
        tables: list[str],
        source_system: str,
        formats: dict[date, NightFormat] | None = None,
    ):
        contract = load_contract()
        self.la_code = la_code
        self.source_system = source_system
        self.tables = tables
        self.columns = {t: contract.tables[t].column_names for t in tables}
        self._end_rules = {}
        for t in tables:
            idx = {c: i for i, c in enumerate(self.columns[t])}
            self._end_rules[t] = [(idx[c], tuple(idx[d] for d in deps)) for c, deps in END_RULES.get(t, [])]
        self.nights: list[_Night] = []
        formats = formats or {}
        for n in nights:
            folder = la_dir / n.isoformat()
            if folder.exists():
                shutil.rmtree(folder)
            # A sidecar from an earlier dirty run would describe defects this run may not have.
            (la_dir / f"{n.isoformat()}.injected.json").unlink(missing_ok=True)
            folder.mkdir(parents=True)
            night = _Night(n, folder, formats.get(n, NightFormat()))
            night.date_str = _DateText(night.fmt.date_format)
            enc = "utf-8-sig" if night.fmt.bom else night.fmt.encoding
            for t in tables:
                f = open(folder / f"{t}.csv", "w", newline="", encoding=enc)  # noqa: SIM115 - closed in close()
                w = csv.writer(f, lineterminator="\r\n")
                w.writerow(self.columns[t])
                night.files[t], night.writers[t], night.rows[t] = f, w, 0
            self.nights.append(night)
        self.last = nights[-1]

    def row(self, table: str, values: list, appear: date, before: list | None = None) -> None:
        """One record. `values` in contract column order: str, date or None. `before` is a list of
        (until_date, {column_index: value}) shown on nights earlier than until_date."""
        rules = self._end_rules[table]
        for night in self.nights:
            t = night.extract_date
            if appear > t:
                continue
            vals = values
            if before:
                for until, over in before:
                    if t < until:
                        if vals is values:
                            vals = list(values)
                        for i, v in over.items():
                            vals[i] = v
            for i, deps in rules:
                v = vals[i]
                if v is not None and v > t:
                    if vals is values:
                        vals = list(values)
                    vals[i] = None
                    for j in deps:
                        vals[j] = None
            ds = night.date_str
            out = [ds[v] if v.__class__ is date else ("" if v is None else v) for v in vals]
            night.writers[table].writerow(out)
            night.rows[table] += 1

    def close(self, after_write=None) -> list[Path]:
        """Close the files, let `after_write(night_folder, extract_date, fmt, rows)` alter them (dirt),
        then hash them and write each manifest last. Returns the extract folders."""
        out = []
        for night in self.nights:
            for f in night.files.values():
                f.close()
            rows = dict(night.rows)
            if after_write is not None:
                rows = after_write(night.folder, night.extract_date, night.fmt, rows)
            files = {}
            for t in self.tables:
                name = f"{t}.csv"
                files[name] = {"rows": rows[t], "sha256": _sha256(night.folder / name)}
            manifest = {
                "contract_version": 1,
                "la_code": self.la_code,
                "extract_date": night.extract_date.isoformat(),
                "extracted_at": f"{night.extract_date.isoformat()}T02:10:00Z",
                "source_system": self.source_system,
            }
            if night.fmt.encoding != "utf-8":
                manifest["encoding"] = night.fmt.encoding
            if night.fmt.date_format:
                manifest["date_format"] = night.fmt.date_format
            manifest["files"] = files
            tmp = night.folder / "manifest.json.tmp"
            tmp.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
            tmp.rename(night.folder / "manifest.json")  # atomic: a folder with a manifest is complete
            out.append(night.folder)
        return out


class _DateText(dict):
    """date -> its text in the night's format, memoised (a few thousand distinct dates per extract)."""

    def __init__(self, date_format: str | None):
        super().__init__()
        self.uk = bool(date_format)

    def __missing__(self, d: date) -> str:
        text = d.strftime("%d/%m/%Y") if self.uk else d.isoformat()
        self[d] = text
        return text


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
