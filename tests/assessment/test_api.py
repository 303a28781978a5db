"""GET /api/v1/branches/{id}/score/ and /api/v1/scorecards/: the shape, the
scoping (another branch is a 404), numbers as numbers."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from assessment.services import ensure_default_scorecards
from tests.branches.factories import BranchFactory, CommitteeFactory
from tests.meetings.factories import MeetingFactory, branch_with_members, committee_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch():
    ensure_default_scorecards()
    committee = CommitteeFactory()
    branch, members = branch_with_members(full=5, parent=committee)
    committee_for(branch, members[:1], start=date(2023, 1, 1))
    MeetingFactory(branch=branch, day=date(2025, 2, 10), kind="branch_assembly")
    return branch


def client_for(user):
    client = APIClient()
    client.force_login(user)
    return client


def test_branch_score_shape(branch, secretary_of):
    response = client_for(secretary_of(branch)).get(f"/api/v1/branches/{branch.pk}/score/?year=2025")
    assert response.status_code == 200, response.content
    data = response.json()
    assert {"year", "template", "total", "max", "grade", "stars", "vetoed", "items", "open_gaps"} <= set(data)
    assert data["year"] == 2025 and data["template"]["code"] == "default" and data["template"]["version"] == 1
    assert isinstance(data["total"], float | int) and data["max"] == 100
    assert len(data["items"]) == 27
    c1 = next(i for i in data["items"] if i["code"] == "C1")
    assert set(c1) >= {"code", "name", "max", "score", "method", "deductions"}
    assert c1["score"] == 1.5 and c1["method"] == "auto"
    reasons = [d["reason"] for d in c1["deductions"]]
    assert reasons == [
        "2025年第二季度未召开支部党员大会",
        "2025年第三季度未召开支部党员大会",
        "2025年第四季度未召开支部党员大会",
    ]
    assert c1["deductions"][0]["points"] == 1.5 and c1["deductions"][0]["records"] == []
    e1 = next(i for i in data["items"] if i["code"] == "E1")
    assert (e1["score"], e1["method"]) == (None, "manual")
    assert data["unrated"] == 3


def test_a_branch_outside_the_users_scope_is_404(branch, secretary_of):
    other = BranchFactory()
    client = client_for(secretary_of(other))
    assert client.get(f"/api/v1/branches/{branch.pk}/score/?year=2025").status_code == 404
    assert client.get(f"/api/v1/branches/{other.pk}/score/?year=2025").status_code == 200
    assert client.get(f"/api/v1/branches/{other.pk}/score/?year=99").status_code == 400


def test_scorecards_list_and_detail(branch, secretary_of):
    client = client_for(secretary_of(branch))
    rows = client.get("/api/v1/scorecards/").json()
    rows = rows.get("results", rows)
    assert [(r["code"], r["version"]) for r in rows] == [("default", 1), ("village", 1)]
    detail = client.get(f"/api/v1/scorecards/{rows[1]['id']}/").json()
    assert detail["sectors"] == ["village", "community"] and len(detail["data"]["categories"]) == 6


def test_scores_list_pages_branches_in_scope(branch, secretary_of):
    data = client_for(secretary_of(branch)).get("/api/v1/scores/?year=2025").json()
    assert [r["branch"] for r in data["results"]] == [branch.pk]
