"""/api/v1/party-groups/: 党小组 of the branches the user may edit."""

import pytest

from branches.models import PartyGroup, RoleAssignment
from members.models import Member
from tests.api.helpers import if_match
from tests.branches.factories import PartyGroupFactory
from tests.meetings.factories import MeetingFactory
from tests.members.factories import MemberFactory, ProbationaryMemberFactory

from .helpers import errors_of

URL = "/api/v1/party-groups/"


@pytest.fixture
def secretary(tree, secretary_of, client_as):
    return client_as(secretary_of(tree.a))


def test_secretary_creates_a_group_with_a_leader(tree, secretary):
    leader = MemberFactory(branch=tree.a, name="组长甲")

    response = secretary.post(URL, {"branch": tree.a.pk, "name": "第一党小组", "leader": leader.pk}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["branch_name"], body["leader_name"], body["member_count"]) == ("甲支部", "组长甲", 0)
    assert PartyGroup.objects.get(pk=body["id"]).leader == leader


def test_member_count_counts_party_members_of_the_group(tree, secretary):
    group = PartyGroupFactory(branch=tree.a)
    MemberFactory(branch=tree.a, party_group=group)
    ProbationaryMemberFactory(branch=tree.a, party_group=group)
    MemberFactory(branch=tree.a, party_group=group, status=Member.Status.TRANSFERRED_OUT)

    assert secretary.get(f"{URL}{group.pk}/").json()["member_count"] == 2


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"name": ""}, "name", "该字段不能为空。"),
        ({"name": "重名小组"}, "name", "本支部已有同名党小组。"),
        ({"name": "新小组", "branch": "other"}, "branch", "党支部不存在，或不在您的管理范围内。"),
        ({"name": "新小组", "leader": "other"}, "leader", "组长不存在，或不在您的管理范围内。"),
    ],
    ids=["blank-name", "duplicate-name", "branch-out-of-scope", "leader-out-of-scope"],
)
def test_bad_group_input_is_refused_and_nothing_saved(tree, secretary, payload, field, message):
    PartyGroupFactory(branch=tree.a, name="重名小组")
    other_member = MemberFactory(branch=tree.b)
    data = {"branch": tree.a.pk, **payload}
    if data["branch"] == "other":
        data["branch"] = tree.b.pk
    if data.get("leader") == "other":
        data["leader"] = other_member.pk
    before = PartyGroup.objects.count()

    response = secretary.post(URL, data, format="json")

    assert response.status_code == 400
    assert errors_of(response)[field] == [message]
    assert PartyGroup.objects.count() == before


def test_leader_from_another_branch_is_refused_by_the_service(tree, user_with_role, client_as):
    admin = client_as(user_with_role(RoleAssignment.Role.COMMITTEE_ADMIN, tree.committee))
    group = PartyGroupFactory(branch=tree.a)

    response = admin.patch(f"{URL}{group.pk}/", {"leader": MemberFactory(branch=tree.b).pk}, format="json", **if_match(group))

    assert response.status_code == 400
    assert errors_of(response)["leader"] == ["组长必须是本支部党员。"]
    group.refresh_from_db()
    assert group.leader is None


def test_rename_and_clear_the_leader(tree, secretary):
    group = PartyGroupFactory(branch=tree.a, name="旧名", leader=MemberFactory(branch=tree.a))

    response = secretary.patch(f"{URL}{group.pk}/", {"name": "新名", "leader": None}, format="json", **if_match(group))

    assert response.status_code == 200, response.content
    group.refresh_from_db()
    assert (group.name, group.leader) == ("新名", None)


def test_a_group_cannot_move_to_another_branch(tree, user_with_role, client_as):
    admin = client_as(user_with_role(RoleAssignment.Role.COMMITTEE_ADMIN, tree.committee))
    group = PartyGroupFactory(branch=tree.a)

    response = admin.patch(f"{URL}{group.pk}/", {"branch": tree.b.pk}, format="json", **if_match(group))

    assert errors_of(response)["branch"] == ["党小组不能调整到其他党支部；请在新支部新建党小组。"]


def test_deleting_a_group_keeps_its_members_in_the_branch(tree, secretary):
    group = PartyGroupFactory(branch=tree.a)
    member = MemberFactory(branch=tree.a, party_group=group)

    response = secretary.delete(f"{URL}{group.pk}/")

    assert response.status_code == 204
    member.refresh_from_db()
    assert (member.branch, member.party_group) == (tree.a, None)


def test_a_group_with_meetings_on_record_cannot_be_deleted(tree, secretary):
    group = PartyGroupFactory(branch=tree.a)
    MeetingFactory(branch=tree.a, kind="group", party_group=group)

    response = secretary.delete(f"{URL}{group.pk}/")

    assert response.status_code == 400
    assert errors_of(response)["non_field_errors"] == ["该党小组已有会议等记录，不能撤销；可改名或调整组员。"]
    assert PartyGroup.objects.filter(pk=group.pk).exists()


def test_groups_of_other_branches_are_invisible(tree, secretary):
    mine, theirs = PartyGroupFactory(branch=tree.a), PartyGroupFactory(branch=tree.b)

    listed = [row["id"] for row in secretary.get(URL).json()["results"]]

    assert listed == [mine.pk]
    assert secretary.get(f"{URL}{theirs.pk}/").status_code == 404
    assert secretary.patch(f"{URL}{theirs.pk}/", {"name": "x"}, format="json").status_code == 404
    assert secretary.delete(f"{URL}{theirs.pk}/").status_code == 404
    assert PartyGroup.objects.filter(pk=theirs.pk).exists()
