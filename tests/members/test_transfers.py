"""组织关系转接 (SPEC §3): introduction letters out and in, serial numbers,
validity (default 30 days, 10 in the same city, at most 90), receipts, and
overdue letters."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from members import rules
from members.models import Member, Transfer
from members.selectors import overdue_by_branch, receipt_late_by_branch
from members.selectors.transfers import state_q
from members.services import (
    dues_month_record,
    transfer_cancel,
    transfer_in_register,
    transfer_out_issue,
    transfer_receive,
)
from tests.branches.factories import BranchFactory, PartyGroupFactory
from tests.members.factories import MemberFactory, make_id_number

pytestmark = pytest.mark.django_db
S = Member.Status


def test_a_letter_carries_the_members_details_and_the_member_shows_as_transferred_out():
    member = MemberFactory(
        name="王芳", gender=Member.Gender.FEMALE, ethnicity="回族", id_number=make_id_number(date(1985, 6, 15), 2)
    )
    dues_month_record(
        member=member, month=date(2025, 4, 1), base_pay="3000", paid_in_full=True, paid_on=date(2025, 4, 2)
    )
    letter = transfer_out_issue(
        member=member, to_org="中共某县委组织部", issued_on=date(2025, 5, 6), dues_paid_until=date(2025, 4, 1)
    )
    assert letter.serial_no == "2025001"
    assert (letter.name, letter.gender, letter.ethnicity, letter.party_status) == ("王芳", "F", "回族", S.FULL)
    assert letter.age == 39 and letter.id_number_masked == member.id_number_masked
    assert (letter.from_org, letter.to_org) == (member.branch.name, "中共某县委组织部")
    assert letter.validity_days == 30 and letter.expires_on == date(2025, 6, 5)
    member.refresh_from_db()
    assert member.status == S.TRANSFERRED_OUT
    assert member.status_changes.get().reason.startswith("开具组织关系介绍信（2025001号）")


def test_serial_numbers_count_per_branch_and_year():
    branch = BranchFactory()
    numbers = [
        transfer_out_issue(member=MemberFactory(branch=branch), to_org="外单位", issued_on=date(2025, 1, 2)).serial_no
        for _ in range(3)
    ]
    numbers.append(
        transfer_out_issue(member=MemberFactory(branch=branch), to_org="外单位", issued_on=date(2026, 1, 2)).serial_no
    )
    other = transfer_out_issue(member=MemberFactory(), to_org="外单位", issued_on=date(2025, 1, 2)).serial_no
    assert numbers == ["2025001", "2025002", "2025003", "2026001"]
    assert other == "2025001"


@pytest.mark.parametrize(
    ("kwargs", "days"),
    [({}, 30), ({"same_city": True}, 10), ({"validity_days": 90}, 90), ({"validity_days": 45}, 45)],
)
def test_validity_defaults_to_30_days_10_in_the_same_city_at_most_90(kwargs, days):
    letter = transfer_out_issue(member=MemberFactory(), to_org="外单位", issued_on=date(2025, 3, 1), **kwargs)
    assert letter.validity_days == days
    assert letter.expires_on == date(2025, 3, 1) + timedelta(days=days)


def test_validity_over_90_days_is_refused():
    member = MemberFactory()
    with pytest.raises(ValidationError, match="1至90天") as exc:
        transfer_out_issue(member=member, to_org="外单位", validity_days=91)
    assert "validity_days" in exc.value.message_dict
    member.refresh_from_db()
    assert member.status == S.FULL and not Transfer.objects.exists()


def test_only_party_members_without_an_open_letter_get_one():
    with pytest.raises(ValidationError, match="只有正式党员和预备党员"):
        transfer_out_issue(
            member=MemberFactory(status=S.ACTIVIST, join_date=None, full_member_date=None), to_org="外单位"
        )
    member = MemberFactory()
    transfer_out_issue(member=member, to_org="外单位")
    member.status = S.FULL  # even if someone put the status back by hand
    member.save()
    with pytest.raises(ValidationError, match="未办结的介绍信"):
        transfer_out_issue(member=member, to_org="外单位")


@pytest.mark.parametrize(
    ("on", "state"),
    [(date(2025, 3, 31), rules.ISSUED), (date(2025, 4, 1), rules.OVERDUE)],
)
def test_a_letter_past_its_validity_without_receipt_is_overdue(on, state):
    letter = transfer_out_issue(member=MemberFactory(), to_org="外单位", issued_on=date(2025, 3, 1))
    assert letter.expires_on == date(2025, 3, 31)
    assert letter.state_on(on) == state
    assert Transfer.objects.filter(state_q(state, on)).get() == letter
    assert bool(overdue_by_branch([letter.from_branch_id], on=on)) is (state == rules.OVERDUE)


def test_a_receipt_closes_the_letter_even_after_validity():
    letter = transfer_out_issue(member=MemberFactory(), to_org="外单位", issued_on=date(2025, 3, 1))
    transfer_receive(letter, received_on=date(2025, 3, 20), receipt_note="回执已退回")
    letter.refresh_from_db()
    assert letter.state_on(date(2025, 12, 1)) == rules.RECEIVED
    assert not overdue_by_branch([letter.from_branch_id], on=date(2025, 12, 1))
    with pytest.raises(ValidationError, match="已办结"):
        transfer_receive(letter, received_on=date(2025, 3, 21))


@pytest.mark.parametrize(("received", "late"), [(date(2025, 4, 1), False), (date(2025, 4, 2), True)])
def test_the_receipt_should_come_back_within_a_month(received, late):
    letter = transfer_out_issue(member=MemberFactory(), to_org="外单位", issued_on=date(2025, 3, 1), validity_days=60)
    transfer_receive(letter, received_on=received)
    assert bool(receipt_late_by_branch([letter.from_branch_id], on=date(2025, 6, 1))) is late


def test_a_member_moving_between_branches_here_arrives_with_their_status():
    source, target = BranchFactory(), BranchFactory()
    group = PartyGroupFactory(branch=target)
    member = MemberFactory(branch=source, status=S.PROBATIONARY, full_member_date=None, join_date=date(2025, 1, 5))
    letter = transfer_out_issue(member=member, to_branch=target, issued_on=date(2025, 3, 1))
    assert letter.to_org == target.name
    transfer_receive(letter, received_on=date(2025, 3, 5), party_group=group)
    member.refresh_from_db()
    assert (member.branch, member.party_group, member.status) == (target, group, S.PROBATIONARY)
    assert list(member.status_changes.values_list("to_status", flat=True)) == [S.TRANSFERRED_OUT, S.PROBATIONARY]


def test_a_letter_to_the_members_own_branch_is_refused():
    member = MemberFactory()
    with pytest.raises(ValidationError, match="不能是本支部"):
        transfer_out_issue(member=member, to_branch=member.branch)


def test_withdrawing_a_letter_puts_the_member_back_on_the_roll():
    member = MemberFactory()
    letter = transfer_out_issue(member=member, to_org="外单位", issued_on=date(2025, 3, 1))
    transfer_cancel(letter, cancelled_on=date(2025, 3, 2), reason="工作调动取消")
    member.refresh_from_db()
    letter.refresh_from_db()
    assert member.status == S.FULL and letter.state_on(date(2025, 9, 1)) == rules.CANCELLED
    assert "工作调动取消" in letter.note


def test_a_letter_from_outside_registers_the_member_with_their_dues_paid_until():
    branch = BranchFactory()
    number = make_id_number(date(1990, 2, 3), 5)
    letter = transfer_in_register(
        branch=branch,
        serial_no="第0123号",
        from_org="中共某市委组织部",
        issued_on=date(2025, 2, 20),
        received_on=date(2025, 3, 1),
        dues_paid_until=date(2025, 2, 1),
        party_status=S.FULL,
        id_number=number,
        name="李强",
        gender="M",
        birth_date=date(1990, 2, 3),
        join_date=date(2015, 6, 1),
        full_member_date=date(2016, 6, 1),
    )
    member = letter.member
    assert (member.branch, member.status, member.name) == (branch, S.FULL, "李强")
    assert letter.direction == Transfer.Direction.IN and letter.state_on(date(2025, 9, 1)) == rules.RECEIVED
    assert letter.age == 35 and letter.dues_paid_until == date(2025, 2, 1)


def test_a_letter_from_outside_for_someone_already_on_a_roll_is_refused():
    number = make_id_number(date(1990, 2, 3), 6)
    existing = MemberFactory(id_number=number)
    with pytest.raises(ValidationError, match="该身份证号已在系统中登记") as refused:
        transfer_in_register(
            branch=BranchFactory(),
            serial_no="1",
            from_org="外单位",
            issued_on=date(2025, 1, 1),
            id_number=number,
            name="某",
            gender="M",
            birth_date=date(1990, 2, 3),
            join_date=date(2015, 6, 1),
            full_member_date=date(2016, 6, 1),
        )
    assert Transfer.objects.count() == 0 and Member.objects.get() == existing
    message = str(refused.value)  # names nobody: not who holds the number, where, or in what status
    assert existing.name not in message and existing.branch.name not in message
    assert str(existing.get_status_display()) not in message


def test_someone_who_left_with_a_letter_can_come_back():
    number = make_id_number(date(1990, 2, 3), 7)
    member = MemberFactory(id_number=number, birth_date=date(1990, 2, 3))
    transfer_out_issue(member=member, to_org="外省", issued_on=date(2024, 1, 5))
    home = BranchFactory()
    letter = transfer_in_register(
        branch=home,
        serial_no="88",
        from_org="外省",
        issued_on=date(2025, 1, 1),
        received_on=date(2025, 1, 3),
        id_number=number,
        name=member.name,
        gender="M",
        birth_date=date(1990, 2, 3),
    )
    member.refresh_from_db()
    assert letter.member == member and member.branch == home and member.status == S.FULL
    assert Member.objects.count() == 1


def test_dates_in_the_future_are_refused():
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError, match="晚于今天"):
        transfer_out_issue(member=MemberFactory(), to_org="外单位", issued_on=tomorrow)
