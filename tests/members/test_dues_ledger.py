"""The monthly 党费 ledger: one member's month, a branch's month at once
(all or nothing), and what each member owes."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from members.models import DuesMonth, Member
from members.selectors import dues_status, month_sheet, year_grid
from members.services import DuesRowIn, dues_month_record, dues_month_record_many
from tests.branches.factories import BranchFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db
D = Decimal


def test_a_month_records_what_was_due_from_the_base_and_what_was_paid():
    member = MemberFactory()
    row = dues_month_record(
        member=member, month=date(2025, 3, 17), base_pay="4500.00", paid_in_full=True, paid_on=date(2025, 3, 20)
    )
    assert row.month == date(2025, 3, 1)
    assert (row.amount_due, row.amount_paid, row.percent) == (D("45.00"), D("45.00"), D("1.00"))
    assert row.branch == member.branch and row.settled


def test_recording_a_month_again_corrects_it_instead_of_adding_a_row():
    member = MemberFactory()
    dues_month_record(member=member, month=date(2025, 3, 1), base_pay="3000")
    dues_month_record(
        member=member, month=date(2025, 3, 1), base_pay="3000", amount_paid="15", extra="5", paid_on=date(2025, 4, 2)
    )
    row = DuesMonth.objects.get()
    assert (row.amount_paid, row.extra, row.paid_on) == (D("15.00"), D("5.00"), date(2025, 4, 2))
    assert row.history.count() == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"base_pay": "-1"}, "base_pay"),
        ({"base_pay": "3000.001"}, "base_pay"),
        ({"base_pay": "abc"}, "base_pay"),
        ({}, "base_pay"),  # employed: a base is needed
        ({"base_pay": "3000", "amount_paid": "15", "paid_on": date(2999, 1, 1)}, "paid_on"),
    ],
)
def test_bad_amounts_and_dates_are_refused_with_a_chinese_message_and_nothing_is_saved(kwargs, field):
    member = MemberFactory()
    with pytest.raises(ValidationError) as exc:
        dues_month_record(member=member, month=date(2025, 3, 1), **kwargs)
    assert field in exc.value.message_dict
    assert all("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message_dict[field][0][:1])
    assert not DuesMonth.objects.exists()


def test_no_dues_before_joining_or_for_people_not_yet_admitted():
    member = MemberFactory(join_date=date(2024, 7, 15), full_member_date=date(2025, 7, 15))
    with pytest.raises(ValidationError, match="入党"):
        dues_month_record(member=member, month=date(2024, 6, 1), base_pay="3000")
    dues_month_record(member=member, month=date(2024, 7, 1), base_pay="3000")  # the month of joining counts
    applicant = MemberFactory(status=Member.Status.APPLICANT, join_date=None, full_member_date=None)
    with pytest.raises(ValidationError, match="尚未入党"):
        dues_month_record(member=applicant, month=date(2025, 1, 1), base_pay="3000")


def test_an_exempt_month_owes_nothing_and_counts_as_settled():
    member = MemberFactory(category=Member.Category.RETIRED)
    row = dues_month_record(member=member, month=date(2025, 1, 1), exempt=True)
    assert row.amount_due == 0 and row.settled and row.base_pay is None


def test_a_branch_month_is_saved_for_everyone_or_for_no_one():
    branch = BranchFactory()
    a, b, c = (MemberFactory(branch=branch, name=n) for n in ("甲", "乙", "丙"))
    rows = [DuesRowIn(a, base_pay=D("3000"), paid_in_full=True), DuesRowIn(b, base_pay=D("-5")), DuesRowIn(c)]
    with pytest.raises(ValidationError) as exc:
        dues_month_record_many(branch=branch, month=date(2025, 5, 1), rows=rows, paid_on=date(2025, 5, 8))
    assert list(exc.value.message_dict) == [f"{b.pk}.base_pay"]
    assert not DuesMonth.objects.exists()

    rows[1] = DuesRowIn(b, base_pay=D("6000"))
    saved = dues_month_record_many(branch=branch, month=date(2025, 5, 1), rows=rows, paid_on=date(2025, 5, 8))
    assert [(r.member, r.amount_due, r.amount_paid) for r in saved] == [
        (a, D("15.00"), D("15.00")),
        (b, D("90.00"), D("0.00")),
    ]
    assert not DuesMonth.objects.filter(member=c).exists()  # a blank line leaves the month unrecorded


def test_a_branch_month_refuses_members_of_another_branch():
    branch = BranchFactory()
    stranger = MemberFactory()
    with pytest.raises(ValidationError):
        dues_month_record_many(branch=branch, month=date(2025, 5, 1), rows=[DuesRowIn(stranger, base_pay=D("1"))])


def test_arrears_count_the_months_since_the_ledger_began_that_are_not_fully_paid():
    branch = BranchFactory()
    payer = MemberFactory(branch=branch, name="按时")
    late = MemberFactory(branch=branch, name="欠缴")
    partial = MemberFactory(branch=branch, name="少交")
    for month in (1, 2, 3, 4, 5):
        dues_month_record(
            member=payer, month=date(2025, month, 1), base_pay="3000", paid_in_full=True, paid_on=date(2025, month, 10)
        )
    dues_month_record(
        member=late, month=date(2025, 1, 1), base_pay="3000", paid_in_full=True, paid_on=date(2025, 1, 10)
    )
    dues_month_record(
        member=partial, month=date(2025, 1, 1), base_pay="3000", amount_paid="10", paid_on=date(2025, 1, 10)
    )

    status = dues_status([branch.pk], on=date(2025, 6, 15))  # January to May are due

    assert status[payer.pk].owed_months == 0 and status[payer.pk].last_settled == date(2025, 5, 1)
    assert status[late.pk].owed_months == 4 and status[late.pk].last_paid == date(2025, 1, 1)
    assert status[partial.pk].owed_months == 5 and status[partial.pk].owed_amount == D("5.00")
    assert status[partial.pk].last_paid == date(2025, 1, 1) and status[partial.pk].last_settled is None


def test_a_branch_without_any_ledger_owes_nothing_until_a_start_is_configured(settings):
    member = MemberFactory()
    assert dues_status([member.branch_id], on=date(2025, 6, 1))[member.pk].owed_months == 0
    settings.MEMBERS_DUES_LEDGER_START = "2025-01-01"
    assert dues_status([member.branch_id], on=date(2025, 6, 1))[member.pk].owed_months == 5


def test_the_month_sheet_suggests_last_months_base_and_the_year_grid_marks_owed_months():
    branch = BranchFactory()
    member = MemberFactory(branch=branch)
    MemberFactory(branch=branch, status=Member.Status.APPLICANT, join_date=None, full_member_date=None)
    dues_month_record(
        member=member, month=date(2025, 1, 1), base_pay="4200", paid_in_full=True, paid_on=date(2025, 1, 5)
    )
    sheet = month_sheet(branch, date(2025, 2, 1))
    assert [(r.member, r.last_base, r.record) for r in sheet] == [(member, D("4200.00"), None)]

    months, grid = year_grid(branch, 2025, on=date(2025, 4, 2))
    assert len(months) == 12
    owed = [month for month, _record, is_owed in grid[0].cells if is_owed]
    assert owed == [date(2025, 2, 1), date(2025, 3, 1)]


def test_the_years_facts_count_owed_and_settled_member_months():
    from members.selectors import dues_year

    branch = BranchFactory()
    a = MemberFactory(branch=branch, name="甲")
    b = MemberFactory(
        branch=branch, name="乙", join_date=date(2025, 3, 5), full_member_date=None, status=Member.Status.PROBATIONARY
    )
    for month in (1, 2, 3, 4):
        dues_month_record(
            member=a, month=date(2025, month, 1), base_pay="3000", paid_in_full=True, paid_on=date(2025, month, 5)
        )
    dues_month_record(member=b, month=date(2025, 3, 1), base_pay="3000", paid_in_full=True, paid_on=date(2025, 3, 9))
    facts = {f.name: f for f in dues_year([branch.pk], 2025, on=date(2025, 7, 10))[branch.pk]}
    assert (facts["甲"].due_months, facts["甲"].settled_months, facts["甲"].complete) == (6, 4, False)
    assert (facts["乙"].due_months, facts["乙"].unpaid_months) == (4, 3)
    done = {f.name: f for f in dues_year([branch.pk], 2024, on=date(2025, 7, 10))[branch.pk]}
    assert done["甲"].due_months == 0  # the ledger starts in 2025
