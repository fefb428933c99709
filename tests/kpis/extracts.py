"""Tiny synthetic extracts for the hand-worked KPI cases: Python rows -> contract CSVs + manifest.

Each case is its own authority (a 9xx la_code that no real authority uses), so all cases load into one
database and are built by one dbt run; every test then reads only its own la_code's rows.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import defaultdict
from pathlib import Path

from ingestion.contract import load_contract


class Extract:
    """Rows of one authority's extract, table by table; ids are made unique within the authority."""

    def __init__(self, la_code: str, extract_date: str = "2019-04-01"):
        self.la_code = la_code
        self.extract_date = extract_date
        self.tables: dict[str, list[dict]] = defaultdict(list)
        self._seq = 0

    def _id(self, prefix: str) -> str:
        self._seq += 1
        return f"{prefix}{self._seq}"

    def add(self, table: str, **row) -> dict:
        self.tables[table].append(row)
        return row

    # ---- people and the CLA history -------------------------------------------------------------
    def person(self, pid: str, dob: str, sex: str = "1") -> str:
        self.add("ssd_person", pers_person_id=pid, pers_sex=sex, pers_dob=dob)
        return pid

    def episode(self, pid, poc, start, reason="S", ceased=None, placement_id=None):
        return self.add(
            "ssd_cla_episodes",
            clae_cla_episode_id=self._id("E"),
            clae_person_id=pid,
            clae_cla_episode_start_date=start,
            clae_cla_episode_start_reason=reason,
            clae_cla_episode_ceased_date=ceased or "",
            clae_cla_episode_ceased_reason="E11" if ceased else "",
            clae_cla_id=poc,
            clae_cla_placement_id=placement_id or "",
        )

    def legal(self, pid, status, start, end=None):
        return self.add(
            "ssd_legal_status",
            lega_legal_status_id=self._id("L"),
            lega_person_id=pid,
            lega_legal_status=status,
            lega_legal_status_start_date=start,
            lega_legal_status_end_date=end or "",
        )

    def placement(self, pid, poc, start, ptype, end=None, distance=None):
        return self.add(
            "ssd_cla_placement",
            clap_cla_placement_id=self._id("PL"),
            clap_cla_id=poc,
            clap_person_id=pid,
            clap_cla_placement_start_date=start,
            clap_cla_placement_type=ptype,
            clap_cla_placement_distance="" if distance is None else str(distance),
            clap_cla_placement_end_date=end or "",
        )

    def review(self, pid, poc, date, pn="", cancelled="N", **details) -> str:
        rid = self._id("R")
        self.add(
            "ssd_cla_reviews",
            clar_cla_review_id=rid,
            clar_cla_id=poc,
            clar_cla_person_id=pid,
            clar_cla_review_date=date,
            clar_cla_review_cancelled=cancelled,
            clar_cla_review_participation=pn,
        )
        if details:
            self.add("ext_cla_review_details", clrd_cla_review_id=rid, **details)
        return rid

    # ---- child protection ---------------------------------------------------------------------------
    def s47(self, pid, start) -> str:
        sid = self._id("S")
        self.add("ssd_s47_enquiry", s47e_s47_enquiry_id=sid, s47e_person_id=pid, s47e_s47_start_date=start)
        return sid

    def icpc(self, pid, date, s47_id="", plan_id="", transfer_in="N", outcome_plan="Y", report=None) -> str:
        meeting = self._id("M")
        self.add(
            "ssd_initial_cp_conference",
            icpc_icpc_id=self._id("I"),
            icpc_person_id=pid,
            icpc_s47_enquiry_id=s47_id,
            icpc_cp_plan_id=plan_id,
            icpc_icpc_meeting_id=meeting,
            icpc_icpc_transfer_in=transfer_in,
            icpc_icpc_date=date,
            icpc_icpc_outcome_cp_flag=outcome_plan,
        )
        self.add(
            "ext_cp_conference_details",
            cpcd_meeting_id=meeting,
            cpcd_conference_type="TRANSFER_IN" if transfer_in == "Y" else "ICPC",
            cpcd_report_to_parents_date=report or "",
        )
        return meeting

    def cp_plan(self, pid, plan_id, start, end=None, ola="N", category="NEG") -> str:
        self.add(
            "ssd_cp_plans",
            cppl_cp_plan_id=plan_id,
            cppl_person_id=pid,
            cppl_cp_plan_start_date=start,
            cppl_cp_plan_end_date=end or "",
            cppl_cp_plan_ola=ola,
            cppl_cp_plan_initial_category=category,
        )
        return plan_id

    def rcpc(self, pid, plan_id, date, report=None) -> str:
        meeting = self._id("M")
        self.add(
            "ssd_cp_reviews",
            cppr_cp_review_id=self._id("CR"),
            cppr_person_id=pid,
            cppr_cp_plan_id=plan_id,
            cppr_cp_review_date=date,
            cppr_cp_review_meeting_id=meeting,
        )
        self.add(
            "ext_cp_conference_details",
            cpcd_meeting_id=meeting,
            cpcd_conference_type="RCPC",
            cpcd_report_to_parents_date=report or "",
        )
        return meeting

    # ---- teams, professionals, involvements, challenges -------------------------------------------
    def team(self, team_id, name, locality):
        self.add(
            "ssd_department",
            dept_team_id=team_id,
            dept_team_name=name,
            dept_team_parent_id="P" + team_id,
            dept_team_parent_name=locality,
        )

    def professional(self, prof_id, title="Social worker", fte="1", team_id=""):
        self.add(
            "ssd_professionals",
            prof_professional_id=prof_id,
            prof_professional_job_title=title,
            prof_professional_department=team_id,
            prof_full_time_equivalency=fte,
        )

    def involvement(self, prof_id, pid, role, start, end=None, team_id=""):
        self.add(
            "ssd_involvements",
            invo_involvements_id=self._id("V"),
            invo_professional_id=prof_id,
            invo_person_id=pid,
            invo_professional_role_id=role,
            invo_professional_team=team_id,
            invo_involvement_start_date=start,
            invo_involvement_end_date=end or "",
        )

    def challenge(self, cid, pid, raised, ctype, subject, category="", resolved=None, escalated_from=""):
        self.add(
            "ext_iro_challenges",
            chal_challenge_id=cid,
            chal_person_id=pid,
            chal_raised_date=raised,
            chal_challenge_type=ctype,
            chal_subject=subject,
            chal_category=category,
            chal_escalated_from_id=escalated_from,
            chal_resolved_date=resolved or "",
            chal_outcome="RESOLVED" if resolved else "",
        )

    def stage(self, cid, number, level, start):
        self.add(
            "ext_iro_challenge_stages",
            chst_stage_id=self._id("ST"),
            chst_challenge_id=cid,
            chst_stage_number=str(number),
            chst_level=level,
            chst_start_date=start,
        )

    # ---- writing ----------------------------------------------------------------------------------
    def write(self, landing: Path) -> Path:
        """Write `<landing>/<la>/<date>/` with every required table (empty ones as a header only),
        the optional tables that have rows, and the manifest last."""
        contract = load_contract()
        folder = landing / self.la_code / self.extract_date
        folder.mkdir(parents=True, exist_ok=True)
        files = {}
        for name, table in contract.tables.items():
            rows = self.tables.get(name, [])
            if not rows and not table.required:
                continue
            unknown = {k for r in rows for k in r} - set(table.column_names)
            assert not unknown, f"{name}: not contract columns {unknown}"
            path = folder / f"{name}.csv"
            with open(path, "w", newline="", encoding="utf-8") as f:
                w = csv.DictWriter(f, fieldnames=list(table.column_names), lineterminator="\n")
                w.writeheader()
                for r in rows:
                    w.writerow(r)
            files[path.name] = {"rows": len(rows), "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
        manifest = {
            "contract_version": contract.version,
            "la_code": self.la_code,
            "extract_date": self.extract_date,
            "extracted_at": f"{self.extract_date}T02:00:00Z",
            "source_system": "hand-worked test case",
            "files": files,
        }
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=1))
        return folder
