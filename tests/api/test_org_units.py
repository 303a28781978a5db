"""/api/v1/org-units/: the org tree, set up by the committee above."""

import pytest

from branches.models import OrgUnit, RoleAssignment
from tests.api.helpers import if_match
from tests.branches.factories import BranchFactory, CommitteeFactory, UserFactory

from .helpers import errors_of

Role = RoleAssignment.Role
URL = "/api/v1/org-units/"


@pytest.fixture
def admin(tree, user_with_role, client_as):
    return client_as(user_with_role(Role.COMMITTEE_ADMIN, tree.committee))


def test_committee_admin_sets_up_a_branch_under_its_committee(tree, admin):
    response = admin.post(
        URL, {"name": "丙支部", "kind": "branch", "sector": "community", "parent": tree.committee.pk}, format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    unit = OrgUnit.objects.get(pk=body["id"])
    assert body["kind_display"] == "党支部" and body["sector_display"] == "社区"
    assert body["parent"] == tree.committee.pk and body["parent_name"] == "市直机关党委"
    assert body["path"] == f"{tree.committee.path}{unit.pk}/" and body["depth"] == 1


def test_branch_secretary_cannot_set_up_units(tree, secretary_of, client_as):
    client = client_as(secretary_of(tree.a))
    before = OrgUnit.objects.count()

    under_committee = client.post(URL, {"name": "丁", "kind": "branch", "parent": tree.committee.pk}, format="json")
    under_own_branch = client.post(URL, {"name": "丁", "kind": "branch", "parent": tree.a.pk}, format="json")

    assert errors_of(under_committee)["parent"] == ["上级党组织不存在，或不在您的管理范围内。"]
    assert errors_of(under_own_branch)["parent"] == ["您无权在“甲支部”下设立或调入下级组织。"]
    assert OrgUnit.objects.count() == before


def test_only_a_superuser_sets_up_a_top_level_committee(tree, admin, client_as):
    refused = admin.post(URL, {"name": "新党委", "kind": "committee"}, format="json")
    superuser = client_as(UserFactory(is_superuser=True, is_staff=True))
    allowed = superuser.post(URL, {"name": "新党委", "kind": "committee"}, format="json")

    assert errors_of(refused)["parent"] == ["请选择上级党组织；只有系统管理员可以设立顶层党委。"]
    assert allowed.status_code == 201 and allowed.json()["depth"] == 0


def test_service_rule_errors_come_back_under_their_field(tree, admin):
    before = OrgUnit.objects.count()

    response = admin.post(URL, {"name": "小组", "kind": "branch", "parent": tree.a.pk}, format="json")

    assert response.status_code == 400
    assert errors_of(response)["parent"] == ["党支部下不能再设下级党组织（党小组请在党支部页面添加）。"]
    assert OrgUnit.objects.count() == before


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"kind": "branch"}, "name", "该字段是必填项。"),
        ({"name": "戊", "kind": "cell"}, "kind", "“cell” 不是合法选项。"),
        ({"name": "戊", "kind": "branch", "sector": "moon"}, "sector", "“moon” 不是合法选项。"),
    ],
)
def test_bad_org_unit_input_is_refused(tree, admin, payload, field, message):
    before = OrgUnit.objects.count()

    response = admin.post(URL, {"parent": tree.committee.pk, **payload}, format="json")

    assert response.status_code == 400
    assert errors_of(response)[field] == [message]
    assert OrgUnit.objects.count() == before


def test_secretary_renames_own_branch_but_cannot_change_its_kind(tree, secretary_of, client_as):
    client = client_as(secretary_of(tree.a))

    renamed = client.patch(f"{URL}{tree.a.pk}/", {"name": "甲支部（新）", "contact_phone": "010-1"}, format="json", **if_match(tree.a))
    rekinded = client.patch(f"{URL}{tree.a.pk}/", {"kind": "general_branch"}, format="json", **if_match(tree.a))
    deactivated = client.patch(f"{URL}{tree.a.pk}/", {"is_active": False}, format="json", **if_match(tree.a))

    assert renamed.status_code == 200 and renamed.json()["name"] == "甲支部（新）"
    assert errors_of(rekinded)["kind"] == ["组织类型只能由上级党组织调整。"]
    assert errors_of(deactivated)["is_active"] == ["组织的撤销或恢复只能由上级党组织办理。"]
    tree.a.refresh_from_db()
    assert (tree.a.name, tree.a.kind, tree.a.is_active) == ("甲支部（新）", "branch", True)


def test_committee_admin_changes_a_branch_kind(tree, admin):
    response = admin.patch(f"{URL}{tree.a.pk}/", {"kind": "joint_branch"}, format="json", **if_match(tree.a))

    assert response.status_code == 200, response.content
    assert response.json()["kind_display"] == "联合党支部"


def test_admin_moves_a_branch_within_its_subtree_and_the_path_follows(tree, admin):
    general = BranchFactory(name="总支", kind=OrgUnit.Kind.GENERAL_BRANCH, parent=tree.committee)

    response = admin.patch(f"{URL}{tree.a.pk}/", {"parent": general.pk}, format="json", **if_match(tree.a))

    assert response.status_code == 200, response.content
    assert response.json()["path"] == f"{general.path}{tree.a.pk}/"
    assert response.json()["depth"] == 2


def test_org_units_cannot_be_deleted(tree, admin):
    response = admin.delete(f"{URL}{tree.a.pk}/")

    assert response.status_code == 405
    assert OrgUnit.objects.filter(pk=tree.a.pk).exists()


def test_filters_kind_sector_parent_within_and_search(tree, admin):
    general = BranchFactory(name="机关总支", kind=OrgUnit.Kind.GENERAL_BRANCH, parent=tree.committee)
    BranchFactory(name="总支一支部", parent=general, sector="school")

    def names(query):
        response = admin.get(URL + query)
        assert response.status_code == 200, response.content
        return [row["name"] for row in response.json()["results"]]

    assert set(names("?kind=branch")) == {"总支一支部", "甲支部", "乙支部"}
    assert names("?sector=school") == ["总支一支部"]
    assert names(f"?parent={general.pk}") == ["总支一支部"]
    assert names(f"?within={general.pk}") == ["机关总支", "总支一支部"]
    assert names("?search=总支") == ["机关总支", "总支一支部"]
    assert names("?ordering=-depth")[0] == "总支一支部"


def test_within_a_unit_outside_the_scope_returns_nothing(tree, admin):
    other = CommitteeFactory(name="另一党委")
    BranchFactory(parent=other)

    response = admin.get(URL, {"within": other.pk})

    assert response.status_code == 200
    assert response.json()["count"] == 0
