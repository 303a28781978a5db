"""schemathesis against the live OpenAPI schema: every /api/v1/ operation
gets a few generated requests (bounded, deterministic) from a 支部书记 and
from a 党委 administrator, and none may answer 5xx (issue P12 item 7)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token

from branches.models import RoleAssignment
from tests.branches.factories import CommitteeFactory, UserFactory
from tests.meetings.factories import branch_with_members, committee_for

MAX_EXAMPLES = 6  # per operation, the two users taking turns
# downloads and uploads of whole files are exercised by their own tests; here they would only
# generate random bytes the multipart parser rejects before any of our code runs
SKIP = {("POST", "/api/v1/member-imports/"), ("POST", "/api/v1/meetings/{id}/attachments/")}


def live_schema():
    raw = SchemaGenerator().get_schema(request=None, public=True)
    raw["paths"] = {p: item for p, item in raw["paths"].items() if p.startswith("/api/v1/") and "/auth/" not in p}
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = get_wsgi_application()
    return schema


@pytest.fixture
def keep_test_connection():
    """Like Django's test Client: a request through the WSGI handler must not
    close the test's database connection (its transaction holds the data)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_no_operation_answers_5xx(keep_test_connection):
    committee = CommitteeFactory(name="市直机关党委")
    branch, members = branch_with_members(full=4, parent=committee)
    committee_for(branch, members[:3])
    tokens = []
    for role, unit in ((RoleAssignment.Role.BRANCH_SECRETARY, branch), (RoleAssignment.Role.COMMITTEE_ADMIN, committee)):
        user = UserFactory()
        RoleAssignment.objects.create(user=user, role=role, org_unit=unit)
        tokens.append(Token.objects.create(user=user).key)

    schema = live_schema()
    failures, operations, statuses = [], 0, []
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIP:
            continue
        operations += 1

        @settings(
            max_examples=MAX_EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case):
            token = tokens[len(statuses) % len(tokens)]
            response = case.call(headers={"Authorization": f"Token {token}"})
            statuses.append(response.status_code)
            if response.status_code >= 500:
                failures.append((case.method, case.formatted_path, case.query, response.status_code))

        run()
    assert operations > 40
    assert statuses.count(200) > operations  # the requests got through to the views, not only 401/404
    assert not failures, failures[:20]
