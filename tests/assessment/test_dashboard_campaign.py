"""The dashboard with an acceptance campaign chosen (`?campaign=ID`): its
branches per status of the workflow, and the scores panels read from the
campaign's approved results — only the unit's own subtree, on the page and in
the API; a campaign the user may not see, or that is not about the unit, is
refused without telling its name."""

import re
from collections import Counter
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from assessment import dashboard_campaign as dc
from assessment.campaigns import services
from assessment.models import Assessment
from branches.models import OrgUnit, RoleAssignment
from tests.branches.factories import BranchFactory, CommitteeFactory, UserFactory

from .conftest import YEAR, assessment_of, submit

Status = Assessment.Status


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def two(world):
    """The world's campaign (opened at the root) also covers a second 党委 with
    two branches; 教育党委's first branch is approved, its second submitted,
    and a branch founded after the campaign opened has no assessment."""
    other = CommitteeFactory(name="卫健党委", parent=world.root)
    others = [BranchFactory(name=f"卫健第{i}支部", parent=other) for i in (1, 2)]
    for b in others:
        Assessment.objects.create(campaign=world.campaign, branch=b, scorecard=assessment_of(world).scorecard,
                                  status=Status.SUBMITTED)
    other_admin = UserFactory(username="dw_other")
    RoleAssignment.objects.create(user=other_admin, role=RoleAssignment.Role.COMMITTEE_ADMIN, org_unit=other)
    submit(world, 0)
    services.assessment_approve(actor=world.users.reviewer, assessment=assessment_of(world, 0))
    submit(world, 1)
    late = BranchFactory(name="新成立支部", parent=world.committee)
    world.other, world.others, world.other_admin, world.late = other, others, other_admin, late
    return world


def page(user, **params):
    client = APIClient()
    client.force_login(user)
    return client.get(reverse("dashboard"), params)


def api(user, **params):
    client = APIClient()
    client.force_login(user)
    return client.get(reverse("api-dashboard"), params)


def direct_counts(campaign, unit) -> dict:
    """The statuses of the campaign's assessments under the unit, straight from the records."""
    rows = Assessment.objects.filter(campaign=campaign, branch__path__startswith=unit.path)
    counts = Counter(rows.values_list("status", flat=True))
    assessed = set(rows.values_list("branch_id", flat=True))
    missing = OrgUnit.objects.filter(path__startswith=unit.path, kind__in=OrgUnit.BRANCH_KINDS, is_active=True)
    counts[dc.NOT_INCLUDED] = missing.exclude(pk__in=assessed).count()
    return {k: v for k, v in counts.items() if v}


def test_progress_counts_equal_the_campaign_records(two):
    data = dc.campaign_scores(two.committee, two.campaign)

    shown = {s.status: s.count for s in data.stages if s.count}
    assert shown == direct_counts(two.campaign, two.committee) == {
        Status.APPROVED: 1, Status.SUBMITTED: 1, Status.DRAFT: 2, dc.NOT_INCLUDED: 1,
    }
    assert data.branches == 5
    assert {s.status: s.share for s in data.stages}[Status.DRAFT] == Decimal("40.0")
    # every status of the workflow is listed, in its order, even at 0
    assert [s.status for s in data.stages] == [*dc.STAGES, dc.NOT_INCLUDED]


def test_a_committee_never_sees_another_committees_branches_in_the_panel(two):
    response = page(two.users.reviewer, org=two.committee.pk, campaign=two.campaign.pk)

    assert response.status_code == 200
    html = response.content.decode()
    stages = {s["status"]: s["count"] for s in response.context["stages"]}
    assert stages[Status.SUBMITTED] == 1  # 卫健党委's two submitted branches are not counted
    assert sum(stages.values()) == 5
    assert "卫健" not in html
    listed = APIClient()
    listed.force_login(two.users.reviewer)
    lst = listed.get(reverse("dashboard_branches"),
                     {"org": two.committee.pk, "campaign": two.campaign.pk, "stage": Status.SUBMITTED})
    assert [r["row"].name for r in lst.context["rows"]] == ["第2支部"]
    assert "卫健" not in lst.content.decode()
    # and the other 党委 sees its own two, not 教育党委's
    theirs = api(two.other_admin, org=two.other.pk, campaign=two.campaign.pk).json()["campaign"]
    assert {s["status"]: s["count"] for s in theirs["stages"] if s["count"]} == {Status.SUBMITTED: 2}


def test_each_stage_number_opens_its_branches_and_each_branch_its_campaign_page(two):
    response = page(two.users.reviewer, org=two.committee.pk, campaign=two.campaign.pk)
    approved = next(s for s in response.context["stages"] if s["status"] == Status.APPROVED)

    client = APIClient()
    client.force_login(two.users.reviewer)
    rows = client.get(approved["url"]).context["rows"]

    assert [r["row"].name for r in rows] == ["第1支部"]
    assert rows[0]["url"] == reverse("campaign_assessment", args=[assessment_of(two, 0).pk])
    assert client.get(rows[0]["url"]).status_code == 200
    late = next(s for s in response.context["stages"] if s["status"] == dc.NOT_INCLUDED)
    assert [r["row"].name for r in client.get(late["url"]).context["rows"]] == ["新成立支部"]


def test_the_scores_panels_read_the_campaigns_approved_results_not_the_live_snapshots(two):
    approved = assessment_of(two, 0)
    approved.refresh_from_db()

    response = page(two.users.reviewer, org=two.committee.pk, campaign=two.campaign.pk)

    data = response.context["data"]
    assert response.context["year"] == YEAR
    grades = {g.grade: g.count for g in data.grades}
    assert grades[approved.review_result["grade"]] == 1
    assert grades[""] == 3  # a submitted self-assessment is not a score yet; nor is a draft
    # the branch the campaign does not hold is counted in the progress, not in the scores
    assert sum(grades.values()) == 4
    row = next(c for c in data.children if c.name == "第1支部")
    assert row.average == approved.review_total
    child = next(c for c in response.context["children"] if c["row"].name == "第1支部")
    assert child["url"] == reverse("campaign_assessment", args=[approved.pk])
    # without the campaign the same year reads the (absent) snapshots
    live = page(two.users.reviewer, org=two.committee.pk, year=YEAR).context["data"]
    assert {g.grade: g.count for g in live.grades}.get("", 0) == 5


def test_a_branch_graded_at_finalisation_without_submitting_counts_as_fail_without_a_score(two):
    a = assessment_of(two, 3)
    Assessment.objects.filter(pk=a.pk).update(status=Status.FINALISED, grade="fail", final_total=None)

    data = dc.campaign_scores(two.committee, two.campaign)

    row = next(b for b in data.scores.branches if b.id == a.branch_id)
    assert (row.grade, row.total) == ("fail", None)


@pytest.mark.parametrize("call", [page, api])
def test_unknown_or_out_of_scope_campaign_is_refused_without_its_name(two, call):
    own = services.campaign_open(actor=two.other_admin, org_unit=two.other, name="卫健党委自己的验收", year=YEAR + 1)
    for campaign in (own.pk, 987654):
        response = call(two.users.reviewer, org=two.committee.pk, campaign=campaign)
        assert response.status_code == 404, campaign
        assert "卫健" not in response.content.decode()
    bad = call(two.users.reviewer, org=two.committee.pk, campaign="abc")
    assert bad.status_code == 400
    assert "验收编号应为数字" in bad.content.decode()
    other_year = call(two.users.reviewer, org=two.committee.pk, campaign=two.campaign.pk, year=YEAR + 1)
    assert other_year.status_code == 400
    assert f"{YEAR}年" in other_year.content.decode()


def test_the_picker_lists_the_campaigns_of_the_year_that_concern_the_unit(two):
    services.campaign_open(actor=two.other_admin, org_unit=two.other, name="卫健党委自己的验收", year=YEAR)

    assert [c.name for c in dc.campaigns_for_unit(two.users.reviewer, two.committee)] == [two.campaign.name]
    assert [c.name for c in dc.campaigns_for_unit(two.users.org, two.root)] == [
        two.campaign.name, "卫健党委自己的验收",
    ]
    assert [c.name for c in dc.campaigns_for_unit(two.other_admin, two.other)] == [
        two.campaign.name, "卫健党委自己的验收",
    ]


def test_the_cached_picker_shows_a_campaign_opened_or_renamed_at_once(two):
    def picker(user, unit):
        html = page(user, org=unit.pk, year=YEAR).content.decode()
        select = html[html.index('id="dash-campaign"'):]
        return re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select[:select.index("</select>")])

    assert "卫健党委自己的验收" not in picker(two.other_admin, two.other)
    assert picker(two.other_admin, two.other) == picker(two.other_admin, two.other)  # served from the cache
    own = services.campaign_open(actor=two.other_admin, org_unit=two.other, name="卫健党委自己的验收", year=YEAR)
    assert "卫健党委自己的验收" in picker(two.other_admin, two.other)
    own.name = "卫健党委验收（更名）"
    own.save()
    assert "卫健党委验收（更名）" in picker(two.other_admin, two.other)


def test_api_shape_with_and_without_a_campaign(two):
    body = api(two.users.reviewer, org=two.committee.pk, campaign=two.campaign.pk).json()

    c = body["campaign"]
    assert set(c) == {"id", "name", "year", "status", "status_label", "org_unit_id", "branches", "scored", "stages"}
    assert (c["id"], c["year"], c["status"], c["branches"], c["scored"]) == (two.campaign.pk, YEAR, "open", 5, 1)
    assert c["stages"][0] == {"status": "draft", "label": "自评中", "count": 2, "share": 40.0}
    assert body["year"] == YEAR
    assert {g["grade"]: g["count"] for g in body["grades"]}["none"] == 3
    assert api(two.users.reviewer, org=two.committee.pk, year=YEAR).json()["campaign"] is None


def test_the_schema_documents_the_campaign_parameter_and_panel(db):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()

    op = schema["paths"]["/api/v1/dashboard/"]["get"]
    assert "campaign" in [p["name"] for p in op["parameters"]]
    panel = schema["components"]["schemas"]["DashboardCampaign"]["properties"]
    assert {"stages", "branches", "scored", "status"} <= set(panel)


def test_a_year_without_a_campaign_points_to_the_latest_one(two):
    response = page(two.users.reviewer, org=two.committee.pk, year=YEAR + 1)

    html = response.content.decode()
    assert f"{YEAR + 1}年度没有涉及本单位的达标验收" in html
    link = response.context["other_campaigns"][0]["url"]
    assert f"campaign={two.campaign.pk}" in link and f"year={YEAR}" in link
    assert 'id="dash-campaign"' not in html


def test_a_branch_closed_after_the_campaign_opened_still_counts_at_its_status(two):
    OrgUnit.objects.filter(pk=two.branches[3].pk).update(is_active=False)

    data = dc.campaign_scores(two.committee, two.campaign)

    assert {s.status: s.count for s in data.stages if s.count} == direct_counts(two.campaign, two.committee) | {
        Status.DRAFT: 2,
    }
    assert data.statuses[two.branches[3].pk] == Status.DRAFT
