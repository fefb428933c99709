"""A small hand-worked authority (every date chosen to hit a rule's edge) used by test_build.py.

Dates worth knowing: Mon 6 May and Mon 27 May 2019 were bank holidays, so 20 working days after
Fri 3 May 2019 is Tue 4 Jun 2019; 20 working days after Fri 1 Mar 2019 is Fri 29 Mar 2019.
"""

from __future__ import annotations

PERSONS = [
    {
        "pers_person_id": "P1",
        "pers_sex": "M",
        "pers_ethnicity": "WBRI",
        "pers_dob": "2010-03-15",
        "pers_forename": "Testy",
        "pers_surname": "McTestface",
        "pers_upn": "A123456789012",
    },
    # a description instead of a code, a UK-format date with a time part
    {
        "pers_person_id": "P2",
        "pers_sex": "Female",
        "pers_ethnicity": "Indian",
        "pers_dob": "01/01/2018 00:00",
    },
    {"pers_person_id": "P3", "pers_sex": "F", "pers_dob": "2012-07-31"},
]

EPISODES = [
    # P1: one period of care, started on the Friday before the May Day bank holiday
    {
        "clae_cla_episode_id": "E1",
        "clae_person_id": "P1",
        "clae_cla_episode_start_date": "2019-05-03",
        "clae_cla_episode_start_reason": "S",
        "clae_cla_id": "C1",
        "clae_cla_placement_id": "PL1",
        "clae_cla_episode_ceased_date": "2019-06-01",
        "clae_cla_episode_ceased_reason": "X1",
        "clae_cla_primary_need_code": "N1",
    },
    {
        "clae_cla_episode_id": "E2",
        "clae_person_id": "P1",
        "clae_cla_episode_start_date": "2019-06-01",
        "clae_cla_episode_start_reason": "Change of placement and carer(s) only",
        "clae_cla_id": "C1",
        "clae_cla_placement_id": "PL2",
    },
    # P2: a period of care that ends, then another that restarts the review chain
    {
        "clae_cla_episode_id": "E3",
        "clae_person_id": "P2",
        "clae_cla_episode_start_date": "2019-01-10",
        "clae_cla_episode_start_reason": "S",
        "clae_cla_id": "C2",
        "clae_cla_episode_ceased_date": "2019-02-01",
        "clae_cla_episode_ceased_reason": "E13",
        "clae_cla_primary_need_code": "N2",
    },
    {
        "clae_cla_episode_id": "E4",
        "clae_person_id": "P2",
        "clae_cla_episode_start_date": "2019-03-01",
        "clae_cla_episode_start_reason": "S",
        "clae_cla_id": "C3",
    },
    {
        "clae_cla_episode_id": "E5",
        "clae_person_id": "P2",
        "clae_cla_episode_start_date": "2019-04-01",
        "clae_cla_episode_start_reason": "L",
        "clae_cla_id": "C3",
    },
    # P3: short breaks only
    {
        "clae_cla_episode_id": "E6",
        "clae_person_id": "P3",
        "clae_cla_episode_start_date": "2019-04-01",
        "clae_cla_episode_start_reason": "S",
        "clae_cla_id": "C4",
    },
]

LEGAL = [
    {
        "lega_legal_status_id": "LS1",
        "lega_person_id": "P1",
        "lega_legal_status": "C2",
        "lega_legal_status_start_date": "2019-05-03",
    },
    {
        "lega_legal_status_id": "LS2",
        "lega_person_id": "P2",
        "lega_legal_status": "V2",
        "lega_legal_status_start_date": "2019-01-10",
        "lega_legal_status_end_date": "2019-02-01",
    },
    {
        "lega_legal_status_id": "LS3",
        "lega_person_id": "P2",
        "lega_legal_status": "C1",
        "lega_legal_status_start_date": "2019-03-01",
    },
    {
        "lega_legal_status_id": "LS4",
        "lega_person_id": "P3",
        "lega_legal_status": "V3",
        "lega_legal_status_start_date": "2019-04-01",
    },
]

PLACEMENTS = [
    {
        "clap_cla_placement_id": "PL1",
        "clap_cla_id": "C1",
        "clap_person_id": "P1",
        "clap_cla_placement_start_date": "2019-05-03",
        "clap_cla_placement_type": "U4",
        "clap_cla_placement_distance": "3.5",
        "clap_cla_placement_provider": "PR1",
        "clap_cla_placement_end_date": "2019-06-01",
        "clap_cla_placement_postcode": "ZZ99 9ZZ",
    },
    {
        "clap_cla_placement_id": "PL2",
        "clap_cla_id": "C1",
        "clap_person_id": "P1",
        "clap_cla_placement_start_date": "2019-06-01",
        "clap_cla_placement_type": "K2",
        "clap_cla_placement_distance": "25",
        "clap_cla_placement_provider": "PR4",
    },
    {
        "clap_cla_placement_id": "PL3",
        "clap_cla_id": "C3",
        "clap_person_id": "P2",
        "clap_cla_placement_start_date": "2019-03-01",
        "clap_cla_placement_type": "U6",
    },
]

REVIEWS = [
    # exactly on its due date (4 Jun 2019)
    {
        "clar_cla_review_id": "R1",
        "clar_cla_id": "C1",
        "clar_cla_person_id": "P1",
        "clar_cla_review_date": "2019-06-04",
        "clar_cla_review_due_date": "2019-05-31",
        "clar_cla_review_participation": "PN1",
    },
    # cancelled: ignored
    {
        "clar_cla_review_id": "R2",
        "clar_cla_id": "C1",
        "clar_cla_person_id": "P1",
        "clar_cla_review_date": "2019-06-10",
        "clar_cla_review_cancelled": "Y",
    },
    # one day after its due date (29 Mar 2019) in the restarted period of care
    {
        "clar_cla_review_id": "R3",
        "clar_cla_id": "C3",
        "clar_cla_person_id": "P2",
        "clar_cla_review_date": "2019-03-30",
        "clar_cla_review_participation": "PN0",
    },
    # a review brought forward: due 3 months after R3, held early; restarts the chain
    {
        "clar_cla_review_id": "R4",
        "clar_cla_id": "C3",
        "clar_cla_person_id": "P2",
        "clar_cla_review_date": "2019-05-15",
        "clar_cla_review_participation": "PN0",
    },
]

REVIEW_DETAILS = [
    {
        "clrd_cla_review_id": "R1",
        "clrd_chair_professional_id": "IRO1",
        "clrd_review_kind": "STATUTORY",
        "clrd_decisions_recorded_date": "2019-06-11",
        "clrd_record_distributed_date": "2019-06-20",
        "clrd_permanence_plan_agreed": "N",
    },
    {"clrd_cla_review_id": "R4", "clrd_chair_professional_id": "IRO1", "clrd_review_kind": "ADDITIONAL"},
]

S47 = [{"s47e_s47_enquiry_id": "S1", "s47e_person_id": "P1", "s47e_s47_start_date": "2018-11-12"}]

ICPC = [
    {
        "icpc_icpc_id": "I1",
        "icpc_person_id": "P1",
        "icpc_s47_enquiry_id": "S1",
        "icpc_cp_plan_id": "CP2",
        "icpc_icpc_date": "2018-11-30",
        "icpc_icpc_meeting_id": "M1",
        "icpc_icpc_outcome_cp_flag": "Y",
        "icpc_icpc_team": "T1",
    },
]

PLANS = [
    {
        "cppl_cp_plan_id": "CP1",
        "cppl_person_id": "P1",
        "cppl_cp_plan_start_date": "2017-01-01",
        "cppl_cp_plan_end_date": "2018-03-01",
        "cppl_cp_plan_initial_category": "NEG",
    },
    {
        "cppl_cp_plan_id": "CP2",
        "cppl_person_id": "P1",
        "cppl_icpc_id": "I1",
        "cppl_cp_plan_start_date": "2018-11-30",
        "cppl_cp_plan_end_date": "2019-05-03",
        "cppl_cp_plan_initial_category": "Emotional abuse",
    },
]

CP_REVIEWS = [
    {
        "cppr_cp_review_id": "RV1",
        "cppr_person_id": "P1",
        "cppr_cp_plan_id": "CP2",
        "cppr_cp_review_date": "2019-02-28",
        "cppr_cp_review_meeting_id": "M2",
    },
]

CONFERENCE_DETAILS = [
    {"cpcd_meeting_id": "M1", "cpcd_conference_type": "ICPC", "cpcd_report_to_parents_date": "2018-11-29"},
    # RCPC on Thu 28 Feb 2019: 3 working days before is Mon 25 Feb; the report came on Tue 26 Feb
    {"cpcd_meeting_id": "M2", "cpcd_conference_type": "RCPC", "cpcd_report_to_parents_date": "2019-02-26"},
]

DEPARTMENTS = [
    {
        "dept_team_id": "T1",
        "dept_team_name": "Team A",
        "dept_team_parent_id": "L1",
        "dept_team_parent_name": "North",
    },
    {"dept_team_id": "T2", "dept_team_name": "IRO service"},
]

PROFESSIONALS = [
    {
        "prof_professional_id": "IRO1",
        "prof_professional_name": "Ada Reviewer",
        "prof_staff_id": "S0001",
        "prof_professional_job_title": "Independent Reviewing Officer",
        "prof_professional_department": "T2",
        "prof_full_time_equivalency": "0.8",
        "prof_agency_worker_flag": "N",
    },
    {
        "prof_professional_id": "SW1",
        "prof_professional_job_title": "Social Worker",
        "prof_professional_department": "T1",
        "prof_full_time_equivalency": "1",
    },
]

INVOLVEMENTS = [
    {
        "invo_involvements_id": "V1",
        "invo_professional_id": "IRO1",
        "invo_person_id": "P1",
        "invo_professional_role_id": "IRO",
        "invo_involvement_start_date": "2019-05-10",
    },
    {
        "invo_involvements_id": "V2",
        "invo_professional_id": "SW1",
        "invo_person_id": "P1",
        "invo_professional_role_id": "SW",
        "invo_professional_team": "T1",
        "invo_involvement_start_date": "2018-11-01",
    },
]

CHALLENGES = [
    {
        "chal_challenge_id": "CH1",
        "chal_person_id": "P1",
        "chal_raised_date": "2019-05-20",
        "chal_raised_by_professional_id": "IRO1",
        "chal_challenge_type": "MA",
        "chal_subject": "CLA",
        "chal_category": "COMPLIANCE",
        "chal_resolved_date": "2019-06-01",
        "chal_outcome": "RESOLVED",
    },
    {
        "chal_challenge_id": "CH2",
        "chal_person_id": "P1",
        "chal_raised_date": "2019-06-01",
        "chal_raised_by_professional_id": "IRO1",
        "chal_challenge_type": "PR",
        "chal_subject": "CLA",
        "chal_escalated_from_id": "CH1",
        "chal_resolved_date": "2019-06-20",
        "chal_outcome": "RESOLVED",
    },
]

STAGES = [
    {
        "chst_stage_id": "ST1",
        "chst_challenge_id": "CH2",
        "chst_stage_number": "1",
        "chst_level": "PRACTICE_MANAGER",
        "chst_start_date": "2019-06-01",
    },
    {
        "chst_stage_id": "ST2",
        "chst_challenge_id": "CH2",
        "chst_stage_number": "2",
        "chst_level": "SERVICE_MANAGER",
        "chst_start_date": "2019-06-10",
    },
]


def extract() -> dict[str, list[dict]]:
    return {
        "ssd_person": PERSONS,
        "ssd_cla_episodes": EPISODES,
        "ssd_legal_status": LEGAL,
        "ssd_cla_placement": PLACEMENTS,
        "ssd_cla_reviews": REVIEWS,
        "ext_cla_review_details": REVIEW_DETAILS,
        "ssd_s47_enquiry": S47,
        "ssd_initial_cp_conference": ICPC,
        "ssd_cp_plans": PLANS,
        "ssd_cp_reviews": CP_REVIEWS,
        "ext_cp_conference_details": CONFERENCE_DETAILS,
        "ssd_department": DEPARTMENTS,
        "ssd_professionals": PROFESSIONALS,
        "ssd_involvements": INVOLVEMENTS,
        "ext_iro_challenges": CHALLENGES,
        "ext_iro_challenge_stages": STAGES,
    }
