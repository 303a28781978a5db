"""Roster pages: list filters, the member record, forms through the services,
and the audited reveal of 身份证号."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import IdNumberAccess, Member, MemberStatusChange
from tests.branches.factories import PartyGroupFactory, RoleTenureFactory
from tests.members.factories import MemberFactory, ProbationaryMemberFactory, make_id_number

from .conftest import Role
from .test_scoping_pages import member_post_data

pytestmark = pytest.mark.django_db

ID_NUMBER = make_id_number(date(1985, 6, 15), 123)


@pytest.fixture
def branch(two_committees):
    return two_committees["branch_a"]


@pytest.fixture
def secretary_client(login, secretary_of, branch):
    return login(secretary_of(branch))


def test_member_list_search_and_filters(secretary_client, branch):
    group = PartyGroupFactory(branch=branch, name="一组")
    MemberFactory(branch=branch, name="张三", phone="13800000001", party_group=group)
    MemberFactory(branch=branch, name="李四", phone="13900000002", is_mobile=True)
    ProbationaryMemberFactory(branch=branch, name="王五", category=Member.Category.STUDENT)
    MemberFactory(branch=branch, name="赵六", status=Member.Status.TRANSFERRED_OUT)

    def names(**params):
        response = secretary_client.get(reverse("member_list"), params)
        return sorted(m.name for m in response.context["page"].object_list)

    assert names() == ["张三", "李四", "王五"]  # on the roll: 转出 left out by default
    assert names(status="all") == ["张三", "李四", "王五", "赵六"]
    assert names(q="李") == ["李四"]
    assert names(q="0001") == ["张三"]
    assert names(status=Member.Status.PROBATIONARY) == ["王五"]
    assert names(category=Member.Category.STUDENT) == ["王五"]
    assert names(is_mobile="1") == ["李四"]
    assert names(branch=branch.pk, party_group=group.pk) == ["张三"]
    assert names(party_group=group.pk) == ["张三"]  # a secretary's only branch needs no choosing


def test_member_list_masks_id_numbers_and_paginates_by_50(secretary_client, branch):
    MemberFactory(branch=branch, name="甲", id_number=ID_NUMBER)
    for _ in range(50):
        MemberFactory(branch=branch)

    first = secretary_client.get(reverse("member_list"))
    assert len(first.context["page"].object_list) == 50
    assert len(secretary_client.get(reverse("member_list"), {"page": 2}).context["page"].object_list) == 1

    html = secretary_client.get(reverse("member_list"), {"q": "甲"}).content.decode()
    assert ID_NUMBER not in html
    assert "110***********" + ID_NUMBER[-4:] in html


def test_member_list_rejects_a_branch_filter_outside_scope(secretary_client, two_committees):
    MemberFactory(branch=two_committees["branch_b"], name="外支部")

    response = secretary_client.get(reverse("member_list"), {"branch": two_committees["branch_b"].pk})

    assert "外支部" not in [m.name for m in response.context["page"].object_list]
    assert response.context["form"].errors["branch"]


def test_member_detail_shows_record_roles_and_history(secretary_client, branch):
    tenure = RoleTenureFactory(term__org_unit=branch, member__name="钱某", member__full_member_date=date(2011, 7, 1))
    member = tenure.member
    secretary_client.post(
        reverse("member_update", args=[member.pk]),
        {**member_post_data(branch, name="钱某"), "phone": "13712345678", "version": member.version},
    )

    response = secretary_client.get(reverse("member_detail", args=[member.pk]))
    html = response.content.decode()

    member.refresh_from_db()
    assert response.context["party_years"] == member.party_years()
    assert f"第{tenure.term.number}届" in html and "<td>书记</td>" in html
    assert "联系电话：— → 13712345678" in html  # change history from simple_history


def test_member_create_with_valid_id_number(secretary_client, branch):
    response = secretary_client.post(
        reverse("member_create"), member_post_data(branch, birth_date="1985-06-15", id_number=ID_NUMBER)
    )

    member = Member.objects.get(name="新党员")
    assert response.status_code == 302 and response.url == reverse("member_detail", args=[member.pk])
    assert member.id_number == ID_NUMBER and member.id_number_masked == "110***********" + ID_NUMBER[-4:]
    assert MemberStatusChange.objects.filter(member=member, to_status=Member.Status.FULL).exists()


def test_member_create_with_bad_checksum_saves_nothing(secretary_client, branch):
    bad = ID_NUMBER[:17] + ("0" if ID_NUMBER[17] != "0" else "1")

    response = secretary_client.post(
        reverse("member_create"), member_post_data(branch, birth_date="1985-06-15", id_number=bad)
    )

    assert response.status_code == 200
    assert "身份证号校验位不正确，请核对。" in response.content.decode()
    assert not Member.objects.filter(name="新党员").exists()


def test_member_create_with_future_birth_date_saves_nothing(secretary_client, branch):
    future = (timezone.localdate() + timedelta(days=10)).isoformat()

    response = secretary_client.post(reverse("member_create"), member_post_data(branch, birth_date=future))

    assert "出生日期不能晚于今天。" in response.content.decode()
    assert not Member.objects.exists()


def test_member_edit_keeps_id_number_when_left_blank_and_validates_new_one(secretary_client, branch):
    member = MemberFactory(branch=branch, birth_date=date(1985, 6, 15), id_number=ID_NUMBER)
    url = reverse("member_update", args=[member.pk])
    assert ID_NUMBER not in secretary_client.get(url).content.decode()

    other_birth = make_id_number(date(1990, 1, 1), 5)
    response = secretary_client.post(
        url, member_post_data(branch, name="改名", birth_date="1985-06-15", id_number=other_birth, version=1)
    )
    assert "身份证号中的出生日期与填写的出生日期不一致。" in response.content.decode()
    member.refresh_from_db()
    assert member.name != "改名"

    secretary_client.post(
        url, member_post_data(branch, name="改名", birth_date="1985-06-15", id_number="", version=member.version)
    )
    member.refresh_from_db()
    assert member.name == "改名" and member.id_number == ID_NUMBER


def test_status_change_records_history(secretary_client, branch):
    member = ProbationaryMemberFactory(branch=branch, join_date=date(2025, 1, 10))
    url = reverse("member_change_status", args=[member.pk])

    response = secretary_client.post(url, {"to_status": Member.Status.PROBATIONARY, "date": "2026-01-10"})
    assert "新状态与当前状态相同。" in response.content.decode()

    response = secretary_client.post(url, {"to_status": Member.Status.FULL, "date": "2026-01-10", "reason": "按期转正"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.status, member.full_member_date) == (Member.Status.FULL, date(2026, 1, 10))
    change = MemberStatusChange.objects.get(member=member)
    assert (change.from_status, change.reason) == (Member.Status.PROBATIONARY, "按期转正")


def test_id_reveal_by_secretary_is_audited_and_shown_once(secretary_client, branch):
    member = MemberFactory(branch=branch, id_number=ID_NUMBER)
    detail_url = reverse("member_detail", args=[member.pk])
    assert "查看完整身份证号" in secretary_client.get(detail_url).content.decode()

    assert secretary_client.get(reverse("member_reveal_id", args=[member.pk])).status_code == 405
    response = secretary_client.post(reverse("member_reveal_id", args=[member.pk]))

    assert response.status_code == 200
    assert ID_NUMBER in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    access = IdNumberAccess.objects.get()
    assert (access.member, access.channel, access.ip_address) == (member, "web", "127.0.0.1")
    assert ID_NUMBER not in secretary_client.get(detail_url).content.decode()


def test_id_reveal_refused_for_branch_committee_member(login, user_with_role, branch):
    member = MemberFactory(branch=branch, id_number=ID_NUMBER)
    client = login(user_with_role(Role.BRANCH_COMMITTEE, branch))

    assert "查看完整身份证号" not in client.get(reverse("member_detail", args=[member.pk])).content.decode()
    response = client.post(reverse("member_reveal_id", args=[member.pk]))

    assert response.status_code == 403
    assert ID_NUMBER not in response.content.decode()
    assert not IdNumberAccess.objects.exists()


def test_branch_committee_member_may_edit_the_roster(login, user_with_role, branch):
    member = MemberFactory(branch=branch)
    client = login(user_with_role(Role.BRANCH_COMMITTEE, branch))

    response = client.post(
        reverse("member_update", args=[member.pk]), member_post_data(branch, name="委员改名", version=member.version)
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.name == "委员改名"
