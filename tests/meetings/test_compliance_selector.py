"""The one compliance selector: facts from the database for one branch or
many, in a fixed number of queries, fed to the pure maths."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from branches.models import RoleTenure, Sector
from branches.selectors import committee_in_office
from meetings import compliance as c
from meetings import selectors
from meetings.models import EvaluationGrade, Meeting, MeetingRequirement
from tests.branches.factories import CommitteeFactory, PartyGroupFactory, RoleTenureFactory
from tests.meetings.factories import (
    MeetingFactory,
    MemberReportFactory,
    TalkRecordFactory,
    branch_with_members,
    committee_for,
)

pytestmark = pytest.mark.django_db
K = Meeting.Kind
YEAR = 2025
AFTER = dt.date(2026, 1, 15)


def missing(result, code):
    return [cell.period.key for row in result.rows_for(code) for cell in row.cells if cell.status == c.MISSING]


def test_default_requirements_are_the_spec_table():
    rows = {r.code: r for r in MeetingRequirement.objects.filter(sector="", org_unit=None)}
    assert {code: (r.period, r.min_count, r.meeting_kind) for code, r in rows.items()} == {
        "branch_assembly": ("quarter", 1, "branch_assembly"),
        "committee": ("month", 1, "committee"),
        "group": ("month", 1, "group"),
        "lecture": ("quarter", 1, "lecture"),
        "secretary_lecture": ("year", 1, "lecture"),
        "theme_day": ("month", 1, "theme_day"),
        "life_meeting": ("year", 1, "life_meeting"),
        "evaluation": ("year", 1, "evaluation"),
        "talk": ("year", 1, ""),
        "member_report": ("year", 1, ""),
    }
    assert rows["branch_assembly"].quorum == Meeting.Quorum.FULL_MEMBERS
    assert rows["committee"].quorum == Meeting.Quorum.COMMITTEE
    assert rows["group"].counting == MeetingRequirement.Counting.PER_GROUP


def test_a_year_with_deliberate_gaps():
    branch, members = branch_with_members(full=8, probationary=1)
    committee_for(branch, members[:3])
    group = PartyGroupFactory(branch=branch)
    for month in range(1, 13):
        if month not in (2, 7):
            MeetingFactory(branch=branch, kind=K.COMMITTEE, day=dt.date(YEAR, month, 10), quorum_met=True)
        if month != 11:
            MeetingFactory(branch=branch, kind=K.GROUP, party_group=group, day=dt.date(YEAR, month, 12))
        if month not in (3, 4):
            MeetingFactory(branch=branch, kind=K.THEME_DAY, day=dt.date(YEAR, month, 20))
    for month in (1, 4, 10):  # no 支部党员大会 in Q3
        MeetingFactory(branch=branch, kind=K.BRANCH_ASSEMBLY, day=dt.date(YEAR, month, 25), quorum_met=True)
    # Q2's 党课 was given by the 书记; Q4 has none
    MeetingFactory(branch=branch, kind=K.LECTURE, day=dt.date(YEAR, 2, 3), lecturer=members[5])
    MeetingFactory(branch=branch, kind=K.LECTURE, day=dt.date(YEAR, 5, 3), lecturer=members[0])
    MeetingFactory(branch=branch, kind=K.LECTURE, day=dt.date(YEAR, 8, 3), lecturer=members[6])
    # the April 主题党日 was held as a 支部党员大会 (also = theme_day)
    MeetingFactory(branch=branch, kind=K.BRANCH_ASSEMBLY, also=[K.THEME_DAY], day=dt.date(YEAR, 4, 8), quorum_met=True)
    joint = MeetingFactory(branch=branch, kind=K.LIFE_MEETING, also=[K.EVALUATION], day=dt.date(YEAR, 12, 18))
    EvaluationGrade.objects.create(meeting=joint, member=members[1], grade="excellent")
    EvaluationGrade.objects.create(meeting=joint, member=members[2], grade="qualified")
    # a meeting of the previous year must not fill a gap of this one
    MeetingFactory(branch=branch, kind=K.COMMITTEE, day=dt.date(YEAR - 1, 2, 10), quorum_met=True)
    MemberReportFactory(branch=branch, member=members[0], date=dt.date(YEAR, 6, 1))

    result = selectors.branch_compliance(branch, YEAR, on=AFTER)

    assert missing(result, "committee") == ["2025-02", "2025-07"]
    assert missing(result, "group") == ["2025-11"]
    assert missing(result, "theme_day") == ["2025-03"]
    assert missing(result, "branch_assembly") == ["2025-Q3"]
    assert missing(result, "lecture") == ["2025-Q4"]
    assert missing(result, "secretary_lecture") == []
    assert missing(result, "life_meeting") == [] and missing(result, "evaluation") == []
    assert missing(result, "talk") == ["2025"] and missing(result, "member_report") == ["2025"]
    (report_cell,) = result.rows_for("member_report")[0].cells
    assert (report_cell.count, report_cell.required) == (1, 9)
    assert [(m.rated, m.excellent) for m in result.evaluation] == [(2, 1)]
    q2 = result.rows_for("branch_assembly")[0].cells[1]
    assert len(q2.meeting_ids) == 2  # the April assembly and the assembly-as-theme-day


def test_the_current_year_shows_upcoming_periods():
    branch, members = branch_with_members(full=3)
    MeetingFactory(branch=branch, kind=K.THEME_DAY, day=dt.date(YEAR, 5, 2))
    result = selectors.branch_compliance(branch, YEAR, on=dt.date(YEAR, 5, 20))
    statuses = [cell.status for cell in result.rows_for("theme_day")[0].cells]
    assert statuses[:6] == [c.MISSING] * 4 + [c.HELD, c.UPCOMING]
    assert set(statuses[6:]) == {c.UPCOMING}


def test_talks_between_committee_and_members_are_read_from_records():
    branch, members = branch_with_members(full=3)
    committee_for(branch, members[:1])
    TalkRecordFactory(branch=branch, talker=members[0], talkee=members[1], date=dt.date(YEAR, 3, 1))
    (cell,) = selectors.branch_compliance(branch, YEAR, on=AFTER).rows_for("talk")[0].cells
    assert (cell.status, cell.count, cell.required) == (c.MISSING, 1, 2)
    TalkRecordFactory(branch=branch, talker=members[2], talkee=members[0], date=dt.date(YEAR, 9, 1))
    (cell,) = selectors.branch_compliance(branch, YEAR, on=AFTER).rows_for("talk")[0].cells
    assert cell.status == c.HELD


def test_overrides_per_sector_and_per_org_unit_come_from_the_table():
    committee = CommitteeFactory()
    village, _ = branch_with_members(full=3, sector=Sector.VILLAGE, parent=committee)
    office, _ = branch_with_members(full=3, sector=Sector.GOVERNMENT)
    default = MeetingRequirement.objects.get(code="lecture", sector="", org_unit=None)
    MeetingRequirement.objects.create(
        code="lecture", name="党课", meeting_kind="lecture", period="month", sector=Sector.VILLAGE
    )
    assert len(selectors.branch_compliance(village, YEAR, on=AFTER).rows_for("lecture")[0].cells) == 12
    assert len(selectors.branch_compliance(office, YEAR, on=AFTER).rows_for("lecture")[0].cells) == 4
    MeetingRequirement.objects.create(
        code="lecture", name="党课", meeting_kind="lecture", period="half_year", org_unit=committee
    )
    assert len(selectors.branch_compliance(village, YEAR, on=AFTER).rows_for("lecture")[0].cells) == 2
    MeetingRequirement.objects.create(
        code="theme_day", name="主题党日", meeting_kind="theme_day", period="month", org_unit=committee, is_active=False
    )
    assert selectors.branch_compliance(village, YEAR, on=AFTER).rows_for("theme_day") == []
    assert default.period == "quarter"


def _branches(n):
    parent = CommitteeFactory()
    for i in range(n):
        branch, members = branch_with_members(full=4, parent=parent)
        if i % 2:
            committee_for(branch, members[:3])
            PartyGroupFactory(branch=branch)
        MeetingFactory(branch=branch, kind=K.THEME_DAY, also=[K.LECTURE], day=dt.date(YEAR, 3, 3))
        TalkRecordFactory(branch=branch, talker=members[0], talkee=members[1], date=dt.date(YEAR, 3, 1))
        MemberReportFactory(branch=branch, member=members[0], date=dt.date(YEAR, 3, 1))
    return parent


def test_many_branches_in_a_fixed_number_of_queries():
    def queries(n):
        parent = _branches(n)
        branches = list(parent.children.all())
        with CaptureQueriesContext(connection) as ctx:
            result = selectors.branches_compliance(branches, YEAR, on=AFTER)
        assert len(result) == n
        return len(ctx.captured_queries)

    assert queries(5) == queries(50)


def test_who_was_in_office_on_a_day_is_the_committee_selectors_rule():
    """The compliance facts cover a year of tenures; who held a seat on a given
    day (a 书记's 党课) is decided by the one rule of `branches.selectors`: a
    tenure ending that day still counts, one ended the day before does not."""
    handover = dt.date(YEAR, 6, 30)
    branch, members = branch_with_members(full=5)
    term = committee_for(branch, [])
    old, new, early = members[0], members[1], members[2]
    RoleTenureFactory(term=term, member=old, role=RoleTenure.Role.SECRETARY, start_date=dt.date(2020, 1, 1),
                      end_date=handover)
    RoleTenureFactory(term=term, member=new, role=RoleTenure.Role.SECRETARY, start_date=handover + dt.timedelta(1))
    RoleTenureFactory(term=term, member=early, role=RoleTenure.Role.MEMBER, start_date=dt.date(2020, 1, 1),
                      end_date=handover - dt.timedelta(1))

    tenures = selectors.branch_facts([branch], YEAR)[branch.pk].tenures
    for day in (handover - dt.timedelta(1), handover, handover + dt.timedelta(1)):
        in_office = {s.member_id for s in committee_in_office([branch.pk], day)[branch.pk]}
        assert {t.member_id for t in tenures if t.held_on(day)} == in_office, day

    on_the_last_day = MeetingFactory(branch=branch, kind=K.LECTURE, lecturer=old, day=handover)
    MeetingFactory(branch=branch, kind=K.LECTURE, lecturer=old, day=handover + dt.timedelta(1))
    (cell,) = selectors.branch_compliance(branch, YEAR, on=AFTER).rows_for("secretary_lecture")[0].cells
    assert cell.meeting_ids == (on_the_last_day.pk,)
