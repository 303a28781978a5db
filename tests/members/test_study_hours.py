"""学时 (SPEC §3): per member per year from meetings and trainings entered by
hand (1 day = 8, half a day = 4); 32 for members, 56 for 书记 and 支委."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from branches.models import RoleTenure
from meetings.models import Attendance
from members.models import Member
from members.selectors import study_hours, study_shortfall
from members.services import training_record, training_update
from tests.branches.factories import BranchFactory, CommitteeFactory, CommitteeTermFactory, RoleTenureFactory
from tests.meetings.factories import MeetingFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db
D = Decimal
ON = date(2025, 12, 31)


def meeting_hours(member, day, hours, status=Attendance.Status.PRESENT):
    meeting = MeetingFactory(branch=member.branch, day=day)
    Attendance.objects.create(
        meeting=meeting,
        member=member,
        name=member.name,
        status=status,
        study_hours=hours if status != Attendance.Status.ABSENT else 0,
        absence_reason="leave" if status == Attendance.Status.ABSENT else "",
    )


def test_a_training_credits_8_hours_a_day_and_4_a_half_day():
    branch = BranchFactory()
    member = MemberFactory(branch=branch)
    training = training_record(
        branch=branch,
        title="党校轮训",
        start_date=date(2025, 4, 1),
        full_days=2,
        half_days=1,
        hours=D("1.5"),
        participants=[member],
    )
    assert training.credited_hours == D("21.5")


def test_a_training_needs_hours_participants_of_the_branch_and_a_past_date():
    branch = BranchFactory()
    with pytest.raises(ValidationError) as exc:
        training_record(branch=branch, title="空", start_date=date(2999, 1, 1), participants=[MemberFactory()])
    assert set(exc.value.message_dict) == {"start_date", "full_days", "participants"}


def test_hours_come_from_meetings_and_trainings_of_the_year():
    branch = BranchFactory()
    member = MemberFactory(branch=branch)
    meeting_hours(member, date(2025, 3, 1), D("2"))
    meeting_hours(member, date(2025, 4, 1), D("2"), status=Attendance.Status.ABSENT)
    meeting_hours(member, date(2024, 12, 31), D("2"))  # last year
    training_record(branch=branch, title="网络培训", start_date=date(2025, 6, 1), full_days=3, participants=[member])
    row = study_hours([branch.pk], 2025, on=ON)[branch.pk][0]
    assert (row.meetings, row.trainings, row.total, row.required) == (D("2"), D("24"), D("26"), D("32"))
    assert row.is_short and row.shortfall == D("6")


@pytest.mark.parametrize(("days", "short"), [(4, False), (3, True)])
def test_32_hours_is_enough_for_a_member(days, short):
    branch = BranchFactory()
    member = MemberFactory(branch=branch)
    training_record(branch=branch, title="培训", start_date=date(2025, 6, 1), full_days=days, participants=[member])
    assert bool(study_shortfall([branch.pk], 2025, on=ON)[branch.pk]) is short


def test_secretary_and_committee_members_need_56():
    branch = BranchFactory()
    term = CommitteeTermFactory(org_unit=branch, start_date=date(2024, 1, 1))
    secretary = RoleTenureFactory(term=term, role=RoleTenure.Role.SECRETARY).member
    member = MemberFactory(branch=branch)
    left = RoleTenureFactory(term=term, role=RoleTenure.Role.PROPAGANDA, end_date=date(2025, 6, 30)).member
    training_record(
        branch=branch, title="培训", start_date=date(2025, 6, 1), full_days=6, participants=[secretary, member, left]
    )
    rows = {r.member_id: r for r in study_hours([branch.pk], 2025, on=ON)[branch.pk]}
    assert rows[secretary.pk].required == D("56") and rows[secretary.pk].is_short
    assert rows[member.pk].required == D("32") and not rows[member.pk].is_short
    assert rows[left.pk].required == D("32")  # no longer on the committee on 31 December
    assert study_hours([branch.pk], 2025, on=date(2025, 6, 1))[branch.pk] and {
        r.member_id: r.required for r in study_hours([branch.pk], 2025, on=date(2025, 6, 1))[branch.pk]
    }[left.pk] == D("56")  # …but was in June


def test_the_requirements_are_settings(settings):
    settings.MEMBERS_STUDY_HOURS_REQUIRED = 40
    settings.MEMBERS_TRAINING_DAY_HOURS = 6
    branch = BranchFactory()
    member = MemberFactory(branch=branch)
    training_record(branch=branch, title="培训", start_date=date(2025, 6, 1), full_days=6, participants=[member])
    row = study_hours([branch.pk], 2025, on=ON)[branch.pk][0]
    assert (row.trainings, row.required, row.is_short) == (D("36"), D("40"), True)


def test_editing_a_training_changes_its_hours_and_participants():
    branch = BranchFactory()
    a, b = MemberFactory(branch=branch), MemberFactory(branch=branch)
    training = training_record(branch=branch, title="培训", start_date=date(2025, 6, 1), full_days=1, participants=[a])
    training_update(training, half_days=1, full_days=0, participants=[b])
    training.refresh_from_db()
    assert training.credited_hours == D("4") and list(training.participants.all()) == [b]


def test_pipeline_people_are_not_held_to_the_requirement():
    branch = BranchFactory()
    MemberFactory(branch=branch, status=Member.Status.ACTIVIST, join_date=None, full_member_date=None)
    assert study_hours([branch.pk], 2025, on=ON)[branch.pk] == []


def test_the_selector_takes_the_same_number_of_queries_for_many_branches():
    def build(n):
        parent = CommitteeFactory()
        branches = []
        for _ in range(n):
            branch = BranchFactory(parent=parent)
            term = CommitteeTermFactory(org_unit=branch)
            members = [RoleTenureFactory(term=term).member, MemberFactory(branch=branch)]
            meeting_hours(members[1], date(2025, 3, 1), D("2"))
            training_record(branch=branch, title="培训", start_date=date(2025, 6, 1), full_days=1, participants=members)
            branches.append(branch)
        return [b.pk for b in branches]

    def count(ids):
        with CaptureQueriesContext(connection) as ctx:
            result = study_hours(ids, 2025, on=ON)
        assert sum(len(v) for v in result.values()) == 2 * len(ids)
        return len(ctx.captured_queries)

    assert count(build(2)) == count(build(15))
