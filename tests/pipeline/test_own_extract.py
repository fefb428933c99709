"""A council's own extract from first file to PDF, as docs/getting-started.md tells it: CSV files written
by hand as an SSD export would be (authority 601, which no seed knows; no `ext_` tables), then
`cscw extract manifest` -> `cscw extract check` -> `cscw load` -> build -> `cscw kpis` -> `cscw report`.
First without authority settings (loud warnings, "Local authority 601", no rates), then with them (a
clean PDF: its name, rates, the marking and page numbers on every page, no warning)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import psycopg2
import pytest

from ingestion.build import build_and_publish
from ingestion.cli import main
from ingestion.report import chromium, render_report
from tests.conftest import create_database

LA = "601"
EXTRACT_DATE = "2025-06-02"  # latest complete financial year: 2024-25

# Four children. C1 looked after since 15 May 2023, still at 31 March 2025; C2 looked after 3 June 2024
# to 14 February 2025 (so not at the year end); C3 on a child protection plan from 29 April 2024 (still
# on it); C4 on a plan 1 September 2023 to 1 October 2024. At 31 March 2025: 1 child looked after and
# 1 on a plan. Dates partly DD/MM/YYYY with a time, as SQL Server exports them.
FILES = {
    "ssd_person": """pers_person_id,pers_sex,pers_ethnicity,pers_dob
C1,F,WBRI,10/03/2015 00:00:00
C2,M,WBRI,2012-07-01
C3,M,WBRI,2019-01-20
C4,F,WBRI,2010-11-11
""",
    "ssd_cla_episodes": ",".join(
        [
            "clae_cla_episode_id",
            "clae_person_id",
            "clae_cla_episode_start_date",
            "clae_cla_episode_start_reason",
            "clae_cla_episode_ceased_date",
            "clae_cla_episode_ceased_reason",
            "clae_cla_id",
        ]
    )
    + """
E1,C1,15/05/2023,S,,,P1
E2,C2,2024-06-03,S,2025-02-14,E11,P2
""",
    "ssd_legal_status": ",".join(
        [
            "lega_legal_status_id",
            "lega_person_id",
            "lega_legal_status",
            "lega_legal_status_start_date",
            "lega_legal_status_end_date",
        ]
    )
    + """
L1,C1,C2,2023-05-15,
L2,C2,V2,2024-06-03,2025-02-14
""",
    "ssd_cla_placement": ",".join(
        [
            "clap_cla_placement_id",
            "clap_cla_id",
            "clap_person_id",
            "clap_cla_placement_start_date",
            "clap_cla_placement_type",
            "clap_cla_placement_distance",
            "clap_cla_placement_end_date",
        ]
    )
    + """
PL1,P1,C1,2023-05-15,U1,3.5,
PL2,P2,C2,2024-06-03,K2,25,2025-02-14
""",
    "ssd_cla_reviews": ",".join(
        [
            "clar_cla_review_id",
            "clar_cla_id",
            "clar_cla_person_id",
            "clar_cla_review_date",
            "clar_cla_review_cancelled",
            "clar_cla_review_participation",
        ]
    )
    + """
R1,P1,C1,2023-06-12,N,PN1
R2,P1,C1,2023-09-11,N,PN1
R3,P1,C1,2024-03-08,N,PN1
R4,P1,C1,2024-09-06,N,PN1
R5,P1,C1,2025-03-05,N,PN1
R6,P2,C2,2024-07-01,N,PN5
R7,P2,C2,2024-10-01,N,PN1
""",
    "ssd_s47_enquiry": """s47e_s47_enquiry_id,s47e_person_id,s47e_s47_start_date
S1,C3,2024-04-10
S2,C4,2023-08-14
""",
    "ssd_initial_cp_conference": ",".join(
        [
            "icpc_icpc_id",
            "icpc_person_id",
            "icpc_s47_enquiry_id",
            "icpc_cp_plan_id",
            "icpc_icpc_date",
            "icpc_icpc_outcome_cp_flag",
        ]
    )
    + """
I1,C3,S1,CP1,2024-04-29,Y
I2,C4,S2,CP2,2023-09-01,Y
""",
    "ssd_cp_plans": ",".join(
        [
            "cppl_cp_plan_id",
            "cppl_person_id",
            "cppl_cp_plan_start_date",
            "cppl_cp_plan_end_date",
            "cppl_cp_plan_ola",
            "cppl_cp_plan_initial_category",
        ]
    )
    + """
CP1,C3,2024-04-29,,N,NEG
CP2,C4,2023-09-01,2024-10-01,N,EMO
""",
    "ssd_cp_reviews": """cppr_cp_review_id,cppr_person_id,cppr_cp_plan_id,cppr_cp_review_date
CR1,C3,CP1,2024-07-25
CR2,C3,CP1,2025-01-23
CR3,C4,CP2,2023-12-01
CR4,C4,CP2,2024-05-31
""",
    "ssd_professionals": ",".join(
        [
            "prof_professional_id",
            "prof_professional_job_title",
            "prof_professional_department",
            "prof_full_time_equivalency",
        ]
    )
    + """
W1,Social worker,T1,1
W2,Independent Reviewing Officer,T2,1
""",
    "ssd_involvements": ",".join(
        [
            "invo_involvements_id",
            "invo_professional_id",
            "invo_person_id",
            "invo_professional_role_id",
            "invo_professional_team",
            "invo_involvement_start_date",
            "invo_involvement_end_date",
        ]
    )
    + """
V1,W1,C1,SW,T1,2023-05-15,
V2,W1,C2,SW,T1,2024-06-03,2025-02-14
V3,W1,C3,SW,T1,2024-04-10,
V4,W1,C4,SW,T1,2023-08-14,2024-10-01
V5,W2,C1,IRO,T2,2023-05-15,
V6,W2,C2,IRO,T2,2024-06-03,2025-02-14
V7,W2,C3,IRO,T2,2024-04-29,
V8,W2,C4,IRO,T2,2023-09-01,2024-10-01
""",
    "ssd_department": """dept_team_id,dept_team_name,dept_team_parent_id,dept_team_parent_name
T1,North Children's Team,L1,North
T2,Independent Reviewing Service,L2,Central
""",
}
# Authority 602 sends the same files and has its settings; 601 has none. (Rows of the seeds
# authority_settings and kpi_child_population, passed as dbt vars so the repository's seeds stay as
# they are. One build for both: a var change between builds makes the next build rebuild the
# warehouse from scratch, which this test need not pay for.)
CLEAN = "602"
SETTINGS = {
    "authority_settings_extra": [{"la_code": CLEAN, "la_name": "Anyshire", "population_source": "ONS 2024"}],
    "kpi_child_population_extra": [{"la_code": CLEAN, "mid_year": 2024, "population_0_17": 50000}],
}


def value(url, la, kpi):
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute(
            "select numerator, denominator, value from marts.kpi_values where la_code = %s and kpi_code = %s"
            " and period_type = 'financial_year' and period_start = '2024-04-01' and breakdown = 'all'",
            (la, kpi),
        )
        return cur.fetchone()


@pytest.mark.slow
def test_a_hand_made_extract_goes_from_files_to_a_clean_pdf(pg_server, tmp_path, capsys, monkeypatch):
    chromium.install_chromium()  # Debian's chromium, installed when missing (as the report tests do)
    landing = tmp_path / "landing"
    for la in (LA, CLEAN):
        folder = landing / la / EXTRACT_DATE
        folder.mkdir(parents=True)
        for table, text in FILES.items():
            (folder / f"{table}.csv").write_text(text.replace("\n", "\r\n"), encoding="utf-8")
        assert main(["extract", "manifest", str(folder), "--source-system", "liquidlogic"]) == 0
        assert main(["extract", "check", str(folder)]) == 0
        assert "would load" in capsys.readouterr().out
    url = create_database(pg_server, "own")
    monkeypatch.setenv("CSCW_DATABASE_URL", url)  # what the guide has the user export
    assert main(["load", str(landing), "--archive-dir", str(tmp_path / "a"), "--quiet"]) == 0
    result, published = build_and_publish(url, vars=SETTINGS, target_path=tmp_path / "target")
    assert result.success and published, result.summary()

    # Without settings: every tool says loudly what is missing.
    capsys.readouterr()
    assert main(["kpis", "--la", LA, "--url", url]) == 0
    out = capsys.readouterr()
    assert "Authority 601 has no authority settings" in out.err
    assert "Authority 601 has no child population" in out.err
    assert "CLA_AT_END" in out.out
    assert value(url, LA, "CLA_AT_END")[2] == 1  # C1 only: C2 left care in February
    rate = value(url, LA, "CLA_RATE_PER_10K")
    assert rate is None or rate[2] is None
    bare = render_report(url, LA, None, tmp_path / "reports", pdf=False)
    html = bare.html_path.read_text(encoding="utf-8")
    assert "<title>Local authority 601" in html and 'id="warnings"' in html

    # With settings: its name, its rates, no warning, a clean PDF.
    _, population, rate = value(url, CLEAN, "CLA_RATE_PER_10K")
    assert population == 50000 and float(rate) == pytest.approx(0.2)  # 1 / 50,000 x 10,000
    assert main(["kpis", "--la", CLEAN, "--url", url]) == 0
    assert "WARNING" not in capsys.readouterr().err
    report = render_report(url, CLEAN, None, tmp_path / "reports", pdf=True)
    assert report.pdf_path is not None, report.pdf_error
    html = report.html_path.read_text(encoding="utf-8")
    assert "<title>Anyshire: IRO annual report 2024-25" in html
    assert 'id="warnings"' not in html and "SYNTHETIC" not in html

    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext (poppler-utils) is needed to read the PDF"
    text = subprocess.run([pdftotext, "-layout", str(report.pdf_path), "-"], capture_output=True, text=True)
    pages = text.stdout.split("\f")[:-1]
    assert len(pages) >= 3
    for n, page in enumerate(pages, start=1):
        assert "OFFICIAL-SENSITIVE" in page and f"Page {n} of {len(pages)}" in page
    assert "Anyshire" in pages[0] and "2024-25" in pages[0]
    assert Path(report.pdf_path).stat().st_size > 10_000
