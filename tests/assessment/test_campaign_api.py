"""The workflow through the API: the right role succeeds; a wrong role that can
see the assessment gets 403, one that cannot gets 404 — and nothing changes."""

from datetime import date

import pytest

from assessment.campaigns import services
from assessment.models import Assessment, Campaign, ItemScore, Transition

from .conftest import assessment_of, committee_meeting, png, submit

URL = "/api/v1/campaign-assessments/{}/{}/"
CURL = "/api/v1/campaigns/{}/{}/"


def state():
    return (
        list(Assessment.objects.order_by("pk").values_list("status", "version", "review_total", "verify_total",
                                                           "grade", "sampled")),
        list(Campaign.objects.values_list("status", "sample_seed", "publicity_end")),
        Transition.objects.count(),
        ItemScore.objects.count(),
    )


def refused(client_as, world, who, url, payload, code=403):
    before = state()
    response = client_as(getattr(world.users, who)).post(url, payload, format="json")
    assert response.status_code == code, (who, response.status_code, response.content[:300])
    assert state() == before
    return response


def test_submit_by_the_branch_and_refused_for_others(world, client_as):
    a = assessment_of(world)
    services.evidence_add(actor=world.users.secretary, assessment=a, file=png(), item_code="E1")
    payload = {"manual": {"E1": "4"}, "self_report": "按要求开展。", "approval_meeting": committee_meeting(a.branch).pk}
    for who in ("reviewer", "org", "inspector"):
        refused(client_as, world, who, URL.format(a.pk, "submit"), payload)
    for who in ("other_secretary", "nobody"):
        refused(client_as, world, who, URL.format(a.pk, "submit"), payload, code=404)
    response = client_as(world.users.committee_member).post(URL.format(a.pk, "submit"), payload, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["stages"][0]["stage"] == "self"
    c1 = next(i for i in body["stages"][0]["items"] if i["code"] == "C1")
    assert c1["method"] == "auto" and c1["deductions"] and "支部党员大会" in c1["deductions"][0]["text"]


def test_a_branch_cannot_send_auto_items_or_review_scores(world, client_as):
    a = assessment_of(world)
    refused(client_as, world, "secretary", URL.format(a.pk, "submit"), {"manual": {"C1": "6"}}, code=400)
    s = submit(world)
    for action in ("score", "approve"):
        refused(client_as, world, "secretary", URL.format(s.pk, action), {"manual": {"E1": "4"}})


@pytest.mark.parametrize("action", ["approve", "return", "override"])
def test_review_actions_by_the_committee_only(world, client_as, action):
    a = submit(world)
    payload = {"approve": {"manual": {"E1": "3"}, "satisfaction": "95"},
               "return": {"comment": "照片不清晰"},
               "override": {"code": "C2", "value": "5", "reason": "支委会记录经核实"}}[action]
    for who in ("secretary", "committee_member", "org", "inspector", "stray_inspector"):
        refused(client_as, world, who, URL.format(a.pk, action), payload)
    refused(client_as, world, "other_secretary", URL.format(a.pk, action), payload, code=404)
    response = client_as(world.users.reviewer).post(URL.format(a.pk, action), payload, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    if action == "override":
        review = next(st for st in body["stages"] if st["stage"] == "review")
        c2 = next(i for i in review["items"] if i["code"] == "C2")
        assert (c2["score"], c2["overridden"], c2["override_reason"]) == ("5.00", True, "支委会记录经核实")
    else:
        assert body["status"] == {"approve": "approved", "return": "returned"}[action]


def test_an_override_without_a_reason_is_refused(world, client_as):
    a = submit(world)
    response = refused(client_as, world, "reviewer", URL.format(a.pk, "override"),
                       {"code": "C2", "value": "6", "reason": ""}, code=400)
    assert "理由" in str(response.json()["errors"])


def test_campaign_actions_by_the_organisation_department(world, client_as):
    for i in range(4):
        services.assessment_approve(actor=world.users.reviewer, assessment=submit(world, i))
    c = world.campaign
    for who in ("reviewer", "secretary", "inspector"):
        refused(client_as, world, who, CURL.format(c.pk, "draw-sample"), {"seed": 5})
    response = client_as(world.users.org).post(CURL.format(c.pk, "draw-sample"), {"seed": 5}, format="json")
    assert response.status_code == 200 and len(response.json()) == 2

    sampled = list(c.assessments.filter(sampled=True))
    for who in ("reviewer", "stray_inspector", "org", "secretary"):
        refused(client_as, world, who, URL.format(sampled[0].pk, "verify"), {"manual": {"E1": "2"}})
    for a in sampled:
        response = client_as(world.users.inspector).post(URL.format(a.pk, "verify"), {"manual": {"E1": "2"}},
                                                          format="json")
        assert response.status_code == 200 and response.json()["status"] == "verified"

    for who in ("reviewer", "secretary", "inspector"):
        refused(client_as, world, who, CURL.format(c.pk, "publish"), {"on": "2026-07-06"})
    assert client_as(world.users.org).post(CURL.format(c.pk, "publish"), {"on": "2026-07-06"},
                                           format="json").json()["publicity_end"] == "2026-07-10"
    for who in ("reviewer", "secretary"):
        refused(client_as, world, who, CURL.format(c.pk, "finalise"), {"on": "2026-07-13"})
    response = client_as(world.users.org).post(CURL.format(c.pk, "finalise"), {"on": "2026-07-13"}, format="json")
    assert response.status_code == 200
    assert response.json()["warnings"] and response.json()["campaign"]["status"] == "finalised"

    detail = client_as(world.users.reviewer).get(f"/api/v1/campaigns/{c.pk}/").json()
    assert detail["progress"]["finalised"] == 4 and detail["warnings"]

    a = assessment_of(world, 0)
    plan = {"items": ["补开支部党员大会"], "owner": "支部书记", "due_date": "2026-09-30", "guide": world.users.reviewer.pk}
    refused(client_as, world, "secretary", URL.format(a.pk, "rectify"), plan)
    assert client_as(world.users.reviewer).post(URL.format(a.pk, "rectify"), plan, format="json").status_code == 201
    refused(client_as, world, "secretary", URL.format(a.pk, "reinspect"), {"note": "x"})
    response = client_as(world.users.reviewer).post(URL.format(a.pk, "reinspect"), {"note": "已整改"}, format="json")
    assert response.status_code == 201 and response.json()["grade_before"] == "fail"


def test_reads_are_scoped(world, client_as):
    submit(world)
    mine = client_as(world.users.secretary).get("/api/v1/campaign-assessments/").json()
    assert [r["branch"] for r in mine["results"]] == [world.branches[0].pk]
    everyone = client_as(world.users.reviewer).get("/api/v1/campaign-assessments/").json()
    assert everyone["count"] == 4
    assert client_as(world.users.nobody).get("/api/v1/campaigns/").json()["count"] == 0
    drift = client_as(world.users.reviewer).get(URL.format(assessment_of(world).pk, "drift")).json()
    assert drift == {"changed": False, "frozen_total": None, "fresh_total": None, "items": []}


def test_opening_through_the_api(world, client_as):
    payload = {"org_unit": world.committee.pk, "name": "教育党委2024年度验收", "year": 2024}
    refused(client_as, world, "secretary", "/api/v1/campaigns/", payload, code=403)
    response = client_as(world.users.reviewer).post("/api/v1/campaigns/", payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["self_due"] == date(2025, 5, 31).isoformat()
