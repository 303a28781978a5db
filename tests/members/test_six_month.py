"""The six-month rule (SPEC §3): six consecutive complete months without
paying dues or without attending organisational life is flagged — never
acted upon by the system."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.models import Attendance
from members import rules
from members.models import InactivityHandling, Member
from members.selectors import six_month_cases
from members.services import dues_month_record, inactivity_handle
from tests.branches.factories import BranchFactory, CommitteeFactory
from tests.meetings.factories import MeetingFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db
DUES, ATTENDANCE = InactivityHandling.Rule.DUES, InactivityHandling.Rule.ATTENDANCE


def pay(member, month: date):
    dues_month_record(member=member, month=month, base_pay="3000", paid_in_full=True, paid_on=month)


def attend(member, day: date):
    meeting = MeetingFactory(branch=member.branch, day=day)
    Attendance.objects.create(meeting=meeting, member=member, name=member.name, status=Attendance.Status.PRESENT)


def cases(member, on, rule=None):
    found = six_month_cases([member.branch_id], on=on)[member.branch_id]
    return [c for c in found if c.member_id == member.pk and (rule is None or c.rule == rule)]


@pytest.mark.parametrize(
    ("on", "flagged"),
    [
        (date(2025, 7, 31), False),  # February–June unpaid: 5 complete months
        (date(2025, 8, 1), True),  # February–July: 6
        (date(2025, 12, 15), True),
    ],
)
def test_dues_unpaid_for_six_complete_months_is_flagged(on, flagged):
    member = MemberFactory()
    pay(member, date(2025, 1, 1))
    found = cases(member, on, DUES)
    assert bool(found) is flagged
    if flagged:
        assert found[0].since == date(2025, 2, 1) and found[0].last == date(2025, 1, 1)
        assert found[0].months == rules.months_between(date(2025, 2, 1), on)


def test_a_payment_ends_the_streak():
    member = MemberFactory()
    pay(member, date(2025, 1, 1))
    pay(member, date(2025, 5, 1))
    assert not cases(member, date(2025, 10, 31), DUES)  # June–September: 4 months
    assert cases(member, date(2025, 12, 1), DUES)[0].since == date(2025, 6, 1)


def test_a_member_who_never_paid_is_counted_from_the_start_of_the_branch_ledger_or_joining():
    branch = BranchFactory()
    veteran = MemberFactory(branch=branch)
    newcomer = MemberFactory(
        branch=branch, join_date=date(2025, 3, 10), full_member_date=None, status=Member.Status.PROBATIONARY
    )
    pay(MemberFactory(branch=branch), date(2025, 1, 1))  # the branch's ledger begins in January

    assert cases(veteran, date(2025, 7, 1), DUES)[0].since == date(2025, 1, 1)
    assert not cases(newcomer, date(2025, 8, 31), DUES)  # March–August is 6 months only from 1 September
    assert cases(newcomer, date(2025, 9, 1), DUES)[0].since == date(2025, 3, 1)


@pytest.mark.parametrize(("on", "flagged"), [(date(2025, 9, 30), False), (date(2025, 10, 1), True)])
def test_no_organisational_life_for_six_complete_months_is_flagged(on, flagged):
    member = MemberFactory()
    attend(member, date(2025, 3, 20))
    found = cases(member, on, ATTENDANCE)
    assert bool(found) is flagged
    if flagged:
        assert (found[0].since, found[0].last) == (date(2025, 4, 1), date(2025, 3, 1))


def test_absence_with_leave_is_not_attendance_but_a_handling_can_record_the_valid_reason():
    member = MemberFactory()
    attend(member, date(2025, 1, 10))
    meeting = MeetingFactory(branch=member.branch, day=date(2025, 4, 10))
    Attendance.objects.create(
        meeting=meeting,
        member=member,
        name=member.name,
        status=Attendance.Status.ABSENT,
        absence_reason=Attendance.Reason.SICK,
    )
    case = cases(member, date(2025, 8, 1), ATTENDANCE)[0]
    assert not case.handled

    inactivity_handle(
        member=member,
        rule=ATTENDANCE,
        since=case.since,
        handled_on=date(2025, 8, 1),
        measure=InactivityHandling.Measure.VALID_REASON,
        note="长期病休，已上门看望并传达学习内容",
    )

    case = cases(member, date(2025, 8, 1), ATTENDANCE)[0]
    assert case.handled and case.measure == InactivityHandling.Measure.VALID_REASON


def test_the_system_never_changes_a_flagged_members_status():
    member = MemberFactory()
    pay(member, date(2024, 1, 1))
    attend(member, date(2024, 1, 5))
    assert {c.rule for c in cases(member, date(2025, 6, 1))} == {DUES, ATTENDANCE}
    member.refresh_from_db()
    assert member.status == Member.Status.FULL
    assert member.status_changes.count() == 0


def test_nothing_is_judged_before_a_branch_has_any_records():
    member = MemberFactory()
    assert cases(member, date(2030, 1, 1)) == []


def test_pipeline_people_and_members_who_left_are_not_judged():
    branch = BranchFactory()
    pay(MemberFactory(branch=branch), date(2024, 1, 1))
    MeetingFactory(branch=branch, day=date(2024, 1, 2))
    MemberFactory(branch=branch, status=Member.Status.ACTIVIST, join_date=None, full_member_date=None)
    MemberFactory(branch=branch, status=Member.Status.TRANSFERRED_OUT)
    found = six_month_cases([branch.pk], on=date(2025, 6, 1))[branch.pk]
    assert {c.name for c in found} == {Member.objects.get(status=Member.Status.FULL).name}


def test_a_new_streak_after_a_handled_one_is_a_new_case():
    member = MemberFactory()
    pay(member, date(2024, 1, 1))
    case = cases(member, date(2024, 8, 1), DUES)[0]
    inactivity_handle(
        member=member,
        rule=DUES,
        since=case.since,
        handled_on=date(2024, 8, 2),
        measure=InactivityHandling.Measure.CORRECTED,
        note="谈话后已补交",
    )
    pay(member, date(2024, 8, 1))
    later = cases(member, date(2025, 3, 1), DUES)[0]
    assert later.since == date(2024, 9, 1) and not later.handled


def test_the_selector_takes_the_same_number_of_queries_for_many_branches():
    def build(n):
        parent = CommitteeFactory()
        branches = []
        for _ in range(n):
            branch = BranchFactory(parent=parent)
            for _ in range(3):
                member = MemberFactory(branch=branch)
                pay(member, date(2024, 1, 1))
                attend(member, date(2024, 2, 1))
            branches.append(branch)
        return branches

    def count(branches):
        with CaptureQueriesContext(connection) as ctx:
            result = six_month_cases([b.pk for b in branches], on=date(2025, 1, 1))
        assert sum(len(v) for v in result.values()) == 2 * 3 * len(branches)
        return len(ctx.captured_queries)

    assert count(build(2)) == count(build(12))


# ---------------------------------------------------------------- a case stays open until handled (SPEC §11)


def test_a_case_stays_open_after_a_later_payment_until_the_branch_handles_it(client, user_with_role, monkeypatch):
    from django.urls import reverse

    from branches.models import RoleAssignment
    from members.models import InactivityCase

    member = MemberFactory()
    pay(member, date(2025, 1, 1))
    branch_id = member.branch_id
    # the page that lists cases (like the daily sweep) keeps a case when it first finds it
    client.force_login(user_with_role(RoleAssignment.Role.BRANCH_SECRETARY, member.branch))
    monkeypatch.setattr("members.views.inactivity.timezone.localdate", lambda: date(2025, 8, 3))
    assert client.get(reverse("six_month", args=[branch_id])).status_code == 200
    monkeypatch.undo()
    assert InactivityCase.objects.filter(member=member, rule=DUES, since=date(2025, 2, 1)).exists()

    pay(member, date(2025, 8, 1))  # pays later: the streak is over, the case is not
    assert not [c for c in cases(member, date(2025, 9, 1), DUES) if c.since != date(2025, 2, 1)]
    still = cases(member, date(2025, 9, 1), DUES)
    assert [(c.since, c.handled, c.year) for c in still] == [(date(2025, 2, 1), False, 2025)]
    assert six_month_cases([branch_id], on=date(2025, 9, 1), recorded=False)[branch_id] == []

    inactivity_handle(
        member=member, rule=DUES, since=date(2025, 2, 1), handled_on=date(2025, 9, 2),
        measure=InactivityHandling.Measure.CORRECTED, note="已谈话，补交党费",
    )
    assert cases(member, date(2025, 9, 3), DUES) == []


def test_a_case_belongs_to_the_year_its_sixth_month_ended():
    from members.services import six_month_cases_record

    member = MemberFactory()
    pay(member, date(2025, 8, 1))  # September 2025 – February 2026 unpaid: the sixth month ends in 2026
    on = date(2026, 3, 2)
    found = six_month_cases([member.branch_id], on=on)
    (case,) = [c for c in found[member.branch_id] if c.rule == DUES and c.member_id == member.pk]
    assert (case.since, case.year) == (date(2025, 9, 1), 2026)
    six_month_cases_record(found, on=on)
    pay(member, date(2026, 3, 1))
    later = date(2026, 4, 1)
    assert [c.since for c in six_month_cases([member.branch_id], on=later, year=2026)[member.branch_id]
            if c.member_id == member.pk and c.rule == DUES] == [date(2025, 9, 1)]
    assert [c for c in six_month_cases([member.branch_id], on=later, year=2025)[member.branch_id]
            if c.member_id == member.pk and c.rule == DUES] == []
