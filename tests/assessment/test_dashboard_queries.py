"""The dashboard's page and API run the same number of queries for a unit
with 5 branches and with 50: scores are read from the stored snapshots in one
load, never one query per branch."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branches.models import OrgUnit, RoleAssignment
from tests.branches.factories import BranchFactory, CommitteeFactory, UserFactory

from .dashboard_helpers import default_card, meeting_missing, snapshot

YEAR = 2026


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The dashboard caches its panels per state of a subtree; start every test cold."""
    cache.clear()
# Cold (nothing cached): session, user, the data tokens (snapshots and org tree, one query), scope
# (roles and member link in one query), the unit, scorecards, subtree units, snapshots,
# trend, the parent's category scores, alerts; the page adds the unit's ancestors
# (breadcrumb), the campaigns for the picker and the unread badge.
# Warm: the user's scope, everything read from snapshots, the panels' HTML, the campaign picker
# and the breadcrumb come from the cache, and so does the overdue-alert count.
PAGE_QUERIES = {"cold": 14, "warm": 5}
API_QUERIES = {"cold": 11, "warm": 4}


def committee_with(n: int):
    card = default_card()
    top = CommitteeFactory()
    unit = CommitteeFactory(parent=top)
    general = OrgUnit.objects.create(name=f"总支{n}", kind=OrgUnit.Kind.GENERAL_BRANCH, parent=unit)
    for i in range(n):
        branch = BranchFactory(parent=general if i % 2 else unit)
        snapshot(branch, YEAR, card=card, lost={"C1": (i % 4) * 1.5},
                 deductions={"C1": [meeting_missing(YEAR, q + 1) for q in range(i % 4)]})
        snapshot(branch, YEAR - 1, card=card)
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=RoleAssignment.Role.COMMITTEE_ADMIN, org_unit=unit)
    return unit, user


def count(client, user, url, params):
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_page_and_api_queries_do_not_grow_with_the_branches(client):
    small, small_user = committee_with(5)
    large, large_user = committee_with(50)
    for name, expected in (("dashboard", PAGE_QUERIES), ("api-dashboard", API_QUERIES)):
        url = reverse(name)
        cache.clear()
        five = [count(client, small_user, url, {"org": small.pk, "year": YEAR}) for _ in range(2)]
        fifty = [count(client, large_user, url, {"org": large.pk, "year": YEAR}) for _ in range(2)]
        assert five == fifty == [expected["cold"], expected["warm"]], (name, five, fifty)


@pytest.mark.django_db
def test_the_lists_behind_the_numbers_do_not_grow_either(client):
    small, small_user = committee_with(5)
    large, large_user = committee_with(50)
    url = reverse("dashboard_branches")
    for params in ({"grade": "pass"}, {"item": "C1"}, {"flag": "meetings"}, {"flag": "alerts"}):
        five = count(client, small_user, url, {"org": small.pk, "year": YEAR, **params})
        fifty = count(client, large_user, url, {"org": large.pk, "year": YEAR, **params})
        assert five == fifty, (params, five, fifty)


# With a campaign chosen (cold cache; the campaign panels are not cached): the
# cold counts above plus four — the campaign (checked against the user and the
# unit), its assessments under the unit, the unit's branches, and the parent's
# category scores in the campaign; the page and the API read the data tokens as well
# (the page caches the campaign picker under them).
CAMPAIGN_PAGE_QUERIES = 19
CAMPAIGN_API_QUERIES = 16


def campaign_over(unit, admin):
    """A campaign over the unit, every other branch approved with a review result."""
    from assessment.campaigns import services
    from assessment.models import Assessment, ScoreSnapshot

    campaign = services.campaign_open(actor=admin, org_unit=unit, name=f"验收{unit.pk}", year=YEAR)
    for i, a in enumerate(campaign.assessments.order_by("branch__path")):
        if i % 2:
            continue
        snap = ScoreSnapshot.objects.get(branch=a.branch, year=YEAR)
        result = {"total": str(snap.total), "max": str(snap.max), "grade": snap.grade, "stars": snap.stars,
                  "vetoed": False, "unrated": snap.unrated, "category_scores": snap.category_scores,
                  "items": snap.items}
        Assessment.objects.filter(pk=a.pk).update(status=Assessment.Status.APPROVED, review_result=result,
                                                  review_total=snap.total)
    return campaign


@pytest.mark.django_db
def test_with_a_campaign_the_queries_do_not_grow_with_the_branches_either(client):
    small, small_user = committee_with(5)
    large, large_user = committee_with(50)
    small_campaign, large_campaign = campaign_over(small, small_user), campaign_over(large, large_user)
    for name, expected in (("dashboard", CAMPAIGN_PAGE_QUERIES), ("api-dashboard", CAMPAIGN_API_QUERIES)):
        url = reverse(name)
        cache.clear()
        five = count(client, small_user, url, {"org": small.pk, "campaign": small_campaign.pk})
        fifty = count(client, large_user, url, {"org": large.pk, "campaign": large_campaign.pk})
        assert five == fifty == expected, (name, five, fifty)
    lists = reverse("dashboard_branches")
    for params in ({"stage": "approved"}, {"grade": "pass"}, {"item": "C1"}):
        five = count(client, small_user, lists, {"org": small.pk, "campaign": small_campaign.pk, **params})
        fifty = count(client, large_user, lists, {"org": large.pk, "campaign": large_campaign.pk, **params})
        assert five == fifty, (params, five, fifty)
