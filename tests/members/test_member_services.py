from datetime import date

import pytest
from django.core.exceptions import ValidationError

from members.models import IdNumberAccess, Member, MemberStatusChange
from members.services import member_change_status, member_create, member_reveal_id_number, member_update
from tests.branches.factories import BranchFactory, CommitteeFactory, PartyGroupFactory, UserFactory
from tests.members.factories import MemberFactory, make_id_number

pytestmark = pytest.mark.django_db


def fields(branch, **extra):
    data = dict(name="李明", gender=Member.Gender.MALE, birth_date=date(1985, 6, 15), branch=branch,
                join_date=date(2010, 7, 1), full_member_date=date(2011, 7, 1))
    data.update(extra)
    return data


def test_created_member_stores_the_id_number_encrypted_and_masked():
    branch = BranchFactory()
    number = make_id_number(date(1985, 6, 15), 1)
    member = member_create(id_number=number, **fields(branch))
    row = Member.objects.values("id_number_encrypted", "id_number_masked").get(pk=member.pk)
    assert number not in row["id_number_encrypted"]
    assert row["id_number_masked"] == number[:3] + "*" * 11 + number[-4:]
    assert Member.objects.get(pk=member.pk).id_number == number
    assert MemberStatusChange.objects.get(member=member).to_status == Member.Status.FULL


def test_id_number_whose_birth_date_differs_is_refused_and_nothing_saved():
    branch = BranchFactory()
    with pytest.raises(ValidationError) as exc:
        member_create(id_number=make_id_number(date(1986, 6, 15), 1), **fields(branch))
    assert "出生日期不一致" in str(exc.value.message_dict["id_number"])
    assert not Member.objects.exists()


def test_duplicate_id_number_is_refused():
    branch = BranchFactory()
    number = make_id_number(date(1985, 6, 15), 1)
    member_create(id_number=number, **fields(branch))
    with pytest.raises(ValidationError, match="已登记"):
        member_create(id_number=number, **fields(branch, name="王芳"))
    assert Member.objects.count() == 1


def test_dates_out_of_order_are_refused_in_chinese():
    with pytest.raises(ValidationError) as exc:
        member_create(**fields(BranchFactory(), full_member_date=date(2009, 1, 1)))
    assert "转正日期不能早于入党日期" in exc.value.message_dict["full_member_date"][0]


def test_members_belong_to_branches_not_committees():
    with pytest.raises(ValidationError) as exc:
        member_create(**fields(CommitteeFactory()))
    assert "党支部" in exc.value.message_dict["branch"][0]


def test_party_group_must_be_of_the_members_branch():
    with pytest.raises(ValidationError) as exc:
        member_create(**fields(BranchFactory(), party_group=PartyGroupFactory()))
    assert "party_group" in exc.value.message_dict


def test_status_change_is_recorded_as_history():
    member = MemberFactory(status=Member.Status.PROBATIONARY, full_member_date=None, join_date=date(2025, 1, 1))
    member_change_status(member, to_status=Member.Status.FULL, date=date(2026, 1, 2), reason="按期转正")
    member.refresh_from_db()
    assert member.status == Member.Status.FULL and member.full_member_date == date(2026, 1, 2)
    change = member.status_changes.get()
    assert (change.from_status, change.to_status) == (Member.Status.PROBATIONARY, Member.Status.FULL)


def test_status_change_dated_in_the_future_is_refused():
    member = MemberFactory()
    with pytest.raises(ValidationError, match="不能晚于今天"):
        member_change_status(member, to_status=Member.Status.TRANSFERRED_OUT, date=date(2999, 1, 1))
    member.refresh_from_db()
    assert member.status == Member.Status.FULL


def test_party_age_counts_from_the_full_membership_date():
    member = MemberFactory(join_date=date(2010, 7, 1), full_member_date=date(2011, 7, 1))
    assert member.party_years(date(2026, 6, 30)) == 14
    assert member.party_years(date(2026, 7, 1)) == 15
    assert MemberFactory(status=Member.Status.PROBATIONARY, full_member_date=None).party_years() is None


def test_every_reveal_is_audited():
    user = UserFactory()
    member = MemberFactory(id_number=make_id_number(date(1985, 6, 15), 3), user=user)  # the member themself
    assert member_reveal_id_number(member, actor=user, channel="web") == make_id_number(date(1985, 6, 15), 3)
    assert IdNumberAccess.objects.filter(member=member, user=user, channel="web").count() == 1


def test_member_changes_are_in_the_audit_history():
    member = member_create(**fields(BranchFactory()))
    member_update(member, phone="13800000000")
    history = list(member.history.order_by("history_date"))
    assert [h.history_type for h in history] == ["+", "~"]
    assert history[-1].phone == "13800000000"
    assert not hasattr(history[-1], "id_number_encrypted")


def test_committee_changes_are_in_the_audit_history():
    from branches.services import committee_term_open

    term = committee_term_open(org_unit=BranchFactory(), start_date=date(2024, 1, 1), seats=3)
    term.notes = "补充说明"
    term.save()
    assert term.history.count() == 2
