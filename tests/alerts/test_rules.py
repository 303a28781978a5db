"""The pure part of the alerts: stages, seasons, recipients and the "what
should fire" functions over the selectors' dataclasses — no database."""

import datetime as dt

import pytest

from branches.alerts import (
    RuleFact,
    ancestor_ids,
    count_up_stage,
    countdown_stage,
    in_season,
    recipients,
    term_candidates,
)
from branches.models import RoleAssignment
from branches.rules import Finding
from meetings import compliance as c
from meetings.alerts import meeting_due_candidates, meeting_overdue_candidates, period_label

Role = RoleAssignment.Role


@pytest.mark.parametrize(
    ("days_left", "stage"),
    [(181, None), (180, 180), (95, 180), (91, 180), (90, 90), (31, 90), (30, 30), (1, 30), (0, 30), (-1, None)],
)
def test_a_countdown_reaches_the_smallest_stage_not_below_the_days_left(days_left, stage):
    assert countdown_stage(days_left, (180, 90, 30)) == stage


@pytest.mark.parametrize(("months", "stage"), [(2, None), (3, 3), (5, 3), (6, 6), (11, 6)])
def test_a_streak_reaches_the_largest_stage_it_has_passed(months, stage):
    assert count_up_stage(months, (3, 6)) == stage


def test_the_season_starts_on_its_day_and_runs_to_the_end_of_the_year():
    assert not in_season(dt.date(2026, 10, 31), (11, 1))
    assert in_season(dt.date(2026, 11, 1), (11, 1))
    assert in_season(dt.date(2026, 12, 31), (11, 1))
    assert in_season(dt.date(2026, 1, 1), None)


def test_period_labels_read_as_dates():
    assert period_label("2026-03") == "2026年3月"
    assert period_label("2026-Q2") == "2026年第二季度"
    assert period_label("2026-H2") == "2026年下半年"
    assert period_label("2026") == "2026年"
    assert period_label("whatever") == "whatever"


def test_ancestors_come_from_the_materialised_path():
    assert ancestor_ids("/1/7/42/") == [1, 7]
    assert ancestor_ids("/1/") == []


ASSIGNMENTS = {
    (42, Role.BRANCH_SECRETARY): [(10, "sj@x")],
    (7, Role.COMMITTEE_ADMIN): [(20, "dw@x")],
    (1, Role.COMMITTEE_ADMIN): [(30, "")],
    (1, Role.ORG_DEPARTMENT): [(40, "zzb@x")],
    (43, Role.BRANCH_SECRETARY): [(11, "other@x")],
}


def test_recipients_follow_the_rule():
    secretary_only = RuleFact(kind="meeting_due")
    with_superior = RuleFact(kind="meeting_overdue", notify_superior=True)
    everyone = RuleFact(kind="x", notify_superior=True, notify_org_department=True)

    assert recipients(42, "/1/7/42/", True, secretary_only, ASSIGNMENTS) == {10: "sj@x"}
    assert recipients(42, "/1/7/42/", True, with_superior, ASSIGNMENTS) == {10: "sj@x", 20: "dw@x", 30: ""}
    assert set(recipients(42, "/1/7/42/", True, everyone, ASSIGNMENTS)) == {10, 20, 30, 40}


def test_an_alert_about_a_committee_goes_to_its_administrators():
    assert recipients(7, "/1/7/", False, RuleFact(kind="x"), ASSIGNMENTS) == {20: "dw@x"}


def _compliance(cells_by_code, *, branch_id=42, year=2026):
    rows = []
    for code, cells in cells_by_code.items():
        req = c.Requirement(code=code, name=code, meeting_kind=code, counting=c.MEETINGS, period="month")
        rows.append(c.Row(requirement=req, label=code, cells=tuple(cells)))
    return c.BranchCompliance(branch_id=branch_id, branch_name="甲一支部", year=year, today=dt.date(2026, 3, 24),
                              rows=tuple(rows))


def _cell(month: int, status: str):
    return c.Cell(period=c.periods_of(2026, "month")[month - 1], status=status)


def test_meeting_due_is_raised_for_upcoming_cells_inside_the_lead_time():
    bc = _compliance({"theme_day": [_cell(3, c.UPCOMING), _cell(4, c.UPCOMING)], "committee": [_cell(3, c.HELD)]})

    due = meeting_due_candidates([bc], RuleFact(kind="meeting_due", stages=(7,)), dt.date(2026, 3, 24))

    assert [(d.subject, d.period, d.stage) for d in due] == [("branch:42:theme_day", "2026-03", "7")]


def test_meeting_overdue_looks_back_only_as_far_as_the_rule_says():
    bc = _compliance({"theme_day": [_cell(1, c.MISSING), _cell(2, c.MISSING), _cell(3, c.UPCOMING)]})
    rule = RuleFact(kind="meeting_overdue", lookback_days=31)

    overdue = meeting_overdue_candidates([bc], rule, dt.date(2026, 3, 5))  # January ended 33 days ago

    assert [o.period for o in overdue] == ["2026-02"]


def test_a_per_group_row_is_its_own_subject():
    req = c.Requirement(code="group", name="党小组会", meeting_kind="group", counting=c.PER_GROUP, period="month")
    bc = c.BranchCompliance(
        branch_id=42, branch_name="甲一支部", year=2026, today=dt.date(2026, 4, 1),
        rows=(c.Row(requirement=req, label="党小组会 · 一组", cells=(_cell(3, c.MISSING),), subject_id=5),
              c.Row(requirement=req, label="党小组会 · 二组", cells=(_cell(3, c.MISSING),), subject_id=6)),
    )

    overdue = meeting_overdue_candidates([bc], RuleFact(kind="meeting_overdue", lookback_days=31),
                                         dt.date(2026, 4, 1))

    assert [o.subject for o in overdue] == ["group:5:group", "group:6:group"]
    assert all(o.org_unit_id == 42 for o in overdue)


def test_term_findings_become_reminders_at_their_stage_and_an_overdue_alert():
    findings = {
        42: [Finding("TERM_EXPIRING", "info", "", {"term_id": 3, "due_end": "2026-09-20", "days_left": 120})],
        43: [Finding("TERM_EXPIRED", "error", "", {"term_id": 4, "due_end": "2026-01-01", "overdue_days": 5,
                                                   "postponed": False})],
        44: [Finding("VACANCY", "warning", "", {})],
    }
    names = {42: "甲", 43: "乙", 44: "丙"}

    expiring = term_candidates(findings, names, RuleFact(kind="term_expiring", stages=(30, 90, 180)))
    overdue = term_candidates(findings, names, RuleFact(kind="term_overdue"))

    assert [(e.subject, e.period, e.stage) for e in expiring] == [("term:3", "2026-09-20", "180")]
    assert [(o.subject, o.period, o.stage, o.org_unit_id) for o in overdue] == [("term:4", "2026-01-01", "", 43)]
