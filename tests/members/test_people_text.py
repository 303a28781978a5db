"""Pages name people, not accounts: the 修改记录 of a member, the 登记人 of a
meeting, and the 应交 on each card of the dues sheet."""

from datetime import date

import pytest
from django.urls import reverse

from members.people import person_name
from members.services import dues_month_record
from tests.branches.factories import BranchFactory, UserFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_person_name_prefers_the_full_name_then_the_linked_member_then_the_login():
    assert person_name(UserFactory(username="sj9", first_name="董晶思")) == "董晶思"
    linked = UserFactory(username="dy9")
    MemberFactory(name="马悦", user=linked)
    linked.refresh_from_db()
    assert person_name(linked) == "马悦"
    assert person_name(UserFactory(username="bare")) == "bare"


def test_the_change_history_names_the_account_and_never_shows_a_raw_deleted_object(client, secretary_of):
    branch = BranchFactory()
    member = MemberFactory(branch=branch, name="马悦")
    account = UserFactory(username="dy9", first_name="马悦")
    member.user = account
    member.save()
    client.force_login(secretary_of(branch))
    html = client.get(reverse("member_detail", args=[member.pk])).content.decode()
    assert "登录账号：— → 马悦" in html
    account.delete()
    member.refresh_from_db()
    member.name = "马悦悦"
    member.save()
    html = client.get(reverse("member_detail", args=[member.pk])).content.decode()
    assert "（已删除的账号）" in html
    assert "Deleted" not in html and "pk=" not in html


def test_each_dues_card_shows_what_the_member_owes(client, secretary_of):
    branch = BranchFactory()
    a = MemberFactory(branch=branch, name="甲", join_date=date(2020, 1, 1))
    MemberFactory(branch=branch, name="乙", join_date=date(2020, 1, 1))
    dues_month_record(member=a, month=date(2025, 2, 1), base_pay="5000.01", paid_in_full=True, paid_on=date(2025, 2, 3))
    client.force_login(secretary_of(branch))
    html = client.get(reverse("dues_month", args=[branch.pk, 2025, 3])).content.decode()
    assert "应交 75.00 元" in html  # last month's base, 1.5 %
    assert "应交：先填基数" in html  # 乙: no base pay known yet
