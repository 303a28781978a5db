"""The members pages run a number of queries that does not grow with their
rows (STYLE: no N+1; timings belong in bench/)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import Attendance
from members.models import Member
from members.services import (
    development_step_record,
    dues_month_record,
    training_record,
    transfer_out_issue,
)
from tests.branches.factories import BranchFactory, CommitteeTermFactory, PartyGroupFactory, RoleTenureFactory
from tests.meetings.factories import MeetingFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db
YEAR = 2024


def branch_with(n: int):
    branch = BranchFactory()
    term = CommitteeTermFactory(org_unit=branch)
    group = PartyGroupFactory(branch=branch)
    meeting = MeetingFactory(branch=branch, day=date(YEAR, 3, 1))
    people = []
    for i in range(n):
        member = (
            RoleTenureFactory(term=term, member__party_group=group).member
            if i < 2
            else MemberFactory(branch=branch, party_group=group)
        )
        dues_month_record(
            member=member, month=date(YEAR, 1, 1), base_pay="3000", paid_in_full=True, paid_on=date(YEAR, 1, 2)
        )
        Attendance.objects.create(
            meeting=meeting, member=member, name=member.name, status=Attendance.Status.PRESENT, study_hours=2
        )
        person = MemberFactory(
            branch=branch,
            status=Member.Status.APPLICANT,
            join_date=None,
            full_member_date=None,
            application_date=None,
            birth_date=date(2000, 1, 1),
        )
        development_step_record(member=person, step=1, date=date(YEAR, 1, 1))
        if i % 3 == 2:
            transfer_out_issue(member=member, to_org="外县", issued_on=date(YEAR, 2, 1))
        else:
            people.append(member)
    training_record(branch=branch, title="轮训", start_date=date(YEAR, 4, 1), full_days=2, participants=people)
    return branch


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


PAGES = {
    "org_unit": lambda b: reverse("org_unit", args=[b.pk]),
    "dues_grid": lambda b: reverse("dues_grid", args=[b.pk, YEAR]),
    "dues_month": lambda b: reverse("dues_month", args=[b.pk, YEAR, 5]),
    "study_hours": lambda b: reverse("study_hours", args=[b.pk, YEAR]),
    "development_branch": lambda b: reverse("development_branch", args=[b.pk]),
    "six_month": lambda b: reverse("six_month", args=[b.pk]),
    "transfer_list": lambda b: reverse("transfer_list") + f"?branch={b.pk}",
    "member_export": lambda b: reverse("member_export") + f"?branch={b.pk}",
}


@pytest.mark.parametrize("page", list(PAGES))
def test_branch_pages_do_not_grow_with_members(client, secretary_of, page):
    small, large = branch_with(3), branch_with(15)
    client.force_login(secretary_of(small))
    small_count = queries(client, PAGES[page](small))
    client.force_login(secretary_of(large))
    assert queries(client, PAGES[page](large)) == small_count


def test_member_pages_do_not_grow_with_the_ledger(client, secretary_of):
    branch = BranchFactory()
    client.force_login(secretary_of(branch))

    def member_with(months):
        member = MemberFactory(branch=branch)
        for m in range(1, months + 1):
            dues_month_record(
                member=member, month=date(YEAR, m, 1), base_pay="3000", paid_in_full=True, paid_on=date(YEAR, m, 2)
            )
        return member

    few, many = member_with(2), member_with(12)
    queries(client, reverse("member_detail", args=[few.pk]))  # fills the scope cached under the org tree's token
    for name in ("member_detail", "member_dues_card", "development_timeline"):
        assert queries(client, reverse(name, args=[few.pk]) + f"?year={YEAR}") == queries(
            client, reverse(name, args=[many.pk]) + f"?year={YEAR}"
        ), name
