"""Every endpoint answers from branches.scoping: out of scope is 404 and never
listed; visible but not editable is 403; 党员 see only themself."""

import pytest

from branches.models import OrgUnit, RoleAssignment
from members.models import Member
from tests.branches.factories import BranchFactory, CommitteeFactory, PartyGroupFactory, UserFactory
from tests.members.factories import MemberFactory

from .helpers import member_payload

Role = RoleAssignment.Role


def ids(client, url):
    response = client.get(url + ("&" if "?" in url else "?") + "page_size=500")
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def people(tree):
    return {"a": MemberFactory(branch=tree.a, name="甲一"), "b": MemberFactory(branch=tree.b, name="乙一")}


def test_secretary_of_a_never_sees_b(tree, people, secretary_of, client_as):
    client = client_as(secretary_of(tree.a))

    assert ids(client, "/api/v1/members/") == {people["a"].pk}
    assert ids(client, "/api/v1/branches/") == {tree.a.pk}
    assert ids(client, "/api/v1/org-units/") == {tree.a.pk}
    assert ids(client, f"/api/v1/members/?branch={tree.b.pk}") == set()
    assert ids(client, f"/api/v1/members/?search={people['b'].name}") == set()


@pytest.mark.parametrize(
    ("method", "url", "payload"),
    [
        ("get", "/api/v1/branches/{b}/", None),
        ("get", "/api/v1/org-units/{b}/", None),
        ("patch", "/api/v1/org-units/{b}/", {"name": "改名"}),
        ("get", "/api/v1/members/{mb}/", None),
        ("patch", "/api/v1/members/{mb}/", {"name": "改名"}),
        ("post", "/api/v1/members/{mb}/change-status/", {"to_status": "suspended", "date": "2025-01-01"}),
    ],
)
def test_secretary_of_a_gets_404_for_b(tree, people, secretary_of, client_as, method, url, payload):
    client = client_as(secretary_of(tree.a))

    response = getattr(client, method)(url.format(b=tree.b.pk, mb=people["b"].pk), payload, format="json")

    assert response.status_code == 404
    assert response.json() == {"detail": "未找到该记录，或您无权访问。", "errors": {}}
    tree.b.refresh_from_db()
    people["b"].refresh_from_db()
    assert (tree.b.name, people["b"].name, people["b"].status) == ("乙支部", "乙一", "full")


def test_committee_admin_sees_only_its_subtree(tree, people, user_with_role, client_as):
    other = CommitteeFactory(name="另一党委")
    outside = BranchFactory(parent=other)
    outsider = MemberFactory(branch=outside)
    client = client_as(user_with_role(Role.COMMITTEE_ADMIN, tree.committee))

    assert ids(client, "/api/v1/org-units/") == {tree.committee.pk, tree.a.pk, tree.b.pk}
    assert ids(client, "/api/v1/branches/") == {tree.a.pk, tree.b.pk}
    assert ids(client, "/api/v1/members/") == {people["a"].pk, people["b"].pk}
    assert ids(client, f"/api/v1/members/?within={tree.committee.pk}") == {people["a"].pk, people["b"].pk}
    assert client.get(f"/api/v1/members/{outsider.pk}/").status_code == 404
    assert client.get(f"/api/v1/org-units/{other.pk}/").status_code == 404
    assert client.post("/api/v1/members/", member_payload(outside), format="json").status_code == 400


def test_party_member_without_grants_sees_only_themself_read_only(tree, people, client_as):
    user = UserFactory()
    me = people["a"]
    me.user = user
    me.save()
    client = client_as(user)

    assert ids(client, "/api/v1/members/") == {me.pk}
    assert ids(client, "/api/v1/org-units/") == set()
    assert ids(client, "/api/v1/branches/") == set()
    assert client.get(f"/api/v1/members/{people['b'].pk}/").status_code == 404
    assert client.patch(f"/api/v1/members/{me.pk}/", {"phone": "1"}, format="json").status_code == 403
    assert client.post("/api/v1/members/", member_payload(tree.a), format="json").status_code == 403
    me.refresh_from_db()
    assert me.phone == ""


def test_inspector_reads_its_subtree_but_every_write_is_refused(tree, people, user_with_role, client_as):
    client = client_as(user_with_role(Role.INSPECTOR, tree.committee))
    group = PartyGroupFactory(branch=tree.a)
    counts = (Member.objects.count(), OrgUnit.objects.count())

    assert ids(client, "/api/v1/members/") == {people["a"].pk, people["b"].pk}
    assert client.get(f"/api/v1/branches/{tree.a.pk}/").status_code == 200
    writes = [
        client.post("/api/v1/members/", member_payload(tree.a), format="json"),
        client.patch(f"/api/v1/members/{people['a'].pk}/", {"phone": "1"}, format="json"),
        client.post(
            f"/api/v1/members/{people['a'].pk}/change-status/", {"to_status": "suspended", "date": "2025-01-01"}
        ),
        client.post("/api/v1/org-units/", {"name": "x", "kind": "branch", "parent": tree.committee.pk}),
        client.patch(f"/api/v1/org-units/{tree.a.pk}/", {"name": "x"}, format="json"),
        client.post("/api/v1/party-groups/", {"branch": tree.a.pk, "name": "x"}),
        client.patch(f"/api/v1/party-groups/{group.pk}/", {"name": "x"}, format="json"),
        client.delete(f"/api/v1/party-groups/{group.pk}/"),
    ]

    assert [r.status_code for r in writes] == [403] * len(writes)
    assert writes[0].json() == {"detail": "您没有执行该操作的权限。", "errors": {}}
    assert client.delete(f"/api/v1/org-units/{tree.a.pk}/").status_code == 405
    assert (Member.objects.count(), OrgUnit.objects.count()) == counts
    group.refresh_from_db()
    assert group.name != "x"


def test_anonymous_requests_are_refused_in_chinese(tree):
    from rest_framework.test import APIClient

    response = APIClient().get("/api/v1/members/")

    assert response.status_code in (401, 403)
    assert response.json()["detail"] == "身份认证信息未提供。"
