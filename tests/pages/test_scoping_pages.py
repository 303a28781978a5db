"""Who sees and changes what, through the pages (SPEC §1): scoping decides,
404 out of scope, 403 where a user may look but not change."""

import pytest
from django.urls import reverse

from branches.models import OrgUnit, RoleAssignment
from members.models import Member
from tests.branches.factories import UserFactory
from tests.members.factories import MemberFactory

from .conftest import Role

pytestmark = pytest.mark.django_db


def member_post_data(branch, **overrides):
    data = {
        "name": "新党员",
        "gender": "M",
        "ethnicity": "汉族",
        "birth_date": "1990-05-01",
        "category": "employed",
        "status": "full",
        "application_date": "2010-03-01",
        "join_date": "2012-07-01",
        "full_member_date": "2013-07-01",
        "branch": str(branch.pk),
        "id_number": "",
    }
    data.update(overrides)
    return data


def test_branch_secretary_gets_404_on_other_branch_pages(login, secretary_of, two_committees):
    branch_a, branch_b = two_committees["branch_a"], two_committees["branch_b"]
    other = MemberFactory(branch=branch_b)
    client = login(secretary_of(branch_a))

    assert client.get(reverse("org_unit", args=[branch_a.pk])).status_code == 200
    assert client.get(reverse("org_unit", args=[branch_b.pk])).status_code == 404
    assert client.get(reverse("member_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("member_update", args=[other.pk])).status_code == 404
    response = client.post(reverse("member_update", args=[other.pk]), member_post_data(branch_b, name="改名"))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.name != "改名"


def test_branch_secretary_cannot_create_a_member_in_another_branch(login, secretary_of, two_committees):
    branch_a, branch_b = two_committees["branch_a"], two_committees["branch_b"]
    client = login(secretary_of(branch_a))

    assert client.get(reverse("member_create") + f"?branch={branch_b.pk}").status_code == 404
    response = client.post(reverse("member_create"), member_post_data(branch_b))

    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not Member.objects.filter(name="新党员").exists()


def test_committee_admin_sees_only_its_subtree(login, user_with_role, two_committees):
    MemberFactory(name="甲支部党员", branch=two_committees["branch_a"])
    MemberFactory(name="乙支部党员", branch=two_committees["branch_b"])
    client = login(user_with_role(Role.COMMITTEE_ADMIN, two_committees["committee_a"]))

    tree = client.get(reverse("org_tree")).content.decode()
    assert "甲一支部" in tree and "甲二支部" in tree
    assert "乙党委" not in tree and "乙一支部" not in tree

    roster = client.get(reverse("member_list")).content.decode()
    assert "甲支部党员" in roster
    assert "乙支部党员" not in roster
    assert client.get(reverse("org_unit", args=[two_committees["committee_b"].pk])).status_code == 404


def test_member_only_user_sees_only_their_own_record(client, two_committees):
    branch = two_committees["branch_a"]
    user = UserFactory()
    me = MemberFactory(name="本人", branch=branch, user=user)
    neighbour = MemberFactory(name="同支部党员", branch=branch)
    client.force_login(user)

    assert client.get(reverse("home")).url == reverse("my_org_life")
    roster = client.get(reverse("member_list")).content.decode()
    assert "本人" in roster and "同支部党员" not in roster
    assert client.get(reverse("member_detail", args=[neighbour.pk])).status_code == 404
    assert client.get(reverse("org_unit", args=[branch.pk])).status_code == 404
    own = client.get(reverse("member_detail", args=[me.pk]))
    assert own.status_code == 200
    assert reverse("member_update", args=[me.pk]) not in own.content.decode()
    assert client.get(reverse("member_update", args=[me.pk])).status_code == 403


def test_inspector_reads_but_never_edits(login, user_with_role, two_committees):
    branch = two_committees["branch_a"]
    member = MemberFactory(branch=branch)
    client = login(user_with_role(Role.INSPECTOR, two_committees["committee_a"]))

    page = client.get(reverse("org_unit", args=[branch.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("org_unit_update", args=[branch.pk]) not in html
    assert reverse("election_record", args=[branch.pk]) not in html
    detail = client.get(reverse("member_detail", args=[member.pk])).content.decode()
    assert reverse("member_update", args=[member.pk]) not in detail
    assert "查看完整身份证号" not in detail

    for url in (
        reverse("org_unit_update", args=[branch.pk]),
        reverse("org_unit_create", args=[two_committees["committee_a"].pk]),
        reverse("committee_term_open", args=[branch.pk]),
        reverse("election_record", args=[branch.pk]),
        reverse("party_group_create", args=[branch.pk]),
        reverse("member_update", args=[member.pk]),
        reverse("member_change_status", args=[member.pk]),
        reverse("member_create") + f"?branch={branch.pk}",
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("org_unit_update", args=[branch.pk]), {"name": "改名", "kind": "branch", "sector": "other"}
    )
    assert response.status_code == 403
    assert OrgUnit.objects.get(pk=branch.pk).name == "甲一支部"


def test_branch_secretary_cannot_set_up_units(login, secretary_of, two_committees):
    branch = two_committees["branch_a"]
    client = login(secretary_of(branch))

    assert client.get(reverse("org_unit_create", args=[two_committees["committee_a"].pk])).status_code == 404
    assert client.get(reverse("org_unit_create", args=[branch.pk])).status_code == 403


def test_home_sends_each_user_to_their_work(client, secretary_of, user_with_role, two_committees):
    client.force_login(secretary_of(two_committees["branch_a"]))
    home = client.get(reverse("home")).content.decode()
    assert "登记会议" in home and reverse("org_unit", args=[two_committees["branch_a"].pk]) in home

    client.force_login(user_with_role(Role.COMMITTEE_ADMIN, two_committees["committee_a"]))
    home = client.get(reverse("home")).content.decode()
    assert "逾期清单" in home and reverse("org_tree") in home

    client.force_login(UserFactory())
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "尚未授权" in response.content.decode()


def test_pages_require_login(client, two_committees):
    for url in (reverse("home"), reverse("org_tree"), reverse("member_list")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_inactive_grant_gives_no_access(login, two_committees):
    user = UserFactory()
    RoleAssignment.objects.create(
        user=user, role=Role.BRANCH_SECRETARY, org_unit=two_committees["branch_a"], is_active=False
    )
    client = login(user)

    assert client.get(reverse("org_unit", args=[two_committees["branch_a"].pk])).status_code == 404


def test_superuser_sees_every_unit(login, two_committees):
    client = login(UserFactory(is_superuser=True, is_staff=True))

    html = client.get(reverse("org_tree")).content.decode()
    assert "甲党委" in html and "乙党委" in html
    assert reverse("admin:index") in html
