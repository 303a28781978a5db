"""The org tree's token (branches/rule_token.py) is read once per request, and
what is cached under it — a user's scope, the meeting requirement table — follows
every write at once: a revoked grant or a changed requirement applies to the next
request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from branches.models import RoleAssignment
from branches.rule_token import rule_facts_token
from branches.scoping import scope_of
from meetings.models import MeetingRequirement
from tests.meetings.factories import branch_with_members, committee_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/meetings/"


@pytest.fixture
def secretary(user_with_role):
    branch, members = branch_with_members(full=4)
    committee_for(branch, members[:3])
    user = user_with_role(RoleAssignment.Role.BRANCH_SECRETARY, branch)
    return branch, user, {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=user).key}"}


def log(client, branch, headers, month: int):
    body = {
        "branch": branch.pk,
        "kinds": ["branch_assembly"],
        "held_at": f"2025-{month:02d}-08T14:30:00+08:00",
        "topic": "学习",
    }
    return client.post(URL, body, content_type="application/json", **headers)


def token_reads(queries) -> int:
    return sum("branches_rulefactsversion" in q["sql"] for q in queries)


def test_the_token_is_read_once_per_request_and_not_outside_one(client, secretary):
    branch, user, headers = secretary
    with CaptureQueriesContext(connection) as ctx:
        assert log(client, branch, headers, 4).status_code == 201
    assert token_reads(ctx.captured_queries) == 1
    with CaptureQueriesContext(connection) as ctx:  # a command or a task: no request, nothing cached
        user.__dict__.pop("_dzb_scope", None)
        assert scope_of(user).grants
    assert token_reads(ctx.captured_queries) == 0 and len(ctx.captured_queries) == 1


def test_a_revoked_grant_is_refused_at_the_next_request(client, secretary):
    branch, user, headers = secretary
    assert log(client, branch, headers, 4).status_code == 201
    assert log(client, branch, headers, 5).status_code == 201  # the scope from the cache
    token = rule_facts_token()
    for grant in RoleAssignment.objects.filter(user=user):
        grant.is_active = False
        grant.save()
    assert rule_facts_token() != token
    assert log(client, branch, headers, 6).status_code == 404


def test_a_changed_requirement_applies_to_the_next_save(client, secretary):
    branch, _user, headers = secretary
    first = log(client, branch, headers, 4).json()
    assert first["quorum_rule"] == "full_members" and first["quorum_met"] is True
    requirement = MeetingRequirement.objects.get(code="branch_assembly", org_unit=None, sector="")
    requirement.quorum = "none"
    requirement.save()
    second = log(client, branch, headers, 5).json()
    assert second["quorum_rule"] == "none" and second["quorum_met"] is None
