"""Allocations (IRO and social worker involvements) and IRO challenges with their escalation stages."""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta

from ingestion.generator.authority import Authority, Child, lognormal_days

IRO_CHANGE_REASONS = [
    "IRO left the service",
    "Caseload balancing",
    "Change of locality",
    "IRO long-term absence",
]
SW_CHANGE_REASONS = [
    "Worker left",
    "Case transferred to another team",
    "Caseload balancing",
    "Worker on leave",
]
LEVELS = ["PRACTICE_MANAGER", "TEAM_MANAGER", "SERVICE_MANAGER", "HEAD_OF_SERVICE"]


def allocate(
    la: Authority, child: Child, start: date, end: date | None, prefer_iro: str | None = None
) -> None:
    """An IRO (role `IRO`) and a social worker (role `SW`) for one CLA period or CP plan.

    The IRO is drawn from the child's locality weighted by FTE, so caseload per FTE is even; the
    allocation changes now and then (an IRO leaves, caseloads are balanced)."""
    staff = la.staff
    iros = staff.iros[child.locality]
    horizon = end if end is not None else la.T + timedelta(days=30)
    # Keep the IRO the child already has (a CP child who comes into care stays with the same IRO).
    current = prefer_iro
    for s, e, iro in child.iro_spans:
        if s <= start and (e is None or e >= start):
            current = iro
    changes = la.poisson_times(start + timedelta(days=60), horizon, la.prof["iro_changes_per_year"])
    bounds = [start, *changes]
    for k, s in enumerate(bounds):
        e = bounds[k + 1] if k + 1 < len(bounds) else end
        if k == 0 and current is not None:
            iro = current
        else:
            prev = child.iro_spans[-1][2] if child.iro_spans and k > 0 else None
            others = [(p, f) for p, f in iros if p != prev] or iros  # a change means a different IRO
            iro = la.weighted_choice([p for p, _ in others], [f for _, f in others])
        child.iro_spans.append((s, e, iro))
        reason = la.rng.choice(IRO_CHANGE_REASONS) if k + 1 < len(bounds) else None
        _involvement(la, child, iro, "IRO", staff.iro_team.get(iro), s, e, reason)
    # Social worker: more churn than IROs.
    teams = staff.sw_teams[child.locality]
    team = la.rng.choice(teams)
    changes = la.poisson_times(start + timedelta(days=30), horizon, 0.8)
    bounds = [start, *changes]
    for k, s in enumerate(bounds):
        e = bounds[k + 1] if k + 1 < len(bounds) else end
        team_sws = staff.sws[team]
        pool = [w for w in team_sws if k == 0 or w[0] != child.sw[0]] or team_sws  # a change: someone else
        sw, _ = la.rng.choice(pool) if pool else (None, None)
        if sw is None:
            break
        child.sw = (sw, team)
        reason = la.rng.choice(SW_CHANGE_REASONS) if k + 1 < len(bounds) else None
        _involvement(la, child, sw, "SW", team, s, e, reason)


def _involvement(la, child, prof_id, role, team, start, end, reason) -> None:
    build = la.row_builder("ssd_involvements")
    vals = build(
        invo_involvements_id=la.new_id("invo"),
        invo_professional_id=prof_id,
        invo_person_id=child.person_id,
        invo_professional_role_id=role,
        invo_professional_team=team,
        invo_involvement_start_date=start,
        invo_involvement_end_date=end,
        invo_worker_change_reason=reason,
    )
    la.emit("ssd_involvements", vals, start, end_col="invo_involvement_end_date")


def challenges(la: Authority, child: Child) -> None:
    """IRO challenges over the child's CLA periods and CP plans, raised from the history window on.

    Rates per child-year come from the profile (Lancashire 2018/19 counts over its year-end population),
    so yearly totals scale with the population. An MA that is not completed is escalated into a PR: the
    MA closes the day the PR is raised and the PR names it in chal_escalated_from_id."""
    p = la.prof
    for start, end, kind, rdates, rids in child.spans:
        s = max(start, la.history_start)
        e = min(end or la.T, la.T + timedelta(days=1))
        if e <= s:
            continue
        subject = kind
        sfx = "cla" if kind == "CLA" else "cp"
        ma_escalated = p["ma_escalated_share"]
        pr_rate = p[f"pr_per_{sfx}_year"]
        ma_rate = p[f"ma_per_{sfx}_year"]
        # Escalated MAs become PRs, so direct PRs make up the rest of the PR rate.
        direct_pr_rate = max(0.0, pr_rate - ma_rate * ma_escalated)
        for d in la.poisson_times(s, e, direct_pr_rate):
            _challenge(la, child, d, "PR", subject, rdates, rids)
        for d in la.poisson_times(s, e, ma_rate):
            _challenge(la, child, d, "MA", subject, rdates, rids, escalate=la.rng.random() < ma_escalated)
        for d in la.poisson_times(s, e, pr_rate * p["informal_per_pr"]):
            _challenge(la, child, d, "INFORMAL", subject, rdates, rids)
        for d in la.poisson_times(s, e, pr_rate * p["good_practice_per_pr"]):
            _challenge(la, child, d, "GOOD_PRACTICE", subject, rdates, rids)


def _response_days(rng, median: float, sigma: float) -> float:
    """Days to a response: mostly about `median`; some drag on for weeks (the weekly report of
    challenges outstanding over 4 weeks in the Lancashire IRO Annual Report 2018-19 has something to list)."""
    if rng.random() < 0.06:
        return lognormal_days(rng, 45, 0.5)
    return lognormal_days(rng, median, sigma)


def _linked_review(d: date, rdates: list, rids: list) -> str | None:
    i = bisect_right(rdates, d) - 1
    if i >= 0 and (d - rdates[i]).days <= 60:
        return rids[i]
    return None


def _challenge(
    la: Authority,
    child: Child,
    raised: date,
    ctype: str,
    subject: str,
    rdates,
    rids,
    escalate: bool = False,
    escalated_from: str | None = None,
    not_before: date | None = None,
) -> date | None:
    rng, p = la.rng, la.prof
    cal = la.cal
    raised = cal.on_or_before(raised) if raised.weekday() >= 5 else raised
    cid = la.new_id("chal")
    iro = child.iro_at(raised)
    build = la.row_builder("ext_iro_challenges")
    category = impact = outcome = resolved = None
    stages = []  # (level, start, due, response, outcome)
    if ctype == "PR":
        category = la.mix(p["pr_category_mix"])
        impact = la.mix(p["pr_impact_mix"])
        reached = LEVELS.index(la.mix(p["pr_level_mix"]))
        t = raised
        for k in range(reached + 1):
            due = cal.wd_add(t, 5)
            resp = t + timedelta(days=max(1, int(_response_days(rng, 5, 0.7))))
            last = k == reached
            r = rng.random()
            out = (
                ("RESOLVED" if r < 0.95 else "NOT_RESOLVED" if r < 0.98 else "WITHDRAWN")
                if last
                else "ESCALATED"
            )
            stages.append((LEVELS[k], t, due, resp, out))
            t = resp
        resolved, outcome = t, stages[-1][4]
    elif ctype == "MA":
        category = la.mix(p["ma_category_mix"])
        level = "PRACTICE_MANAGER" if rng.random() < 0.7 else "TEAM_MANAGER"
        due = cal.wd_add(raised, 5)
        if escalate:
            # Not completed: escalated to a PR a few weeks on; the MA closes that day.
            pr_day = cal.wd_add(due, rng.randint(5, 20))
            stages.append((level, raised, due, pr_day, "ESCALATED_TO_PR"))
            resolved, outcome = pr_day, "NOT_RESOLVED"
        else:
            resp = raised + timedelta(days=max(1, int(_response_days(rng, 7, 0.8))))
            stages.append((level, raised, due, resp, "COMPLETED"))
            resolved, outcome = resp, "RESOLVED"
    elif ctype == "INFORMAL":
        category = rng.choice(["PRACTICE", "DRIFT_DELAY", "COMPLIANCE", "PLAN_IMPLEMENTATION"])
        resolved = raised + timedelta(days=rng.randint(0, 14))
        outcome = "RESOLVED" if rng.random() < 0.85 else "NOT_RESOLVED"
    else:
        category = "COMMENDATION"
    vals = build(
        chal_challenge_id=cid,
        chal_person_id=child.person_id,
        chal_raised_date=raised,
        chal_raised_by_professional_id=iro,
        chal_challenge_type=ctype,
        chal_subject=subject,
        chal_category=category,
        chal_impact=impact,
        chal_linked_review_id=_linked_review(raised, rdates, rids),
        chal_escalated_from_id=escalated_from,
        chal_resolved_date=resolved,
        chal_outcome=outcome,
    )
    # The challenge and its first stage are one entry; an escalation is entered no earlier than the
    # challenge it escalates (`not_before`), so no night's snapshot names a challenge it lacks.
    recorded = raised + la.lag()
    if not_before is not None:
        recorded = max(recorded, not_before)
    la.emit("ext_iro_challenges", vals, raised, end_col="chal_resolved_date", recorded=recorded)
    sbuild = la.row_builder("ext_iro_challenge_stages")
    for n, (level, st, due, resp, out) in enumerate(stages, start=1):
        # a later stage is entered after its challenge (its start may fall within the challenge's lag)
        appear = recorded if n == 1 else max(st + la.lag(), recorded)
        svals = sbuild(
            chst_stage_id=la.new_id("stage"),
            chst_challenge_id=cid,
            chst_stage_number=str(n),
            chst_level=level,
            chst_start_date=st,
            chst_response_due_date=due,
            chst_response_date=resp,
            chst_outcome=out,
        )
        la.emit(
            "ext_iro_challenge_stages",
            svals,
            st,
            end_col="chst_response_date",
            recorded=appear,
        )
    if ctype == "MA" and escalate:
        _challenge(la, child, resolved, "PR", subject, rdates, rids, escalated_from=cid, not_before=recorded)
    return resolved
